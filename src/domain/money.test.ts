// Covers: cents refuses anything but a safe integer, naming the value; database values (numbers
// and numeric strings) become cents; applyRate rounds half away from zero for positive and
// negative amounts and refuses a fractional rate; percentOf is applyRate of 100 × bp; formatUsd.
// Tax rates: parseTaxRate reads 0–100% with up to four decimals, digit by digit; taxRateDigits
// and taxRateText print them back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyRate, cents, centsFromDb, formatUsd, monthlyRecurringCents, percentOf } from './money.ts'
import { MAX_TAX_RATE_PPM, parseTaxRate, taxRateDigits, taxRateText } from './tax-rate.ts'

test('cents are safe integers; anything else is refused with the value named', () => {
  assert.equal(cents(0), 0)
  assert.equal(cents(-125), -125)
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) assert.throws(() => cents(bad), new RangeError(`Not a whole number of cents: ${bad}`))
})

test('database values become cents, numeric strings included, fractions refused', () => {
  assert.equal(centsFromDb(1234), 1234)
  assert.equal(centsFromDb('1234'), 1234)
  assert.equal(centsFromDb('-50'), -50)
  assert.throws(() => centsFromDb('12.5'), RangeError)
  assert.throws(() => centsFromDb('abc'), RangeError)
})

test('applyRate rounds half away from zero, both signs, and refuses a fractional rate', () => {
  assert.equal(applyRate(cents(100), 5_000), 1, '0.5 cent rounds up')
  assert.equal(applyRate(cents(100), 4_999), 0, 'just under half rounds down')
  assert.equal(applyRate(cents(-100), 5_000), -1, 'minus half rounds away from zero')
  assert.equal(applyRate(cents(-100), 4_999), 0)
  assert.equal(applyRate(cents(-123456), 88_750), -10957)
  assert.equal(applyRate(cents(123456), 88_750), 10957)
  assert.equal(applyRate(cents(0), 88_750), 0)
  assert.equal(applyRate(cents(1_000_000_00), 1_000_000), 1_000_000_00, '100% is the amount')
  assert.throws(() => applyRate(cents(100), 0.5), new RangeError('Not a whole rate in millionths: 0.5'))
  assert.equal(percentOf(cents(10_000), 825), 825, '8.25% of $100.00')
  assert.equal(percentOf(cents(50), 100), 1, '1% of 50 cents is half a cent: rounds up')
})

test('formatUsd prints dollars with separators and sign', () => {
  assert.equal(formatUsd(123456), '$1,234.56')
  assert.equal(formatUsd(5), '$0.05')
  assert.equal(formatUsd(-2500), '-$25.00')
})

test('tax rates are read digit by digit from 0% to 100% with up to four decimals', () => {
  const cases: [string, number | null][] = [
    ['8.875', 88_750], ['8.875%', 88_750], [' 7.25 % ', 72_500], ['0', 0], ['100', MAX_TAX_RATE_PPM], ['0.0001', 1], ['12.3456%', 123_456], ['8.1', 81_000],
    ['100.0001', null], ['101', null], ['1000', null], ['8.87501', null], ['-1', null], ['8.', null], ['.5', null], ['x8', null], ['8x', null], ['8%%', null], ['8 5', null], ['', null], ['eight', null],
  ]
  for (const [text, ppm] of cases) assert.equal(parseTaxRate(text), ppm, JSON.stringify(text))
})

test('tax rates print back as typed', () => {
  assert.equal(taxRateDigits(88_750), '8.875')
  assert.equal(taxRateDigits(80_000), '8')
  assert.equal(taxRateDigits(1), '0.0001')
  assert.equal(taxRateDigits(100_500), '10.05')
  assert.equal(taxRateDigits(MAX_TAX_RATE_PPM), '100')
  assert.equal(taxRateText(72_500), '7.25%')
})

test('monthly recurring revenue adds each interval’s share exactly and rounds the total once, half away from zero', () => {
  assert.equal(monthlyRecurringCents([]), 0)
  assert.equal(monthlyRecurringCents([{ cents: 9000, intervalMonths: 3 }, { cents: 3000, intervalMonths: 1 }]), 6000)
  // Three agreements of 100 a quarter: 33⅓ each, 100 together (rounding each would give 99).
  assert.equal(monthlyRecurringCents([{ cents: 300, intervalMonths: 3 }]), 100)
  assert.equal(monthlyRecurringCents([{ cents: 100, intervalMonths: 3 }, { cents: 50, intervalMonths: 12 }]), 38) // 37.5 exactly → 38
  assert.equal(monthlyRecurringCents([{ cents: 100, intervalMonths: 3 }, { cents: 46, intervalMonths: 12 }]), 37) // 37.1666…
  assert.equal(monthlyRecurringCents([{ cents: -150, intervalMonths: 12 }]), -13) // -12.5 → -13
  // 454 + 3,724 + 52 a year and 3,522 a quarter: exactly 1,526.5 a month, which added in floats is 1,526.4999999999998.
  assert.equal(monthlyRecurringCents([{ cents: 454 + 3724 + 52, intervalMonths: 12 }, { cents: 3522, intervalMonths: 3 }]), 1527)
  assert.equal(monthlyRecurringCents([{ cents: 1, intervalMonths: 60 }, { cents: 1, intervalMonths: 59 }, { cents: 1, intervalMonths: 7 }]), 0)
  assert.throws(() => monthlyRecurringCents([{ cents: 100, intervalMonths: 0 }]), new RangeError('Not a billing interval in months: 0'))
  assert.throws(() => monthlyRecurringCents([{ cents: 1.5, intervalMonths: 1 }]), new RangeError('Not a whole number of cents: 1.5'))
})
