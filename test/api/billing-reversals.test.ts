/**
 * Voids and refunds as the office sees them through the API, against the CardPointe sandbox:
 * a refund whose approved answer is dropped is listed pending on the invoice, the confirm route
 * ("Check now") settles it from the gateway's records and the invoice's refunded amount follows;
 * a refund that never reached the gateway stays pending within the settle window; a declined
 * one shows the gateway's message; unknown and malformed reversal ids are 404 and 422. Voiding a
 * payment and voiding its invoice are two routes and two QuickBooks kinds.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { AuditEventDto } from '../../src/contracts/common.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCardPayment } from '../helpers/billing-fixtures.ts'
import { cents } from '../../src/domain/money.ts'

let h: SandboxHarness
let t: TestApp
let s: BillingApi
let api: BillingApi['api']
let invoice: BillingApi['invoice']
const now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, t, api, invoice } = s = await startBillingApi(() => now)))
after(() => s.close())
const confirm = (id: string) => api('POST', `/api/billing/reversals/${id}/confirm`, {})


test('a refund whose answer was dropped shows pending on the invoice; confirming settles it once', async () => {
  const pay = await aCardPayment(t.deps, h, 'Dropped Refund Api', 5000)
  assert.deepEqual((await invoice(pay.invoiceId)).reversals, [])
  const lost = await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, () => api('POST', `/api/billing/payments/${pay.id}/refund`, { amountCents: 1500, reason: 'Goodwill' }))
  assert.equal(lost.status, 502, JSON.stringify(lost.body))
  assert.equal(lost.body.error.code, 'refund_unconfirmed')

  const pendingView = await invoice(pay.invoiceId)
  assert.equal(pendingView.refundedCents, 0, 'nothing recorded while unknown')
  assert.equal(pendingView.reversals.length, 1)
  const pending = pendingView.reversals[0]!
  assert.deepEqual(
    { ...pending, id: '', createdAt: '' },
    { id: '', paymentId: pay.id, kind: 'refund', amountCents: 1500, status: 'pending', message: null, reason: 'Goodwill', createdAt: '', resolvedAt: null },
  )
  assert.ok(!Number.isNaN(Date.parse(pending.createdAt)))

  const confirmed = await confirm(pending.id)
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body))
  assert.deepEqual(confirmed.body, { id: pending.id, status: 'approved' })
  const after = await invoice(pay.invoiceId)
  assert.equal(after.refundedCents, 1500)
  assert.deepEqual([after.payments[0]!.status, after.payments[0]!.refundedCents], ['partially_refunded', 1500])
  assert.equal(after.reversals[0]!.status, 'approved')
  assert.ok(after.reversals[0]!.resolvedAt)
  // The trail says who asked for the check.
  const checked = after.history.filter((e) => e.action === 'payment.reversal_checked')
  assert.equal(checked.length, 1)
  assert.ok(checked[0]!.actorUserId, JSON.stringify(checked[0]))

  // Asking again changes nothing; the gateway refunded once.
  assert.deepEqual((await confirm(pending.id)).body, { id: pending.id, status: 'approved' })
  assert.equal((await invoice(pay.invoiceId)).refundedCents, 1500)
  assert.equal((await h.ledger()).filter((r) => r.type === 'refund' && r.respstat === 'A' && r.orderid === pending.id).length, 1)

  // A refund that never reached the gateway stays pending within the settle window; newest listed first.
  const unsent = await h.withFaults({ errorRate: 1, endpoints: ['refund'] }, () => api('POST', `/api/billing/payments/${pay.id}/refund`, { amountCents: 500, reason: 'Second' }))
  assert.equal(unsent.status, 502, JSON.stringify(unsent.body))
  const two = (await invoice(pay.invoiceId)).reversals
  assert.deepEqual(two.map((r) => [r.status, r.amountCents, r.reason]), [['pending', 500, 'Second'], ['approved', 1500, 'Goodwill']])
  assert.deepEqual((await confirm(two[0]!.id)).body, { id: two[0]!.id, status: 'pending' })
  assert.equal((await invoice(pay.invoiceId)).refundedCents, 1500)
})

test('a declined refund is listed with the gateway message', async () => {
  // Refunds of $1000–$1999 against a capture of $2000 or more get the amount-driven code: $1116 → insufficient funds.
  const pay = await aCardPayment(t.deps, h, 'Declined Refund Api', 250000)
  const res = await api('POST', `/api/billing/payments/${pay.id}/refund`, { amountCents: 111600, reason: 'Declined' })
  assert.equal(res.status, 409, JSON.stringify(res.body))
  const view = await invoice(pay.invoiceId)
  assert.equal(view.refundedCents, 0)
  const [r] = view.reversals
  assert.deepEqual([r!.kind, r!.status, r!.amountCents, r!.reason], ['refund', 'declined', 111600, 'Declined'])
  assert.ok(r!.message && r!.resolvedAt, JSON.stringify(r))
  assert.deepEqual((await confirm(r!.id)).body, { id: r!.id, status: 'declined' })
})

test('confirm: an unknown reversal id is 404, a malformed one 422 naming the id', async () => {
  const missing = await confirm('rev_nope')
  assert.equal(missing.status, 404)
  assert.equal(missing.body.error.code, 'payment_reversal_not_found')
  for (const bad of ['bad%20id', 'a.b', '%00', 'rev%2Fx']) {
    const res = await confirm(bad)
    assert.equal(res.status, 422, `${bad}: ${JSON.stringify(res.body)}`)
    assert.equal(res.body.error.code, 'validation_failed')
    assert.equal(res.body.error.details.fields.id, 'is not a valid id')
  }
  // Longer than any id: refused by the router before the route (414), still a 4xx with the error shape.
  const long = await confirm('x'.repeat(101))
  assert.ok(long.status >= 400 && long.status < 500 && long.body.error.code, JSON.stringify(long.body))
})

test('voiding a payment and voiding its invoice are two acts, each with its own QuickBooks entry', async () => {
  const pay = await aCardPayment(t.deps, h, 'Two Acts Api', 4200, { settled: false })
  const voidInvoice = (payload: object) => api('POST', `/api/billing/invoices/${pay.invoiceId}/void`, payload)
  // The invoice is not voided while its payment stands.
  const refused = await voidInvoice({ reason: 'Billed by mistake' })
  assert.equal(refused.status, 409, JSON.stringify(refused.body))
  assert.equal(refused.body.error.code, 'invoice_not_voidable')

  const voided = await api('POST', `/api/billing/payments/${pay.id}/void`, { reason: 'Charged the wrong card' })
  assert.equal(voided.status, 200, JSON.stringify(voided.body))
  const owed = (await api('GET', `/api/billing/invoices/${pay.invoiceId}`)).body
  assert.deepEqual([owed.status, owed.paidCents, owed.failureCode, owed.payments[0].status], ['failed', 0, 'payment_voided', 'voided'])
  assert.deepEqual(owed.quickbooks.filter((q: { entityType: string }) => q.entityType !== 'invoice' && q.entityType !== 'payment').map(({ entityType, entityId, status }: { entityType: string; entityId: string; status: string }) => ({ entityType, entityId, status })), [{ entityType: 'void', entityId: pay.id, status: 'queued' }])

  const tooLong = await voidInvoice({ reason: 'x'.repeat(501) })
  assert.equal(tooLong.status, 422)
  assert.ok(tooLong.body.error.details.fields.reason, JSON.stringify(tooLong.body))
  assert.equal((await api('GET', `/api/billing/invoices/${pay.invoiceId}`)).body.status, 'failed', 'bad input changes nothing')
  assert.equal((await api('POST', '/api/billing/invoices/inv_nope/void', {})).status, 404)

  const done = await voidInvoice({ reason: 'Billed by mistake' })
  assert.equal(done.status, 200, JSON.stringify(done.body))
  assert.deepEqual([done.body.status, done.body.invoice.status, done.body.invoice.paidCents], ['void', 'void', 0])
  assert.deepEqual(done.body.invoice.quickbooks.filter((q: { entityType: string }) => q.entityType.endsWith('void')).map((q: { entityType: string; entityId: string }) => [q.entityType, q.entityId]).sort(), [
    ['invoice_void', pay.invoiceId],
    ['void', pay.id],
  ])
  const trail = done.body.invoice.history.filter((e: AuditEventDto) => e.action === 'invoice.voided')
  assert.equal(trail.length, 1)
  assert.equal(trail[0].details.reason, 'Billed by mistake')
  assert.ok(trail[0].actorUserId)
  assert.equal((await voidInvoice({})).status, 409, 'not twice')
})

test('a settled payment already refunded in full at the gateway (outside the app): the office is told the refund was refused, and no void is tried', async () => {
  const pay = await aCardPayment(t.deps, h, 'Refunded Elsewhere', 3300)
  // Refunded in the gateway's own portal: there it is neither voidable (settled) nor refundable (nothing left).
  assert.equal((await t.deps.gateway.refund({ gatewayRef: pay.gatewayRef!, amountCents: cents(3300), orderId: t.deps.gateway.newOrderId() })).status, 'approved')
  const refused = await api('POST', `/api/billing/payments/${pay.id}/refund`, { reason: 'Cancelled' })
  assert.equal(refused.body.error?.code, 'refund_declined', JSON.stringify(refused.body))
  assert.match(refused.body.error.message, /^The gateway refused the refund: /)
  const view = await invoice(pay.invoiceId)
  assert.deepEqual(view.reversals.map((r: { kind: string; status: string }) => [r.kind, r.status]), [['refund', 'declined']])
  assert.deepEqual([view.status, view.refundedCents], ['paid', 0])
  assert.equal((await h.ledger()).filter((l) => l.type === 'void' && l.retref === pay.gatewayRef).length, 0, 'no void asked of a settled payment')
})
