/**
 * Voids and refunds exactly once, against the CardPointe sandbox: the reversal is persisted
 * before the gateway call, so an approval whose answer is dropped is found again by inquiry and
 * recorded once; two refunds at once send one; a decline changes nothing but its own row; a
 * reversal that never arrived is failed only after the settle window; voiding a payment undoes
 * that payment only (its invoice owes it again, keeps its other payments and its retries), while
 * voiding an invoice is its own act, refused while a payment of it stands; the sandbox ledger and
 * the database agree to the cent.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../../src/domain/errors.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { listFailedPayments } from '../../src/services/billing/billing-queries.ts'
import { getBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { resolveAttempt } from '../../src/services/billing/charge.ts'
import { chargeInvoiceNow, recordOfflinePayment, refundPayment, resolveReversal, voidInvoice, voidPayment } from '../../src/services/billing/office-actions.ts'
import { aCard, aCardPayment, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())


const paymentRow = (id: string) => deps.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const invoiceRow = (id: string) => deps.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const reversalsOf = (paymentId: string) => deps.db.selectFrom('paymentReversals').selectAll().where('paymentId', '=', paymentId).orderBy('createdAt').orderBy('id').execute()
const auditCount = async (invoiceId: string, action: string) =>
  (await deps.db.selectFrom('auditEvents').select('id').where('entityId', '=', invoiceId).where('action', '=', action).execute()).length
const queued = async (entityType: 'refund' | 'void' | 'invoice_void', entityId: string) =>
  (await deps.db.selectFrom('quickbooksQueue').select('entityId').where('entityType', '=', entityType).where('entityId', 'like', `${entityId}%`).execute()).length
/** Approved refunds in the sandbox ledger with these order ids. */
const ledgerRefunds = async (orderIds: string[]) => (await h.ledger()).filter((r) => r.type === 'refund' && r.respstat === 'A' && orderIds.includes(r.orderid ?? ''))
const isError = (kind: string, code: RegExp | string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, String(e))
  assert.equal(e.kind, kind)
  if (typeof code === 'string') assert.equal(e.code, code)
  else assert.match(e.code, code)
  if (message) assert.match(e.message, message)
  return true
}

test('a refund approved whose answer is dropped is confirmed by the next attempt and recorded once', async () => {
  const pay = await aCardPayment(deps, h, 'Dropped Refund', 5000)
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, () =>
    assert.rejects(refundPayment(deps, pay.id, { amountCents: 1500, reason: 'Goodwill' }, null), isError('integration', 'refund_unconfirmed', /being confirmed/)),
  )
  const [pending] = await reversalsOf(pay.id)
  assert.deepEqual([pending!.kind, pending!.status, Number(pending!.amountCents)], ['refund', 'pending', 1500])
  assert.equal(Number((await paymentRow(pay.id)).refundedCents), 0, 'nothing recorded while unknown')
  assert.equal((await ledgerRefunds([pending!.id])).length, 1, 'the gateway did refund')

  // The next refund settles the pending one from the gateway's records first, then does its own.
  assert.deepEqual(await refundPayment(deps, pay.id, { amountCents: 1000, reason: 'More goodwill' }, null), { paymentId: pay.id, refundedCents: 1000, voided: false, message: 'The refund of $10.00 went through.' })
  const reversals = await reversalsOf(pay.id)
  assert.deepEqual(reversals.map((r) => [r.status, Number(r.amountCents)]), [['approved', 1500], ['approved', 1000]])
  assert.ok(reversals.every((r) => r.gatewayRef))
  // Recording it again changes nothing.
  assert.equal(await resolveReversal(deps, pending!.id), 'approved')
  const p = await paymentRow(pay.id)
  assert.deepEqual([p.status, Number(p.refundedCents)], ['partially_refunded', 2500])
  assert.equal(Number((await invoiceRow(pay.invoiceId)).refundedCents), 2500)
  assert.equal(await auditCount(pay.invoiceId, 'payment.refunded'), 2)
  assert.equal(await queued('refund', pay.id), 2)
  const ledger = await ledgerRefunds(reversals.map((r) => r.id))
  assert.deepEqual(ledger.map((r) => r.amountCents), [1500, 1000])
  assert.deepEqual(ledger.map((r) => r.retref).sort(), reversals.map((r) => r.gatewayRef).sort())
})

