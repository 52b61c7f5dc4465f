// Covers the sandbox's pure rules: wire amounts, Luhn/brand/routing checks, expiry forms,
// amount-driven codes and CardSecure-style tokens.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatAmount, parseWireAmount } from './amounts.ts'
import { detectBrand, isLuhnValid, isValidRoutingNumber, normaliseExpiry } from './card-rules.ts'
import { amountDrivenCode, codeFor } from './response-codes.ts'
import { listTestCards } from './test-cards.ts'
import { tokenize } from './tokens.ts'

test('amounts without a decimal point are minor units; with one they are dollars', () => {
  assert.equal(parseWireAmount('100'), 100)
  assert.equal(parseWireAmount('1.00'), 100)
  assert.equal(parseWireAmount('10.5'), 1050)
  assert.equal(parseWireAmount('111695'), 111695)
  assert.equal(parseWireAmount('-5.00'), -500)
  assert.equal(parseWireAmount('0'), 0)
  assert.equal(parseWireAmount('1.234'), null)
  assert.equal(parseWireAmount('abc'), null)
  assert.equal(parseWireAmount(undefined), null)
})

test('responses carry two decimals', () => {
  assert.equal(formatAmount(0), '0.00')
  assert.equal(formatAmount(5), '0.05')
  assert.equal(formatAmount(111695), '1116.95')
  assert.equal(formatAmount(-500), '-5.00')
})

test('every documented test card is Luhn-valid with a known brand', () => {
  for (const [pan] of listTestCards()) {
    assert.ok(isLuhnValid(pan), pan)
    assert.ok(detectBrand(pan), pan)
  }
  assert.equal(detectBrand('4111111111111111'), 'VISA')
  assert.equal(detectBrand('371449635398431'), 'AMEX')
  assert.equal(isLuhnValid('4111111111111112'), false)
})

test('routing numbers are checked with the ABA checksum', () => {
  assert.ok(isValidRoutingNumber('036001808'))
  assert.ok(isValidRoutingNumber('011401533'))
  assert.equal(isValidRoutingNumber('036001809'), false)
  assert.equal(isValidRoutingNumber('12345'), false)
})

test('expiry is accepted in the vendor forms and normalised to MMYY', () => {
  assert.equal(normaliseExpiry('1229'), '1229')
  assert.equal(normaliseExpiry('202912'), '1229')
  assert.equal(normaliseExpiry('20291231'), '1229')
  assert.equal(normaliseExpiry('20295'), '0529')
  assert.equal(normaliseExpiry('1329'), null)
})

test('amounts from $1000 to $1999 answer with the whole-dollar code', () => {
  assert.deepEqual(amountDrivenCode('RPCT', 111695), {
    respproc: 'RPCT',
    respcode: '116',
    respstat: 'C',
    resptext: 'Not sufficient funds',
  })
  assert.equal(amountDrivenCode('FNOR', 100500)?.respcode, '05')
  assert.equal(amountDrivenCode('RPCT', 100000)?.respstat, 'A')
  assert.equal(amountDrivenCode('RPCT', 99999), null)
  assert.equal(amountDrivenCode('RPCT', 200000), null)
  assert.equal(codeFor('FNOR', 'insufficient').respcode, 'NU')
})

test('tokens start with 9 and the first two digits, end with the last four, and are stable', () => {
  const a = tokenize('4111111111111111', 'secret')
  const b = tokenize('4111 1111 1111 1111', 'secret')
  assert.ok(a.ok && b.ok)
  assert.match(a.token, /^941\d{9}1111$/)
  assert.equal(a.token, b.token)
  const unique = tokenize('4111111111111111', 'secret', true)
  assert.ok(unique.ok)
  const ach = tokenize('036001808/123456789', 'secret')
  assert.ok(ach.ok && ach.info.kind === 'ach')
  assert.match(ach.token, /^903\d{9}6789$/)
  assert.deepEqual(tokenize('4111111111111112', 'secret'), { ok: false, errorcode: '0054', message: 'Luhn check failed' })
  assert.equal(tokenize('036001809/1234', 'secret').ok, false)
})
