/**
 * Partial approvals through the CardPointe sandbox (card 4387750101010101: any amount of $6.00
 * or more is approved for $5.00, as the vendor's UAT does). The approved part is recorded like
 * any approval (payment, receipt); the remainder is owed like after an insufficient-funds
 * decline: the customer is told what is still owed with the update link, it is retried on the
 * schedule for the remainder only, and once paid in full nothing stale says it was partial. An
 * approval whose answer is lost is found by inquiry and recorded the same way, once. The
 * sandbox's ledger and the books agree to the cent.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { recordOfflinePayment } from '../../src/services/billing/office-actions.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
let now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

const PARTIAL_CARD = '4387750101010101'
const bill = async (through: string) => (await startBillingRun(deps, { through, actor: null, settleWindowMs: 1000 })).done
const invoiceOf = (agreementId: string) => deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
const paymentsOf = (invoiceId: string) => deps.db.selectFrom('payments').selectAll().where('invoiceId', '=', invoiceId).orderBy('createdAt').execute()
const attemptsOf = (invoiceId: string) => deps.db.selectFrom('chargeAttempts').selectAll().where('invoiceId', '=', invoiceId).orderBy('sentAt').execute()
const emailsOf = (invoiceId: string, kind: string) => deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', invoiceId).where('kind', '=', kind).execute()
/** Approved auths at the sandbox for these order ids, in cents. */
const approvedAtGateway = async (orderIds: string[]) =>
  (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && orderIds.includes(r.orderid ?? '')).map((r) => r.amountCents)

async function aPartialCardAgreement(name: string, email: string, amountCents: number) {
  const c = await aCustomer(deps, name, email)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id, PARTIAL_CARD)
  return anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(amountCents) })
}

test('a partial approval: the $5.00 is receipted, the rest is owed with a notice and retried for the remainder only', async () => {
  now = new Date('2026-03-15T15:00:00Z')
  const agr = await aPartialCardAgreement('Pia Partial', 'pia@example.com', 2000)
  await bill('2026-03-15')
  const inv = await invoiceOf(agr)
  assert.deepEqual([inv.status, Number(inv.paidCents), inv.failureCode, inv.retryState, inv.failedAttempts], ['failed', 500, 'partially_paid', 'scheduled', 1])
  // The insufficient-funds schedule: the first retry 3 days after the first failure's date.
  assert.equal(inv.nextRetryDate, '2026-03-18')
  assert.match(inv.failureMessage ?? '', /Approved for \$5\.00 only; \$15\.00 is still owed/)
  assert.deepEqual((await paymentsOf(inv.id)).map((p) => [p.method, Number(p.amountCents), p.status]), [['card', 500, 'approved']])
  const [receipt] = await emailsOf(inv.id, 'billing.receipt')
  assert.match(receipt!.textBody, /we received \$5\.00 for invoice/)
  const notices = await emailsOf(inv.id, 'billing.payment_failed')
  assert.equal(notices.length, 1, 'the customer is told the rest is owed')
  assert.match(notices[0]!.textBody, /We could not collect \$15\.00 for invoice \d+ .*: the card was approved for only part of the amount\./)
  assert.match(notices[0]!.textBody, /\/pay\/[A-Za-z0-9_-]{43}/)

  // Not retried before its date; on its date only the remainder is charged (approved for $5.00 again).
  now = new Date('2026-03-16T15:00:00Z')
  await bill('2026-03-16')
  assert.equal((await attemptsOf(inv.id)).length, 1)
  now = new Date('2026-03-18T13:00:00Z')
  await bill('2026-03-18')
  const attempts = await attemptsOf(inv.id)
  assert.deepEqual(attempts.map((a) => [a.status, Number(a.amountCents)]), [['approved', 2000], ['approved', 1500]])
  const again = await invoiceOf(agr)
  assert.deepEqual([again.status, Number(again.paidCents), again.failureCode, again.retryState, again.failedAttempts], ['failed', 1000, 'partially_paid', 'scheduled', 2])
  assert.equal((await emailsOf(inv.id, 'billing.payment_failed')).length, 1, 'one notice, not one per retry')
  assert.equal((await emailsOf(inv.id, 'billing.receipt')).length, 2)

  // The office records a check for the rest: paid in full, and nothing says partial any more.
  await recordOfflinePayment(deps, inv.id, { amountCents: 1000, method: 'check', reference: '311', note: '', receivedOn: '2026-03-20' }, null)
  const paid = await invoiceOf(agr)
  assert.deepEqual([paid.status, Number(paid.paidCents), paid.failureCode, paid.failureMessage, paid.retryState, paid.nextRetryDate], ['paid', 2000, null, null, null, null])

  // Every approval at the gateway is a payment here, to the cent; nothing was charged twice.
  const card = (await paymentsOf(inv.id)).filter((p) => p.method === 'card')
  assert.deepEqual(await approvedAtGateway(attempts.map((a) => a.id)), card.map((p) => Number(p.amountCents)))
})

test('a partial approval whose answer is lost is found by inquiry and recorded once, with the rest owed', async () => {
  now = new Date('2026-03-15T15:00:00Z')
  const agr = await aPartialCardAgreement('Lou Lostanswer', 'lou@example.com', 3000)
  // The sandbox approves $5.00 and drops the connection; the run settles it from the gateway's records.
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['auth'] }, () => bill('2026-03-15'))
  const inv = await invoiceOf(agr)
  const attempts = await attemptsOf(inv.id)
  assert.deepEqual(attempts.map((a) => [a.status, a.resolvedBy]), [['approved', 'inquiry']])
  assert.deepEqual([inv.status, Number(inv.paidCents), inv.failureCode, inv.retryState], ['failed', 500, 'partially_paid', 'scheduled'])
  assert.deepEqual((await paymentsOf(inv.id)).map((p) => Number(p.amountCents)), [500])
  assert.equal((await emailsOf(inv.id, 'billing.payment_failed')).length, 1)
  assert.match((await emailsOf(inv.id, 'billing.payment_failed'))[0]!.textBody, /We could not collect \$25\.00/)
  // Settling it again records nothing more.
  await bill('2026-03-15')
  assert.deepEqual((await paymentsOf(inv.id)).map((p) => Number(p.amountCents)), [500])
  assert.deepEqual(await approvedAtGateway(attempts.map((a) => a.id)), [500])
})
