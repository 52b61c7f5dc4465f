import { test } from 'node:test'
import assert from 'node:assert/strict'
import { centsToDollarText, parseDollars, parseTaxRate, taxRateDigits, dollarField } from '../../web/src/money.ts'

test('dollar text becomes exact integer cents', () => {
  const cases: [string, number | null][] = [
    ['129', 12900], ['129.5', 12950], ['129.99', 12999], ['0.29', 29], ['1,234.29', 123429], ['$ 19.99', 1999],
    [' 4.35 ', 435], ['0', 0], ['007.10', 710], ['100000.00', 10000000],
    ['', null], ['1.234', null], ['12,34', null], ['-5', null], ['1e3', null], ['abc', null], ['.5', null], ['1234567890', null],
  ]
  for (const [text, cents] of cases) assert.equal(parseDollars(text), cents, text)
})

test('cents print back as the dollar text they came from', () => {
  for (const cents of [0, 5, 29, 1999, 123429, 10000000]) assert.equal(parseDollars(centsToDollarText(cents)), cents)
  assert.equal(centsToDollarText(123450), '1234.50')
})

test("percent text becomes an exact rate in millionths and back, New York City's 8.875% included", () => {
  const cases: [string, number | null][] = [
    ['8.875', 88_750], ['8.875%', 88_750], ['8.25', 82_500], ['7', 70_000], ['0.5', 5_000], ['4.7125', 47_125], ['100', 1_000_000],
    ['8.87501', null], ['100.5', null], ['', null], ['x', null], ['-1', null], ['1e1', null],
  ]
  for (const [text, ppm] of cases) assert.equal(parseTaxRate(text), ppm, text)
  assert.equal(taxRateDigits(88_750), '8.875')
  assert.equal(taxRateDigits(80_000), '8')
  assert.equal(taxRateDigits(5_000), '0.5')
  assert.equal(taxRateDigits(47_125), '4.7125')
})

test('a required dollar field gives cents or the reason it is not an amount', () => {
  assert.deepEqual(dollarField('1,116.5'), { cents: 111650, error: null })
  assert.deepEqual(dollarField('  '), { cents: null, error: 'is required' })
  assert.deepEqual(dollarField('12.345'), { cents: null, error: 'must be a dollar amount like 129.00 (at most two decimals)' })
})
