/**
 * Recording an outcome once (record-outcome.ts), held directly against the sandbox and a real
 * database, quickly enough for mutation testing (`npm run mutate`, README): the same approval
 * handed in twice (in one group-commit batch, or again later) pays once; a decline or a
 * "nothing charged" recorded again changes nothing; a late answer leaves an invoice paid since
 * then paid; a retryable answer the run will try again touches only the attempt.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { claimAttempts, resolveAttempt, sendCharge } from '../../src/services/billing/charge.ts'
import { groupTarget, singleTarget, type ChargeContext, type ClaimedCharge } from '../../src/services/billing/charge-types.ts'
import { getBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { recordApprovals, recordApproved, recordDeclined, recordNoCharge } from '../../src/services/billing/record-outcome.ts'
import { chargeAgreementNow, chargeInvoiceNow, recordOfflinePayment, refundPayment, voidInvoice } from '../../src/services/billing/office-actions.ts'
import type { Approved, Declined } from '../../src/ports/payment-gateway.ts'
import { invoicedOnCard, startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let deps: ServiceDeps
let s: BillingServices
let ctx: ChargeContext
// Mar 10, 11:00 in New York.
const now = new Date('2026-03-10T15:00:00Z')

before(async () => {
  ;({ deps } = s = await startBillingServices(() => now))
  ctx = { runId: null, settings: await getBillingSettings(deps.db), settleWindowMs: 60_000 }
})
after(() => s.close())

/** A customer (with an email address) with a card and a monthly agreement of `amountCents` from Mar 1, invoiced, and a claimed attempt of its invoice. */
async function claimed(name: string, amountCents: number, pan?: string) {
  const { invoices: [inv], pm } = await invoicedOnCard(s, name, amountCents, { email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, pan })
  const [claim] = await claimAttempts(deps, [singleTarget(inv.id, amountCents, pm)], null)
  return { invoiceId: inv.id, pm, claim: claim! }
}

const invoice = (id: string) => deps.db.selectFrom('invoices').select(['status', 'paidCents', 'failedAttempts', 'failureCode', 'retryState']).where('id', '=', id).executeTakeFirstOrThrow()
const payments = async (invoiceId: string) => (await deps.db.selectFrom('payments').select('amountCents').where('invoiceId', '=', invoiceId).execute()).map((p) => Number(p.amountCents))
const outbox = async (kind: string, invoiceId: string) => (await deps.db.selectFrom('emailOutbox').select('id').where('kind', '=', kind).where('relatedId', '=', invoiceId).execute()).length
const attempt = (id: string) => deps.db.selectFrom('chargeAttempts').select(['status', 'resolvedBy']).where('id', '=', id).executeTakeFirstOrThrow()
/** The gateway's codes as stored on the attempt (what support reads back when a customer asks what the bank said). */
const codesOf = (id: string) => deps.db.selectFrom('chargeAttempts').select(['respstat', 'respcode', 'resptext', 'respproc']).where('id', '=', id).executeTakeFirstOrThrow()

async function approvalOf(claim: ClaimedCharge): Promise<Approved> {
  const out = await sendCharge(deps, claim)
  assert.equal(out.status, 'approved', JSON.stringify(out))
  return out as Approved
}

test('the same approval handed in twice in one batch (the answer and an inquiry) pays once; handed in again later it changes nothing', async () => {
  const { invoiceId, pm, claim } = await claimed('Twice Together', 3125)
  const approved = await approvalOf(claim)
  const item = { orderId: claim.orderId, approved, invoiceIds: [invoiceId], paymentMethod: pm, invoices: [] }
  const results = await recordApprovals(deps, [{ ...item, via: 'response' }, { ...item, via: 'inquiry' }])
  assert.deepEqual(results, [{ kind: 'approved', amountCents: 3125 }, { kind: 'skipped' }])
  assert.deepEqual(await payments(invoiceId), [3125])
  assert.deepEqual(await attempt(claim.orderId), { status: 'approved', resolvedBy: 'response' })
  assert.deepEqual(await codesOf(claim.orderId), approved.codes, 'the gateway\'s answer is kept with the attempt')
  assert.equal((await codesOf(claim.orderId)).respstat, 'A')
  // Found again by inquiry (a settle pass, the office's Retry): nothing more.
  assert.deepEqual(await recordApproved(deps, claim.orderId, approved, 'inquiry', ctx), { kind: 'skipped' })
  assert.deepEqual(await resolveAttempt(deps, claim.orderId, ctx), { kind: 'skipped' })
  assert.deepEqual(await payments(invoiceId), [3125])
  const inv = await invoice(invoiceId)
  assert.deepEqual([inv.status, Number(inv.paidCents)], ['paid', 3125])
  assert.equal(await outbox('billing.receipt', invoiceId), 0, 'no receipt without the invoices loaded (invoices: [])')
})