test('a dropped refund confirmed from two places at the same moment is recorded once', async () => {
  const pay = await aCardPayment(deps, h, 'Confirmed Twice', 4000)
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, () =>
    assert.rejects(refundPayment(deps, pay.id, { amountCents: 1200, reason: '' }, null), isError('integration', 'refund_unconfirmed')),
  )
  const [pending] = await reversalsOf(pay.id)
  // The office's "Check now" and Bill all's recover phase, say: both read it pending, both find it approved.
  assert.deepEqual(await Promise.all([resolveReversal(deps, pending!.id), resolveReversal(deps, pending!.id)]), ['approved', 'approved'])
  const p = await paymentRow(pay.id)
  assert.deepEqual([p.status, Number(p.refundedCents)], ['partially_refunded', 1200])
  assert.equal(Number((await invoiceRow(pay.invoiceId)).refundedCents), 1200)
  assert.equal(await auditCount(pay.invoiceId, 'payment.refunded'), 1)
})

test('two refunds of the same payment at once: one reaches the gateway, the other is refused', async () => {
  const pay = await aCardPayment(deps, h, 'Double Click', 4000)
  const before = (await h.ledger()).filter((r) => r.type === 'refund').length
  // The gateway is slow, so both requests are surely in flight together.
  const results = await h.withFaults({ latencyMs: 200, endpoints: ['refund'] }, () =>
    Promise.allSettled([refundPayment(deps, pay.id, { reason: 'first click' }, null), refundPayment(deps, pay.id, { reason: 'second click' }, null)]),
  )
  const ok = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  assert.equal(ok.length, 1, JSON.stringify(results))
  assert.equal(refused.length, 1)
  // Refused either while the first is in flight, or — when the second click's inquiry already
  // finds the first refund at the gateway and records it — because nothing is left to refund.
  const why = refused[0]!.reason as { code?: string }
  if (why.code === 'payment_not_refundable') isError('not_allowed', 'payment_not_refundable', /Nothing is left to refund/)(why)
  else isError('conflict', 'refund_in_flight', /refund of \$40\.00 .* still being confirmed/)(why)
  assert.equal((await h.ledger()).filter((r) => r.type === 'refund').length - before, 1, 'one refund sent')
  const p = await paymentRow(pay.id)
  assert.deepEqual([p.status, Number(p.refundedCents)], ['refunded', 4000])
  assert.deepEqual((await reversalsOf(pay.id)).map((r) => r.status), ['approved'])
  assert.equal(await auditCount(pay.invoiceId, 'payment.refunded'), 1)
})

test('a declined refund changes nothing but its declined reversal row', async () => {
  // Refunds of $1000–$1999 against a capture of $2000 or more get the amount-driven code: $1116 → insufficient funds.
  const pay = await aCardPayment(deps, h, 'Declined Refund', 250000)
  const [p0, i0] = [await paymentRow(pay.id), await invoiceRow(pay.invoiceId)]
  const [audit0, qbo0] = [await auditCount(pay.invoiceId, 'payment.refunded'), await queued('refund', pay.id)]
  await assert.rejects(refundPayment(deps, pay.id, { amountCents: 111600, reason: 'Declined' }, null), isError('not_allowed', 'refund_declined', /refused the refund/))
  assert.deepEqual(await paymentRow(pay.id), p0)
  assert.deepEqual(await invoiceRow(pay.invoiceId), i0)
  assert.equal(await auditCount(pay.invoiceId, 'payment.refunded'), audit0)
  assert.equal(await queued('refund', pay.id), qbo0)
  const [r] = await reversalsOf(pay.id)
  assert.deepEqual([r!.status, Number(r!.amountCents)], ['declined', 111600])
  assert.ok(r!.message && r!.resolvedAt)
  const sent = (await h.ledger()).filter((l) => l.type === 'refund' && l.orderid === r!.id)
  assert.deepEqual(sent.map((l) => l.respstat), ['C'])
  // A decline is final: another refund may be tried at once.
  assert.equal((await refundPayment(deps, pay.id, { amountCents: 500, reason: '' }, null)).refundedCents, 500)
  // One cent more than is left: a 422 naming the amount, and nothing reaches the gateway.
  const refundsSent = async () => (await h.ledger()).filter((l) => l.type === 'refund').length
  const [sent0, rows0] = [await refundsSent(), (await reversalsOf(pay.id)).length]
  await assert.rejects(refundPayment(deps, pay.id, { amountCents: 249_501, reason: '' }, null), (e: unknown) => {
    isError('validation', 'validation_failed')(e)
    assert.deepEqual((e as AppError).details, { fields: { amountCents: 'must be at most $2,495.00, what is left to refund' } })
    return true
  })
  assert.deepEqual([await refundsSent(), (await reversalsOf(pay.id)).length], [sent0, rows0])
  // Exactly what is left is refunded.
  assert.equal((await refundPayment(deps, pay.id, { amountCents: 249_500, reason: '' }, null)).refundedCents, 249_500)
  assert.equal((await paymentRow(pay.id)).status, 'refunded')
})

