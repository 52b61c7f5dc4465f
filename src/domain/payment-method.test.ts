import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cardExpiredOn, paymentMethodText } from './payment-method.ts'

test('a card is good through the last day of its expiry month', () => {
  assert.equal(cardExpiredOn('1226', '2026-12-31'), false)
  assert.equal(cardExpiredOn('1226', '2027-01-01'), true)
  assert.equal(cardExpiredOn('0127', '2026-12-31'), false)
  assert.equal(cardExpiredOn('0625', '2026-11-25'), true)
  assert.equal(cardExpiredOn(null, '2099-01-01'), false, 'bank accounts have no expiry')
  assert.equal(cardExpiredOn('13x', '2099-01-01'), false, 'an unreadable expiry is left to the gateway')
})

test('payment methods read as the office sees them, last four only', () => {
  const card = { kind: 'card' as const, brand: 'Visa', accountType: null, last4: '1111', expiry: '1229', holderName: 'Dana Reyes' }
  assert.equal(paymentMethodText(card), 'Visa ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, brand: null, expiry: null }), 'Card ending 1111')
  assert.equal(paymentMethodText({ ...card, brand: 'VISA' }), 'Visa ending 1111, expires 12/29', "the gateway's brand codes read as names")
  assert.equal(paymentMethodText({ ...card, brand: 'MC' }), 'Mastercard ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, brand: 'Elo' }), 'Elo ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, kind: 'ach', accountType: 'ESAV', expiry: null, last4: '6789' }), 'Savings account ending 6789 (Dana Reyes)')
  assert.equal(paymentMethodText(null), 'None on file')
})