test('a decline recorded twice (answer, then inquiry) fails the invoice once and tells the customer once', async () => {
  // $1116.00: the sandbox answers insufficient funds.
  const { invoiceId, claim } = await claimed('Declined Twice', 111600, '4111111111111111')
  const out = await sendCharge(deps, claim)
  assert.equal(out.status, 'declined', JSON.stringify(out))
  assert.deepEqual(await recordDeclined(deps, claim.orderId, out as Declined, 'response', ctx), { kind: 'declined' })
  assert.deepEqual(await recordDeclined(deps, claim.orderId, out as Declined, 'inquiry', ctx), { kind: 'skipped' })
  const inv = await invoice(invoiceId)
  assert.deepEqual([inv.status, inv.failedAttempts, inv.failureCode, inv.retryState], ['failed', 1, 'insufficient_funds', 'scheduled'])
  assert.equal(await outbox('billing.payment_failed', invoiceId), 1)
  assert.deepEqual(await attempt(claim.orderId), { status: 'declined', resolvedBy: 'response' })
  assert.deepEqual(await payments(invoiceId), [])
})

for (const ending of ['paid', 'void', 'refunded'] as const) {
  test(`a decline found for an attempt once thought never sent leaves an invoice ${ending} meanwhile ${ending}`, async () => {
    const { invoiceId, claim } = await claimed(`Late ${ending}`, 111700, '4111111111111111')
    await deps.db.updateTable('chargeAttempts').set({ sentAt: new Date(Date.now() - 120_000) }).where('id', '=', claim.orderId).execute()
    assert.deepEqual(await resolveAttempt(deps, claim.orderId, ctx), { kind: 'not_sent' })
    if (ending === 'void') await voidInvoice(deps, invoiceId, 'Billed by mistake', null)
    else {
      const { paymentId } = await recordOfflinePayment(deps, invoiceId, { amountCents: 111700, method: 'check', reference: '', note: '', receivedOn: '2026-03-10' }, null)
      if (ending === 'refunded') await refundPayment(deps, paymentId, { reason: 'Paid twice' }, null)
    }
    const before = await invoice(invoiceId)
    assert.equal(before.status, ending)
    // The request reaches the gateway after all, and is declined.
    const out = await sendCharge(deps, claim)
    assert.equal(out.status, 'declined', JSON.stringify(out))
    assert.deepEqual(await recordDeclined(deps, claim.orderId, out as Declined, 'inquiry', ctx), { kind: 'declined' })
    const inv = await invoice(invoiceId)
    assert.deepEqual(inv, before)
    assert.deepEqual([inv.failedAttempts, inv.failureCode, inv.retryState], [0, null, null])
    assert.equal(await outbox('billing.payment_failed', invoiceId), 0)
  })
}

