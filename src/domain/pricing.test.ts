import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { periodAndTermTotals, totalsFor, type PricedLine } from './pricing.ts'

const line = (amountCents: number, over: Partial<PricedLine> = {}): PricedLine => ({ description: 'x', amountCents, recurring: true, taxable: true, ...over })

test('tax is rounded once per invoice on the taxable sum, half away from zero', () => {
  // 3 lines of $0.05 at 10%: per-line rounding would give 3 × $0.01 = $0.03; once gives $0.02 (1.5¢ → 2¢).
  assert.deepEqual(totalsFor([line(5), line(5), line(5)], 1000), { subtotalCents: 15, taxableCents: 15, taxCents: 2, totalCents: 17 })
  assert.equal(totalsFor([line(1999)], 825).taxCents, 165) // 164.9175 → 165
  assert.equal(totalsFor([line(1000, { taxable: false }), line(1000)], 500).taxCents, 50)
})

test('per period and per term totals: one-time lines only on the first invoice', () => {
  const lines = [line(2500), line(4900, { recurring: false, description: 'Setup', taxable: false })]
  const t = periodAndTermTotals(lines, 1000, 12)
  assert.equal(t.perPeriod.totalCents, 2750)
  assert.equal(t.firstPeriod.totalCents, 2750 + 4900)
  assert.equal(t.perTermCents, 2750 * 12 + 4900)
  assert.equal(periodAndTermTotals(lines, 1000, null).perTermCents, null)
})

test('totals are integers and add up for any lines', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ amountCents: fc.integer({ min: 0, max: 10_000_000 }), taxable: fc.boolean() })), fc.integer({ min: 0, max: 10000 }), (ls, bp) => {
      const t = totalsFor(ls.map((l) => line(l.amountCents, { taxable: l.taxable })), bp)
      assert.ok(Number.isSafeInteger(t.taxCents))
      assert.equal(t.totalCents, t.subtotalCents + t.taxCents)
      assert.ok(Math.abs(t.taxCents - (t.taxableCents * bp) / 10000) <= 0.5)
    }),
  )
})
