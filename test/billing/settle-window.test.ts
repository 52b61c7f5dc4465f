/**
 * The settle window (charge.ts `resolveAttempt`): a charge whose client gave up (read
 * timeout) may still be charged by the gateway, so "the gateway has no record of this order id"
 * means "never sent" only once the attempt is older than the window. The sandbox here takes
 * longer than the client's read timeout over every charge and approves it after the client has
 * gone; inquiries answer at once. Bill all must find that approval by inquiry and record it,
 * not mark the attempt never-sent and charge the customer again.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
// Mar 10, 11:00 in New York.
const now = new Date('2026-03-10T15:00:00Z')
const READ_TIMEOUT_MS = 1000

before(async () => void ({ h, deps } = s = await startBillingServices(() => now, { readTimeoutMs: READ_TIMEOUT_MS })))
after(() => s.close())

test('a charge approved after the client timed out is recorded from the inquiry, never marked not sent, charged once', async () => {
  const c = await aCustomer(deps, 'Lena Late', null)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(4217) })
  // Charges take 3 s at the gateway (inquiries none), well past the 1 s read timeout and well
  // inside the 15 s settle window; the gateway approves them after the client has gone.
  const summary = await h.withFaults({ latencyMs: 3000, processAfterHangupRate: 1, endpoints: ['auth'] }, async () =>
    (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 15_000 })).done,
  )
  const attempts = await deps.db.selectFrom('chargeAttempts').select(['id', 'status', 'resolvedBy']).execute()
  const charges = (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents === 4217)
  assert.equal(charges.length, 1, `the customer was charged ${charges.length} times; attempts: ${JSON.stringify(attempts)}`)
  assert.deepEqual(attempts.map((a) => [a.id, a.status, a.resolvedBy]), [[charges[0]!.orderid, 'approved', 'inquiry']])
  assert.equal(summary.status, 'completed')
  assert.deepEqual([summary.approved, summary.collectedCents, summary.unresolved], [1, 4217, 0])
  const invoice = await deps.db.selectFrom('invoices').select(['id', 'status', 'paidCents']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.deepEqual([invoice.status, Number(invoice.paidCents)], ['paid', 4217])
  const payments = await deps.db.selectFrom('payments').select(['gatewayRef', 'amountCents']).where('invoiceId', '=', invoice.id).execute()
  assert.deepEqual(payments.map((p) => [p.gatewayRef, Number(p.amountCents)]), [[charges[0]!.retref, 4217]])
})

test('a charge still unknown when the settle window closes is counted unresolved on the finished run', async () => {
  const c = await aCustomer(deps, 'Uma Unknown', null)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(3100) })
  // The charge and every inquiry outlast the client's read timeout: nobody can tell how it went.
  const summary = await h.withFaults({ latencyMs: 3000, processAfterHangupRate: 1, endpoints: ['auth', 'inquire', 'inquireByOrderid'] }, async () =>
    (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 0 })).done,
  )
  const pending = await deps.db.selectFrom('chargeAttempts as a').innerJoin('chargeAttemptInvoices as ai', 'ai.attemptId', 'a.id').innerJoin('invoices as i', 'i.id', 'ai.invoiceId')
    .select('a.id').where('i.agreementId', '=', agr).where('a.status', '=', 'pending').execute()
  assert.equal(pending.length, 1, 'left unknown')
  assert.deepEqual([summary.status, summary.unresolved], ['completed', 1], 'the run says one charge is still unknown')
  assert.equal((await deps.db.selectFrom('billingRuns').select('unresolved').where('id', '=', summary.runId).executeTakeFirstOrThrow()).unresolved, 1, 'and so does its record, for the office')
})