test("nothing charged: a retryable answer the run tries again records the attempt only; a final one fails the invoice once, named by what went wrong", async () => {
  const a = await claimed('Retry Soon', 1400)
  assert.deepEqual(await recordNoCharge(deps, a.claim.orderId, 'retryable', 'Timed out', {}, ctx, false, 250), { kind: 'retryable', afterMs: 250 })
  assert.deepEqual((await attempt(a.claim.orderId)).status, 'retryable')
  let inv = await invoice(a.invoiceId)
  assert.deepEqual([inv.status, inv.failedAttempts, inv.retryState], ['open', 0, null])
  // Recorded again: the attempt is no longer pending, nothing changes.
  assert.deepEqual(await recordNoCharge(deps, a.claim.orderId, 'retryable', 'Timed out', {}, ctx, true, 0), { kind: 'skipped' })
  assert.deepEqual([(await invoice(a.invoiceId)).status, (await invoice(a.invoiceId)).failedAttempts], ['open', 0])

  const b = await claimed('Retry Final', 1500)
  const timedOut = { respstat: 'B', respcode: '62', resptext: 'Timed out', respproc: 'PPS' }
  assert.deepEqual(await recordNoCharge(deps, b.claim.orderId, 'retryable', 'Timed out', timedOut, ctx, true, 0), { kind: 'error' })
  assert.deepEqual(await codesOf(b.claim.orderId), timedOut, 'the gateway\'s answer is kept with the attempt')
  inv = await invoice(b.invoiceId)
  assert.deepEqual([inv.status, inv.failedAttempts, inv.failureCode, inv.retryState], ['failed', 1, 'gateway_error', 'soon'])

  const c = await claimed('Bad Credentials', 1600)
  assert.deepEqual(await recordNoCharge(deps, c.claim.orderId, 'error', 'Unauthorized', {}, ctx, true, 0), { kind: 'error' })
  inv = await invoice(c.invoiceId)
  assert.deepEqual([inv.status, inv.failedAttempts, inv.failureCode], ['failed', 1, 'gateway_misconfigured'])
})

test('a check recorded while a card charge of the invoice is being confirmed is refused, so the invoice cannot be paid twice', async () => {
  const { invoiceId, claim } = await claimed('Check In Flight', 2200)
  const check = { amountCents: 2200, method: 'check' as const, reference: '', note: '', receivedOn: '2026-03-10' }
  await assert.rejects(recordOfflinePayment(deps, invoiceId, check, null), { code: 'charge_in_flight' })
  assert.deepEqual(await payments(invoiceId), [])
  assert.deepEqual([(await invoice(invoiceId)).status, Number((await invoice(invoiceId)).paidCents)], ['open', 0])
  // The card is approved after all: one payment, by card.
  const approved = await approvalOf(claim)
  assert.deepEqual(await recordApproved(deps, claim.orderId, approved, 'response', ctx), { kind: 'approved', amountCents: 2200 })
  const [receipt] = await deps.db.selectFrom('emailOutbox').select(['toAddress', 'textBody', 'content', 'attachments']).where('kind', '=', 'billing.receipt').where('relatedId', '=', invoiceId).execute()
  assert.equal(receipt?.toAddress, 'check@example.com')
  assert.match(receipt!.textBody ?? '', /we received \$22\.00 for invoice/, 'the receipt has its plain-text part')
  // Its HTML part is drawn at delivery from the content kept with it; the invoice PDF goes with it.
  assert.match(JSON.stringify(receipt!.content ?? null), /\$22\.00/, 'the receipt keeps the content its HTML part is drawn from')
  assert.match(JSON.stringify(receipt!.attachments ?? null), /invoice/i, 'the receipt carries the invoice PDF')
  await assert.rejects(recordOfflinePayment(deps, invoiceId, check, null), { code: 'invoice_not_unpaid' })
  assert.deepEqual(await payments(invoiceId), [2200])
})

test('a partial approval of a charge of two invoices pays the older in full and leaves it paid; only the newer is owed', async () => {
  // Feb and Mar, $3.50 each: $7.00 asked of a card the sandbox approves for $5.00 only.
  const { invoices, pm } = await invoicedOnCard(s, 'Split Partial', 350, { start: '2026-02-01', email: 'split@example.com', pan: '4387750101010101' })
  assert.equal(invoices.length, 2)
  const [older, newer] = [invoices[0]!, invoices[1]!]
  const [claim] = await claimAttempts(deps, [groupTarget([{ invoiceId: older.id, amountCents: 350 }, { invoiceId: newer.id, amountCents: 350 }], pm)], null)
  const approved = await approvalOf(claim!)
  assert.equal(approved.amountCents, 500)
  assert.deepEqual(await recordApprovals(deps, [{ orderId: claim!.orderId, approved, via: 'response', invoiceIds: [older.id, newer.id], paymentMethod: pm, invoices: [] }]), [{ kind: 'approved', amountCents: 500 }])
  const [o, n] = [await invoice(older.id), await invoice(newer.id)]
  assert.deepEqual([o.status, Number(o.paidCents), o.failedAttempts, o.failureCode, o.retryState], ['paid', 350, 0, null, null])
  assert.deepEqual([n.status, Number(n.paidCents), n.failedAttempts, n.failureCode, n.retryState], ['failed', 150, 1, 'partially_paid', 'scheduled'])
  assert.equal(await outbox('billing.payment_failed', older.id), 0, 'no notice about the invoice paid in full')
  assert.equal(await outbox('billing.payment_failed', newer.id), 1)
})

