import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isValidRoutingNumber } from './routing-number.ts'

test('real routing numbers pass the ABA checksum', () => {
  // JPMorgan Chase NY, Bank of America CA, Wells Fargo CA, Citibank NY, and the two CardPointe's UAT documents.
  for (const routing of ['021000021', '121000358', '121042882', '021000089', '036001808', '011401533']) assert.ok(isValidRoutingNumber(routing), routing)
})

test('a mistyped digit, two swapped digits, a wrong length or letters fail', () => {
  assert.equal(isValidRoutingNumber('021000022'), false, 'last digit off by one')
  assert.equal(isValidRoutingNumber('036001809'), false, 'last digit off by one')
  assert.equal(isValidRoutingNumber('120000021'), false, 'first two digits swapped')
  assert.equal(isValidRoutingNumber('123456789'), false)
  assert.equal(isValidRoutingNumber('02100002'), false, 'eight digits')
  assert.equal(isValidRoutingNumber('0210000210'), false, 'ten digits')
  assert.equal(isValidRoutingNumber('02100002a'), false)
  assert.equal(isValidRoutingNumber(' 021000021'), false, 'the caller trims')
  assert.equal(isValidRoutingNumber('000000000'), false, 'all zeros sums to 0 but is no bank')
})
