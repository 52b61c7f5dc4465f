// Covers: a clean day (three sides agree) has no mismatch; each kind found (charged but not
// recorded, with and without our attempt; recorded but not charged unless still unsettled;
// amounts differing at the gateway and in the ledger; a voided payment the gateway settled; not
// in the ledger; in the ledger only; a bank return); refunds match settled refunds; ledger
// matching by memo then by gateway ref; days outside the range left out; ACH return advice.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { achReturnAdvice, reconcile, type BookPayment, type ReconcileInput } from './reconciliation.ts'

const pay = (id: string, over: Partial<BookPayment> = {}): BookPayment => ({
  id, invoiceId: `inv_${id}`, invoiceNumber: `10${id.slice(-2)}`, agreementId: `agr_${id}`, customerName: 'Ann Lee', method: 'card',
  amountCents: 5000, chargedCents: 5000, voided: false, gatewayRef: `ref${id}`, day: '2026-12-01', ...over,
})
const settled = (ref: string, amountCents = 5000, settledOn = '2026-12-01') => ({ gatewayRef: ref, orderId: null, amountCents, settledOn, accepted: true })
const ledgerOf = (p: BookPayment, over = {}) => ({ ledgerId: `qb${p.id}`, amountCents: p.amountCents, date: p.day, memo: `Servicebook ${p.id}`, gatewayRef: p.gatewayRef, isVoided: false, ...over })

function run(over: Partial<ReconcileInput>) {
  return reconcile({ days: ['2026-12-01', '2026-12-02'], books: [], refunds: [], settled: [], returns: [], ledger: [], ...over })
}
const kinds = (r: ReturnType<typeof run>) => r.mismatches.map((m) => m.kind)

