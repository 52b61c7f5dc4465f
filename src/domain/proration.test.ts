/**
 * Prorated refunds on closing. Covers: the unused days after the closing day to the cent (half
 * up), closing on the period's last day (nothing back), before the period (everything back),
 * February and 31-day months; and, as a property: never more than was paid, never negative, and
 * monotone in the closing day.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import { proratedRefund } from './proration.ts'

test('the unused days after the closing day, rounded half up to the cent once', () => {
  assert.deepEqual(proratedRefund({ paidCents: 3100, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-03-10' }), { refundCents: 2100, unusedDays: 21, periodDays: 31 })
  // 2999 × 21 / 31 = 2031.58… → 2032
  assert.equal(proratedRefund({ paidCents: 2999, periodStart: '2030-03-01', periodEnd: '2030-04-01', lastServiceDay: '2030-03-10' }).refundCents, 2032)
  // 1000 × 14 / 28 = 500 exactly; 1001 × 14 / 28 = 500.5 → 501
  assert.equal(proratedRefund({ paidCents: 1000, periodStart: '2027-02-01', periodEnd: '2027-03-01', lastServiceDay: '2027-02-14' }).refundCents, 500)
  assert.equal(proratedRefund({ paidCents: 1001, periodStart: '2027-02-01', periodEnd: '2027-03-01', lastServiceDay: '2027-02-14' }).refundCents, 501)
})

test('closing on the last day gives nothing back; before the period everything', () => {
  assert.equal(proratedRefund({ paidCents: 5000, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-03-31' }).refundCents, 0)
  assert.equal(proratedRefund({ paidCents: 5000, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-02-20' }).refundCents, 5000)
  assert.equal(proratedRefund({ paidCents: 0, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-03-02' }).refundCents, 0)
})

test('an empty or reversed period, and nothing paid or a negative amount, give nothing back', () => {
  assert.deepEqual(proratedRefund({ paidCents: 5000, periodStart: '2027-03-01', periodEnd: '2027-03-01', lastServiceDay: '2027-02-20' }), { refundCents: 0, unusedDays: 0, periodDays: 0 })
  assert.deepEqual(proratedRefund({ paidCents: 5000, periodStart: '2027-03-01', periodEnd: '2027-02-01', lastServiceDay: '2027-02-20' }), { refundCents: 0, unusedDays: 0, periodDays: 0 })
  assert.deepEqual(proratedRefund({ paidCents: 0, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-02-20' }), { refundCents: 0, unusedDays: 0, periodDays: 31 })
  assert.deepEqual(proratedRefund({ paidCents: -5000, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-02-20' }), { refundCents: 0, unusedDays: 0, periodDays: 31 })
})

test('never more than paid, never negative, less back the later it closes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -40, max: 400 }), (paid, months, offset) => {
      const start = Temporal.PlainDate.from('2027-01-31')
      const end = start.add({ months }).toString()
      const last = start.add({ days: offset }).toString()
      const later = start.add({ days: offset + 1 }).toString()
      const r = proratedRefund({ paidCents: paid, periodStart: start.toString(), periodEnd: end, lastServiceDay: last })
      assert.ok(Number.isSafeInteger(r.refundCents) && r.refundCents >= 0 && r.refundCents <= paid)
      assert.ok(proratedRefund({ paidCents: paid, periodStart: start.toString(), periodEnd: end, lastServiceDay: later }).refundCents <= r.refundCents)
    }),
  )
})
