import { test } from 'node:test'
import assert from 'node:assert/strict'
import { brandFromToken, toMmyy } from './store-payment-method.ts'

test('card brand from a CardSecure-style token (9 + first two digits + ... + last four)', () => {
  assert.equal(brandFromToken('9418594164541111'), 'VISA')
  assert.equal(brandFromToken('9548594164545454'), 'MC')
  assert.equal(brandFromToken('9228594164540004'), 'MC')
  assert.equal(brandFromToken('937144963538431'), 'AMEX')
  assert.equal(brandFromToken('9601100099550000'), 'DISC')
  assert.equal(brandFromToken('9352800000000007'), 'JCB')
  assert.equal(brandFromToken('9364389999600016'), 'DINERS')
  assert.equal(brandFromToken('9990000000000000'), 'CARD')
})

test('tokenizer expiry YYYYMM becomes MMYY; MMYY stays', () => {
  assert.equal(toMmyy('202912'), '1229')
  assert.equal(toMmyy('1229'), '1229')
})
