import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { applyRate, cents, percentOf } from './money.ts'
import { periodAndTermTotals, totalsFor, type PricedLine } from './pricing.ts'
import { taxRateText } from './tax-rate.ts'

const line = (amountCents: number, over: Partial<PricedLine> = {}): PricedLine => ({ description: 'x', amountCents, recurring: true, taxable: true, ...over })

test('tax is rounded once per invoice on the taxable sum, half away from zero', () => {
  // 3 lines of $0.05 at 10%: per-line rounding would give 3 × $0.01 = $0.03; once gives $0.02 (1.5¢ → 2¢).
  assert.deepEqual(totalsFor([line(5), line(5), line(5)], 100_000), { subtotalCents: 15, taxableCents: 15, taxCents: 2, totalCents: 17 })
  assert.equal(totalsFor([line(1999)], 82_500).taxCents, 165) // 164.9175 → 165
  assert.equal(totalsFor([line(1000, { taxable: false }), line(1000)], 50_000).taxCents, 50)
})

test('per period and per term totals: one-time lines only on the first invoice', () => {
  const lines = [line(2500), line(4900, { recurring: false, description: 'Setup', taxable: false })]
  const t = periodAndTermTotals(lines, 100_000, 12)
  assert.equal(t.perPeriod.totalCents, 2750)
  assert.equal(t.firstPeriod.totalCents, 2750 + 4900)
  assert.equal(t.perTermCents, 2750 * 12 + 4900)
  assert.equal(periodAndTermTotals(lines, 100_000, null).perTermCents, null)
})

test('totals are integers and add up for any lines', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ amountCents: fc.integer({ min: 0, max: 10_000_000 }), taxable: fc.boolean() })), fc.integer({ min: 0, max: 1_000_000 }), (ls, ppm) => {
      const t = totalsFor(ls.map((l) => line(l.amountCents, { taxable: l.taxable })), ppm)
      assert.ok(Number.isSafeInteger(t.taxCents))
      assert.equal(t.totalCents, t.subtotalCents + t.taxCents)
      assert.ok(Math.abs(t.taxCents - (t.taxableCents * ppm) / 1_000_000) <= 0.5)
    }),
  )
})

test("New York City's 8.875%: $109.57 on $1,234.56, exactly (8.88% would give $109.63)", () => {
  assert.deepEqual(totalsFor([line(123456)], 88_750), { subtotalCents: 123456, taxableCents: 123456, taxCents: 10957, totalCents: 134413 })
  assert.equal(totalsFor([line(123456)], 88_800).taxCents, 10963)
  assert.equal(taxRateText(88_750), '8.875%')
  // Half a cent rounds away from zero: 8.875% of $0.40 is 3.55¢ → 4¢; of $1.20, 10.65¢ → 11¢.
  assert.equal(applyRate(cents(40), 88_750), 4)
  assert.equal(applyRate(cents(120), 88_750), 11)
  assert.equal(applyRate(cents(-120), 88_750), -11)
})

test('property: the rule is exact half-away-from-zero rounding of amount × rate, and agrees with whole basis points', () => {
  // Reference: compare twice the remainder with the divisor in integers; no floats anywhere.
  const reference = (amount: bigint, ppm: bigint) => {
    const sign = amount < 0n ? -1n : 1n
    const abs = amount * sign * ppm
    return sign * ((abs * 2n + 1_000_000n) / 2_000_000n)
  }
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 1_000_000 }), (amount, ppm) => {
      assert.equal(BigInt(applyRate(cents(amount), ppm)), reference(BigInt(amount), BigInt(ppm)))
    }),
    { numRuns: 5000 },
  )
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
      assert.equal(percentOf(cents(amount), bp), applyRate(cents(amount), bp * 100))
    }),
  )
})