test('a void approved whose answer is dropped is recorded once when resolved', async () => {
  const pay = await aCardPayment(deps, h, 'Dropped Void', 3000, { settled: false })
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['void'] }, () =>
    assert.rejects(voidPayment(deps, pay.id, 'Billed by mistake', null), isError('integration', 'void_unconfirmed', /being confirmed/)),
  )
  const [pending] = await reversalsOf(pay.id)
  assert.deepEqual([pending!.kind, pending!.status, Number(pending!.amountCents)], ['void', 'pending', 3000])
  assert.equal((await paymentRow(pay.id)).status, 'approved')
  assert.equal((await invoiceRow(pay.invoiceId)).status, 'paid')
  // A refund asked meanwhile first settles the void from the gateway's records, then finds nothing to refund.
  await assert.rejects(refundPayment(deps, pay.id, { reason: '' }, null), isError('not_allowed', 'payment_not_refundable'))
  assert.equal((await reversalsOf(pay.id))[0]!.status, 'approved')
  assert.equal(await resolveReversal(deps, pending!.id), 'approved')
  assert.equal(await resolveReversal(deps, pending!.id), 'approved')
  // The payment is undone, not the invoice: its amount is owed again, and waits for the office.
  const inv = await invoiceRow(pay.invoiceId)
  assert.deepEqual([(await paymentRow(pay.id)).status, inv.status, Number(inv.paidCents), inv.failureCode, inv.retryState], ['voided', 'failed', 0, 'payment_voided', 'exhausted'])
  assert.equal(await auditCount(pay.invoiceId, 'payment.voided'), 1)
  assert.equal(await queued('void', pay.id), 1)
  assert.equal((await h.ledger()).filter((l) => l.type === 'void' && l.retref === pay.gatewayRef).length, 1)
  await assert.rejects(voidPayment(deps, pay.id, '', null), isError('not_allowed', 'payment_not_voidable'))
})

test('a reversal that never reached the gateway fails only after the settle window; then it may be tried again', async () => {
  const pay = await aCardPayment(deps, h, 'Lost Refund', 2000)
  // HTTP 500 on a write: unknown to us, but the sandbox did not process it.
  await h.withFaults({ errorRate: 1, endpoints: ['refund'] }, () => assert.rejects(refundPayment(deps, pay.id, { reason: '' }, null), isError('integration', 'refund_unconfirmed')))
  const [lost] = await reversalsOf(pay.id)
  assert.equal(await resolveReversal(deps, lost!.id), 'pending', '"not found" may still be on its way')
  await assert.rejects(refundPayment(deps, pay.id, { reason: '' }, null), isError('conflict', 'refund_in_flight'))
  assert.equal(await resolveReversal(deps, lost!.id, 0), 'failed')
  assert.equal((await refundPayment(deps, pay.id, { reason: '' }, null)).refundedCents, 2000)
  assert.deepEqual((await reversalsOf(pay.id)).map((r) => r.status), ['failed', 'approved'])
  assert.equal((await ledgerRefunds((await reversalsOf(pay.id)).map((r) => r.id))).length, 1)

  const unsettled = await aCardPayment(deps, h, 'Lost Void', 2100, { settled: false })
  await h.withFaults({ errorRate: 1, endpoints: ['void'] }, () => assert.rejects(voidPayment(deps, unsettled.id, '', null), isError('integration', 'void_unconfirmed')))
  const [lostVoid] = await reversalsOf(unsettled.id)
  assert.equal(await resolveReversal(deps, lostVoid!.id), 'pending')
  await assert.rejects(voidPayment(deps, unsettled.id, '', null), isError('conflict', 'void_in_flight', /void of \$21\.00 of this payment is still being confirmed/))
  assert.equal(await resolveReversal(deps, lostVoid!.id, 0), 'failed')
  assert.equal((await paymentRow(unsettled.id)).status, 'approved')
  assert.equal((await voidPayment(deps, unsettled.id, '', null)).status, 'voided')
  assert.deepEqual((await reversalsOf(unsettled.id)).map((r) => r.status), ['failed', 'approved'])
})

