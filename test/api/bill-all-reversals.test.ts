/**
 * Bill all settles the voids and refunds left "being confirmed" (run-billing.ts, recover phase):
 * a refund and a void the gateway made but whose answers were lost are pending on their
 * invoices; the next Bill all, started through the API like the office does, finds them in the
 * gateway's records and records them, without sending either again.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCardPayment } from '../helpers/billing-fixtures.ts'

let h: SandboxHarness
let t: TestApp
let s: BillingApi
let api: BillingApi['api']
let invoice: BillingApi['invoice']
const now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, t, api, invoice } = s = await startBillingApi(() => now)))
after(() => s.close())

test('Bill all records a refund and a void whose answers were lost, and sends neither again', async () => {
  const settled = await aCardPayment(t.deps, h, 'Rhea Refund', 6000)
  const unsettled = await aCardPayment(t.deps, h, 'Vic Void', 4500, { settled: false })
  const lostRefund = await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, () =>
    api('POST', `/api/billing/payments/${settled.id}/refund`, { amountCents: 2500, reason: 'Goodwill' }),
  )
  assert.deepEqual([lostRefund.status, lostRefund.body.error?.code], [502, 'refund_unconfirmed'], JSON.stringify(lostRefund.body))
  const lostVoid = await h.withFaults({ dropApprovedRate: 1, endpoints: ['void', 'voidByOrderId'] }, () =>
    api('POST', `/api/billing/payments/${unsettled.id}/void`, { reason: 'Charged by mistake' }),
  )
  assert.equal(lostVoid.status, 502, JSON.stringify(lostVoid.body))
  for (const id of [settled.invoiceId, unsettled.invoiceId]) assert.deepEqual((await invoice(id)).reversals.map((r) => r.status), ['pending'])

  const run = await api('POST', '/api/billing/runs', {})
  assert.equal(run.status, 202, JSON.stringify(run.body))
  let status = 'running'
  while (status === 'running') {
    await new Promise((r) => setTimeout(r, 50))
    status = (await api('GET', `/api/billing/runs/${run.body.runId}`)).body.status
  }
  assert.equal(status, 'completed')

  const refunded = await invoice(settled.invoiceId)
  assert.deepEqual(refunded.reversals.map((r) => [r.kind, r.status, r.amountCents]), [['refund', 'approved', 2500]])
  assert.deepEqual([refunded.refundedCents, refunded.payments[0]!.status, refunded.payments[0]!.refundedCents], [2500, 'partially_refunded', 2500])
  const voided = await invoice(unsettled.invoiceId)
  assert.deepEqual(voided.reversals.map((r) => [r.kind, r.status]), [['void', 'approved']])
  assert.equal(voided.payments[0]!.status, 'voided')
  // The gateway refunded and voided once each: Bill all asked, it did not send them again.
  const ledger = await h.ledger()
  assert.equal(ledger.filter((r) => r.type === 'refund' && r.respstat === 'A').length, 1)
  assert.equal(ledger.filter((r) => r.type === 'void').length, 1)
})
