import { test } from 'node:test'
import assert from 'node:assert/strict'
import { basisPointsToPercentText, centsToDollarText, parseDollars, parsePercent, dollarField } from '../../web/src/money.ts'

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

test('percent text becomes basis points and back', () => {
  const cases: [string, number | null][] = [['8.25', 825], ['8.25%', 825], ['7', 700], ['0.5', 50], ['100', 10000], ['8.255', null], ['', null], ['x', null]]
  for (const [text, bp] of cases) assert.equal(parsePercent(text), bp, text)
  assert.equal(basisPointsToPercentText(825), '8.25')
  assert.equal(basisPointsToPercentText(800), '8')
  assert.equal(basisPointsToPercentText(50), '0.5')
})

test('a required dollar field gives cents or the reason it is not an amount', () => {
  assert.deepEqual(dollarField('1,116.5'), { cents: 111650, error: null })
  assert.deepEqual(dollarField('  '), { cents: null, error: 'is required' })
  assert.deepEqual(dollarField('12.345'), { cents: null, error: 'must be a dollar amount like 129.00 (at most two decimals)' })
})