describe('reconcile', () => {
  test('three sides that agree give day totals and no mismatch', () => {
    const a = pay('p01')
    const b = pay('p02', { method: 'offline', gatewayRef: null, amountCents: 1200, chargedCents: 1200, day: '2026-12-02' })
    const r = run({ books: [a, b], settled: [settled('refp01')], ledger: [ledgerOf(a), ledgerOf(b)] })
    assert.deepEqual(r.mismatches, [])
    assert.deepEqual(r.days, [
      { day: '2026-12-01', gateway: { count: 1, cents: 5000 }, books: { count: 1, cents: 5000 }, ledger: { count: 1, cents: 5000 }, mismatches: 0 },
      { day: '2026-12-02', gateway: { count: 0, cents: 0 }, books: { count: 1, cents: 1200 }, ledger: { count: 1, cents: 1200 }, mismatches: 0 },
    ])
  })

  test('a settled charge we lack is found, linked to its invoice when our attempt is known', () => {
    const r = run({ settled: [settled('x1'), { ...settled('x2', 700), invoice: { id: 'inv_9', number: '1009', agreementId: 'agr_9' } }] })
    assert.deepEqual(kinds(r), ['charged_not_recorded', 'charged_not_recorded'])
    assert.deepEqual(r.mismatches.map((m) => m.link.href), ['/billing', '/agreements/agr_9'])
    assert.match(r.mismatches[1]!.message, /\$7\.00.*invoice 1009/)
  })

  test('a payment the gateway has not settled is a mismatch only once the gateway says it is not pending', () => {
    const books = [pay('p01', { gatewayState: 'pending' }), pay('p02', { gatewayState: 'absent' }), pay('p03', { gatewayState: 'voided' }), pay('p04', { voided: true, amountCents: 0, gatewayState: 'voided' })]
    const r = run({ books, ledger: null })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId]), [['recorded_not_charged', 'p02'], ['recorded_not_charged', 'p03']])
    assert.equal(r.days[0]!.ledger, null)
  })

  test('amounts that differ at the gateway or in the ledger, and a voided payment the gateway settled', () => {
    const a = pay('p01', { amountCents: 4900, chargedCents: 4900 })
    const b = pay('p02')
    const c = pay('p03', { voided: true, amountCents: 0 })
    const r = run({ books: [a, b, c], settled: [settled('refp01'), settled('refp02'), settled('refp03')], ledger: [ledgerOf(a, { amountCents: 5000 }), ledgerOf(b, { amountCents: 4000 }), ledgerOf(c, { isVoided: true })] })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId, m.bookCents, m.otherCents]), [
      ['amount_differs', 'p01', 4900, 5000],
      ['amount_differs', 'p03', 0, 5000],
      ['amount_differs', 'p01', 4900, 5000],
      ['amount_differs', 'p02', 5000, 4000],
    ])
  })

  test('refunds match settled refunds; partly refunded payments compare what stands with the ledger', () => {
    const a = pay('p01', { amountCents: 3000 })
    const r = run({ books: [a], refunds: [{ paymentId: 'p01', gatewayRef: 'rf1', amountCents: 2000 }], settled: [settled('refp01'), settled('rf1', 2000)], ledger: [ledgerOf(a)] })
    assert.deepEqual(r.mismatches, [])
  })

  test('the ledger is matched by our id in its memo, then by gateway ref; unmatched either way is listed', () => {
    const a = pay('p01')
    const b = pay('p02')
    const c = pay('p03')
    const r = run({ books: [a, b, c], settled: ['refp01', 'refp02', 'refp03'].map((x) => settled(x)), ledger: [ledgerOf(a), ledgerOf(b, { memo: null }), { ledgerId: 'qbX', amountCents: 999, date: '2026-12-02', memo: null, gatewayRef: null, isVoided: false }] })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId ?? m.ledgerId, m.day]), [['not_in_ledger', 'p03', '2026-12-01'], ['ledger_not_in_books', 'qbX', '2026-12-02']])
  })

  test('a bank return is listed on the day the bank returned it', () => {
    const a = pay('p01', { method: 'ach' })
    const r = run({ books: [a], settled: [settled('refp01')], returns: [{ gatewayRef: 'refp01', amountCents: 5000, returnedOn: '2026-12-02', returnCode: 'R01', returnReason: 'Insufficient Funds' }], ledger: null })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.day, m.paymentId]), [['bank_payment_returned', '2026-12-02', 'p01']])
    assert.match(r.mismatches[0]!.message, /R01 Insufficient Funds/)
    assert.equal(r.days[1]!.mismatches, 1)
    // Once applied the payment is void here though the gateway settled it: the return says why.
    const applied = run({ books: [{ ...a, voided: true, amountCents: 0 }], settled: [settled('refp01')], returns: [{ gatewayRef: 'refp01', amountCents: 5000, returnedOn: '2026-12-02', returnCode: 'R01', returnReason: 'Insufficient Funds' }], ledger: null })
    assert.deepEqual(kinds(applied), ['bank_payment_returned'])
  })

  test('without the gateway its column is empty and nothing is compared with it', () => {
    const a = pay('p01', { gatewayState: 'absent' })
    const r = run({ books: [a], settled: null, ledger: [ledgerOf(a)] })
    assert.deepEqual(r.mismatches, [])
    assert.equal(r.days[0]!.gateway, null)
    assert.deepEqual(r.days[0]!.books, { count: 1, cents: 5000 })
  })

  test('mismatches on days outside the range are left out', () => {
    assert.deepEqual(run({ settled: [settled('x', 100, '2026-11-30')] }).mismatches, [])
  })

  test('ACH returns advise like declines', () => {
    assert.deepEqual(achReturnAdvice('R01'), { reason: 'insufficient_funds', retry: { kind: 'retry_later', afterMs: 0 } })
    assert.deepEqual(achReturnAdvice('R02'), { reason: 'invalid_account', retry: { kind: 'update_payment_method' } })
    assert.equal(achReturnAdvice('R10').reason, 'stop_recurring')
    assert.equal(achReturnAdvice('R99').reason, 'other')
  })
})