/** A customer with a good card and a monthly agreement of `amountCents`, billed once (its invoice). */
async function aBilledAgreement(name: string, amountCents: number, card = true) {
  const c = await aCustomer(deps, name, null)
  // A card without a fixed answer, so amounts of $1,000–$1,999 get the amount-driven codes.
  const pm = card ? await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111') : null
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(amountCents) })
  await (await startBillingRun(deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  return deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
}
const check = (amountCents: number, reference = '') => ({ amountCents, method: 'check' as const, reference, note: '', receivedOn: '2026-03-15' })

test('voiding a mistaken check on an unpaid invoice voids the check only: the invoice owes it again and keeps its retries', async () => {
  // $1,116.00: the sandbox declines it for insufficient funds, so retries are scheduled.
  const unpaid = await aBilledAgreement('Wrong Invoice Check', 111600)
  assert.deepEqual([unpaid.status, unpaid.failureCode, unpaid.retryState], ['failed', 'insufficient_funds', 'scheduled'])
  const { paymentId } = await recordOfflinePayment(deps, unpaid.id, check(10000, '501'), null)
  assert.equal(Number((await invoiceRow(unpaid.id)).paidCents), 10000)

  assert.equal((await voidPayment(deps, paymentId, 'Entered on the wrong invoice', null)).status, 'voided')
  // Everything as before the check: unpaid, $1,116.00 owed, the same retry plan (paid_at is when a payment was last recorded).
  const { updatedAt: _u0, paidAt: _p0, ...before } = unpaid
  const { updatedAt: _u1, paidAt: _p1, ...after } = await invoiceRow(unpaid.id)
  assert.deepEqual(after, before)
  assert.equal((await paymentRow(paymentId)).status, 'voided')
  assert.equal(await queued('void', paymentId), 1, 'QuickBooks gets the payment void')
  assert.equal(await queued('invoice_void', unpaid.id), 0, 'and no invoice void')
  assert.equal(await auditCount(unpaid.id, 'payment.voided'), 1)
  assert.equal(await auditCount(unpaid.id, 'invoice.voided'), 0)
  // Written off after all: voiding the invoice stops its retries.
  await voidInvoice(deps, unpaid.id, 'Written off', null)
  const written = await invoiceRow(unpaid.id)
  assert.deepEqual([written.status, written.retryState, written.nextRetryDate], ['void', null, null])
})

test('voiding a check on an invoice also paid by card keeps the card payment and owes the check again', async () => {
  const inv = await aBilledAgreement('Check And Card', 111600)
  const { paymentId: checkId } = await recordOfflinePayment(deps, inv.id, check(30000, '1042'), null)
  // The rest, $816.00, by the card on file.
  assert.deepEqual(await chargeInvoiceNow(deps, inv.id, null, 'office'), { kind: 'approved', amountCents: 81600 })
  assert.equal((await invoiceRow(inv.id)).status, 'paid')

  await voidPayment(deps, checkId, 'Check bounced', null)
  const after = await invoiceRow(inv.id)
  assert.deepEqual([after.status, Number(after.paidCents), after.failureCode, after.retryState], ['failed', 81600, 'payment_voided', 'exhausted'])
  const payments = await deps.db.selectFrom('payments').select(['method', 'amountCents', 'status']).where('invoiceId', '=', inv.id).orderBy('createdAt').execute()
  assert.deepEqual(payments.map((p) => [p.method, Number(p.amountCents), p.status]), [['offline', 30000, 'voided'], ['card', 81600, 'approved']])
  // Listed among unpaid invoices for the $300.00 still owed, with why.
  const listed = (await listFailedPayments(deps.db, 1, 100)).items.find((f) => f.invoiceId === inv.id)
  assert.deepEqual([listed?.amountCents, listed?.reasonText], [30000, 'a payment was voided'])
  // Not charged again by itself: a run leaves it to the office.
  const attempts = async () => (await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', inv.id).execute()).length
  const tried = await attempts()
  await (await startBillingRun(deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  assert.equal(await attempts(), tried)
  // The invoice cannot be voided while the card payment stands on it.
  await assert.rejects(voidInvoice(deps, inv.id, '', null), isError('not_allowed', 'invoice_has_payments', /\$816\.00 paid on this invoice still stands/))
  assert.equal((await invoiceRow(inv.id)).status, 'failed')
  // The office collects the $300.00 again: paid, and nothing stale about the void.
  await recordOfflinePayment(deps, inv.id, { ...check(30000), method: 'cash' }, null)
  const paid = await invoiceRow(inv.id)
  assert.deepEqual([paid.status, Number(paid.paidCents), paid.failureCode, paid.failureMessage, paid.retryState], ['paid', 111600, null, null, null])
})

test('voiding an invoice is its own act: refused while a payment stands or once paid; then nothing is owed and QuickBooks gets an invoice void', async () => {
  const inv = await aBilledAgreement('Billed By Mistake', 4500, false)
  assert.deepEqual([inv.status, inv.retryState], ['failed', 'needs_payment_method'])
  const { paymentId } = await recordOfflinePayment(deps, inv.id, check(2000), null)
  await assert.rejects(voidInvoice(deps, inv.id, 'Not owed', null), isError('not_allowed', 'invoice_has_payments'))
  await voidPayment(deps, paymentId, '', null)

  assert.deepEqual(await voidInvoice(deps, inv.id, 'Not owed', null), { invoiceId: inv.id, status: 'void' })
  const voided = await invoiceRow(inv.id)
  assert.deepEqual([voided.status, Number(voided.paidCents), voided.retryState, voided.nextRetryDate], ['void', 0, null, null])
  assert.equal(await queued('invoice_void', inv.id), 1)
  assert.equal(await queued('void', paymentId), 1, 'the payment void of the check, once')
  assert.equal(await auditCount(inv.id, 'invoice.voided'), 1)
  // A void invoice takes no payment and no charge, and is not voided twice.
  await assert.rejects(voidInvoice(deps, inv.id, '', null), isError('not_allowed', 'invoice_not_voidable'))
  await assert.rejects(recordOfflinePayment(deps, inv.id, check(4500), null), isError('not_allowed', 'invoice_not_unpaid'))
  await assert.rejects(chargeInvoiceNow(deps, inv.id, null, 'office'), isError('not_allowed', 'invoice_not_unpaid'))
  // A paid invoice is not voided (its payment is voided or refunded instead).
  const paid = await aCardPayment(deps, h, 'Paid Not Voidable', 2500)
  await assert.rejects(voidInvoice(deps, paid.invoiceId, '', null), isError('not_allowed', 'invoice_not_voidable', /Invoice is paid/))
})

test('a payment is not voided while a charge of its invoice is being confirmed', async () => {
  const inv = await aBilledAgreement('Void While Charging', 4500, false)
  const { paymentId } = await recordOfflinePayment(deps, inv.id, check(1000), null)
  // A card goes on file; its charge of the $35.00 left is approved but the answer is lost.
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, inv.customerId, '4111111111111111')
  await deps.db.updateTable('agreements').set({ paymentMethodId: pm }).where('id', '=', inv.agreementId).execute()
  assert.deepEqual(await h.withFaults({ dropApprovedRate: 1, endpoints: ['auth'] }, () => chargeInvoiceNow(deps, inv.id, null, 'office')), { kind: 'unresolved' })
  await assert.rejects(voidPayment(deps, paymentId, '', null), isError('conflict', 'charge_in_flight'))
  assert.equal((await paymentRow(paymentId)).status, 'approved')
  // Once the charge is settled (found approved by inquiry), the check may be voided: $10.00 owed again.
  const [attempt] = await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', inv.id).where('status', '=', 'pending').execute()
  assert.equal((await resolveAttempt(deps, attempt!.id, { runId: null, settings: await getBillingSettings(deps.db), settleWindowMs: 1000 })).kind, 'approved')
  await voidPayment(deps, paymentId, 'Check bounced', null)
  const after = await invoiceRow(inv.id)
  assert.deepEqual([after.status, Number(after.paidCents), after.failureCode], ['failed', 3500, 'payment_voided'])
})

test('offline payments are refunded and voided without the gateway, reversal rows approved', async () => {
  const c = await aCustomer(deps, 'Pays By Check', null)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-02', lines: monthly(6000) })
  await (await startBillingRun(deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  const inv = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
  const { paymentId } = await recordOfflinePayment(deps, inv.id, { amountCents: 6000, method: 'check', reference: '77', note: '', receivedOn: '2026-03-14' }, null)
  const ledgerBefore = (await h.ledger()).length
  await refundPayment(deps, paymentId, { amountCents: 1000, reason: 'Overpaid' }, null)
  await assert.rejects(voidPayment(deps, paymentId, '', null), isError('not_allowed', 'payment_not_voidable'))
  await refundPayment(deps, paymentId, { reason: '' }, null)
  assert.deepEqual((await reversalsOf(paymentId)).map((r) => [r.kind, r.status, Number(r.amountCents)]), [['refund', 'approved', 1000], ['refund', 'approved', 5000]])
  const after = await invoiceRow(inv.id)
  assert.deepEqual([after.status, Number(after.refundedCents)], ['refunded', 6000])
  assert.equal(await queued('refund', paymentId), 2)
  assert.equal((await h.ledger()).length, ledgerBefore, 'the gateway was not called')
})

test('the sandbox ledger and the database agree to the cent', async () => {
  // A refund and a void of its own, so that run alone (or first) it checks something.
  const partly = await aCardPayment(deps, h, 'Ledger Refund', 2600)
  await refundPayment(deps, partly.id, { amountCents: 600, reason: 'goodwill' }, null)
  const unsettled = await aCardPayment(deps, h, 'Ledger Void', 1900, { settled: false })
  assert.equal((await refundPayment(deps, unsettled.id, { reason: 'customer cancelled' }, null)).voided, true)
  const ledger = await h.ledger()
  const card = await deps.db.selectFrom('payments').selectAll().where('method', '<>', 'offline').execute()
  const refunded = ledger.filter((r) => r.type === 'refund' && r.respstat === 'A').reduce((s, r) => s + r.amountCents, 0)
  assert.ok(refunded >= 600)
  assert.equal(card.reduce((s, p) => s + Number(p.refundedCents), 0), refunded)
  const voided = new Set(ledger.filter((r) => r.type === 'void').map((r) => r.retref))
  assert.ok(voided.has(unsettled.gatewayRef!))
  assert.deepEqual(card.filter((p) => p.status === 'voided').map((p) => p.gatewayRef).sort(), [...voided].sort())
  const approved = await deps.db.selectFrom('paymentReversals').selectAll().where('status', '=', 'approved').where('kind', '=', 'refund').execute()
  assert.equal(approved.filter((r) => card.some((p) => p.id === r.paymentId)).reduce((s, r) => s + Number(r.amountCents), 0), refunded)
})

test('a refund of an unsettled payment: the whole is voided instead and said so; a part is refused in plain words; no refund line is left (issue 13, defect 6)', async () => {
  const part = await aCardPayment(deps, h, 'Unsettled Part', 4000, { settled: false })
  // The gateway is asked first whether the payment has settled; no refund is sent (any would fail here).
  const noRefunds = <T>(fn: () => Promise<T>) => h.withFaults({ errorRate: 1, endpoints: ['refund'] }, fn)
  await noRefunds(() => assert.rejects(refundPayment(deps, part.id, { amountCents: 1000, reason: 'goodwill' }, null), isError('not_allowed', 'payment_not_settled', /has not settled yet .* Refund \$10\.00 once it has settled, usually tomorrow, or void the whole \$40\.00 payment now/)))
  assert.deepEqual(await reversalsOf(part.id), [], 'no declined refund line')
  assert.equal((await paymentRow(part.id)).status, 'approved')

  const whole = await aCardPayment(deps, h, 'Unsettled Whole', 3500, { settled: false })
  const done = await noRefunds(() => refundPayment(deps, whole.id, { reason: 'customer cancelled' }, null))
  assert.equal(done.voided, true)
  assert.match(done.message, /had not settled yet, so it was voided instead of refunded: the whole \$35\.00 is released/)
  assert.deepEqual((await reversalsOf(whole.id)).map((r) => [r.kind, r.status, Number(r.amountCents)]), [['void', 'approved', 3500]])
  assert.equal((await paymentRow(whole.id)).status, 'voided')
  const atGateway = (await h.ledger()).filter((r) => r.retref === whole.gatewayRef || (r.type === 'refund' && r.orderid !== null && [part.id, whole.id].includes(r.orderid)))
  assert.deepEqual(atGateway.filter((r) => r.type !== 'auth').map((r) => r.type), ['void'], 'voided at the gateway, never refunded')
  assert.equal((await invoiceRow(whole.invoiceId)).paidCents, 0)

  // Once settled, the same refund goes through as a refund.
  await h.settle()
  const refunded = await refundPayment(deps, part.id, { amountCents: 1000, reason: 'goodwill' }, null)
  assert.deepEqual([refunded.voided, refunded.message], [false, 'The refund of $10.00 went through.'])
})

test('a pending reversal stays pending while the gateway cannot be asked, however old; it is settled once the gateway answers', async () => {
  // HTTP 500 on every inquiry: the gateway cannot tell now.
  const inquiryDown = <T>(fn: () => Promise<T>) => h.withFaults({ errorRate: 1, endpoints: ['inquireByOrderid'] }, fn)
  const pay = await aCardPayment(deps, h, 'Inquiry Down Refund', 2700)
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, () => assert.rejects(refundPayment(deps, pay.id, { amountCents: 700, reason: '' }, null), isError('integration', 'refund_unconfirmed')))
  const [refund] = await reversalsOf(pay.id)
  assert.equal(await inquiryDown(() => resolveReversal(deps, refund!.id, 0)), 'pending')
  assert.equal(Number((await paymentRow(pay.id)).refundedCents), 0)
  assert.equal(await resolveReversal(deps, refund!.id, 0), 'approved')
  assert.equal(Number((await paymentRow(pay.id)).refundedCents), 700)

  // The void did happen: it is not failed for want of an answer (the payment could then be reversed twice).
  const unsettled = await aCardPayment(deps, h, 'Inquiry Down Void', 2800, { settled: false })
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['void'] }, () => assert.rejects(voidPayment(deps, unsettled.id, '', null), isError('integration', 'void_unconfirmed')))
  const [voided] = await reversalsOf(unsettled.id)
  assert.equal(await inquiryDown(() => resolveReversal(deps, voided!.id, 0)), 'pending')
  assert.equal((await paymentRow(unsettled.id)).status, 'approved')
  assert.equal(await resolveReversal(deps, voided!.id, 0), 'approved')
  assert.equal((await paymentRow(unsettled.id)).status, 'voided')
})

test('an invoice is not voided while a partly refunded payment of it stands, nor when it does not exist', async () => {
  const inv = await aBilledAgreement('Partly Refunded Check', 4500, false)
  const { paymentId } = await recordOfflinePayment(deps, inv.id, check(2000), null)
  await refundPayment(deps, paymentId, { amountCents: 500, reason: 'Overpaid' }, null)
  assert.equal((await paymentRow(paymentId)).status, 'partially_refunded')
  await assert.rejects(voidInvoice(deps, inv.id, 'Not owed', null), isError('not_allowed', 'invoice_has_payments', /\$15\.00 paid on this invoice still stands/))
  const after = await invoiceRow(inv.id)
  assert.deepEqual([after.status, Number(after.paidCents), Number(after.refundedCents)], ['failed', 2000, 500])
  assert.equal(await queued('invoice_void', inv.id), 0)
  await assert.rejects(voidInvoice(deps, 'inv_nope', '', null), isError('not_found', 'invoice_not_found', /^No invoice with id inv_nope$/))
})