/**
 * `deps` whose first transaction begins only once `meanwhile` is done: another office user acts
 * between this action's checks and its write (a fixed interleaving, not a race to win).
 */
function actedMeanwhile(meanwhile: () => Promise<unknown>): ServiceDeps {
  let first: (() => Promise<unknown>) | null = meanwhile
  const db = new Proxy(deps.db, {
    get(target, key) {
      const value = Reflect.get(target, key)
      if (key !== 'transaction' || !first) return typeof value === 'function' ? value.bind(target) : value
      return () => ({
        execute: async (fn: Parameters<ReturnType<typeof target.transaction>['execute']>[0]) => {
          const run = first
          first = null
          await run?.()
          return target.transaction().execute(fn)
        },
      })
    },
  })
  return { ...deps, db }
}

test('a check recorded while another person records the same payment is refused as a change, and the invoice is paid once', async () => {
  const { invoices: [inv] } = await invoicedOnCard(s, 'Check Twice', 2300)
  const check = { amountCents: 2300, method: 'check' as const, reference: '88', note: '', receivedOn: '2026-03-10' }
  const other = actedMeanwhile(() => recordOfflinePayment(deps, inv!.id, check, null))
  await assert.rejects(recordOfflinePayment(other, inv!.id, check, null), { code: 'invoice_changed', message: 'The invoice changed meanwhile; reload it' })
  assert.deepEqual(await payments(inv!.id), [2300])
  assert.deepEqual([(await invoice(inv!.id)).status, Number((await invoice(inv!.id)).paidCents)], ['paid', 2300])
})

test("charging an agreement now whose invoices were paid meanwhile is refused (409) and charges nothing", async () => {
  const { agr, invoices: [inv] } = await invoicedOnCard(s, 'Paid Meanwhile', 2400)
  const check = { amountCents: 2400, method: 'check' as const, reference: '', note: '', receivedOn: '2026-03-10' }
  // The check is recorded after the charge's checks and before it claims the invoices.
  const other = actedMeanwhile(() => recordOfflinePayment(deps, inv!.id, check, null))
  await assert.rejects(chargeAgreementNow(other, agr, null, 'office'), { code: 'charge_in_flight', message: 'The invoices were just paid or are being charged' })
  assert.deepEqual(await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', inv!.id).execute(), [], 'no charge attempted')
  assert.deepEqual(await payments(inv!.id), [2400])
})

test("the office's Retry of an invoice with no card on file says so, not that a charge is in flight", async () => {
  const { agr, invoices: [inv] } = await invoicedOnCard(s, 'Card Removed', 2500)
  await deps.db.updateTable('agreements').set({ paymentMethodId: null }).where('id', '=', agr).execute()
  // The first try records why it failed; trying again is refused with the reason.
  assert.deepEqual(await chargeInvoiceNow(deps, inv!.id, null, 'office'), { kind: 'error' })
  assert.deepEqual([(await invoice(inv!.id)).status, (await invoice(inv!.id)).retryState], ['failed', 'needs_payment_method'])
  await assert.rejects(chargeInvoiceNow(deps, inv!.id, null, 'office'), {
    kind: 'not_allowed',
    code: 'no_payment_method',
    message: 'There is no active card or bank account on file: send the customer the payment link, or record a payment',
  })
  assert.deepEqual(await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', inv!.id).execute(), [], 'nothing sent to the gateway')
})
