import { test } from 'node:test'
import assert from 'node:assert/strict'
import { brandName, cardExpiredOn, paidWithText, paymentMethodText } from './payment-method.ts'

test('a card is good through the last day of its expiry month', () => {
  assert.equal(cardExpiredOn('1226', '2026-12-31'), false)
  assert.equal(cardExpiredOn('1226', '2027-01-01'), true)
  assert.equal(cardExpiredOn('0127', '2026-12-31'), false)
  assert.equal(cardExpiredOn('0625', '2026-11-25'), true)
  assert.equal(cardExpiredOn(null, '2099-01-01'), false, 'bank accounts have no expiry')
  assert.equal(cardExpiredOn('13x', '2099-01-01'), false, 'an unreadable expiry is left to the gateway')
  assert.equal(cardExpiredOn('', '2099-01-01'), false)
  assert.equal(cardExpiredOn('01250', '2099-01-01'), false, 'five digits are not an expiry')
  assert.equal(cardExpiredOn('x0125', '2099-01-01'), false)
})

test('payment methods read as the office sees them, last four only', () => {
  const card = { kind: 'card' as const, brand: 'Visa', accountType: null, last4: '1111', expiry: '1229', holderName: 'Dana Reyes' }
  assert.equal(paymentMethodText(card), 'Visa ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, brand: null, expiry: null }), 'Card ending 1111')
  assert.equal(paymentMethodText({ ...card, brand: 'VISA' }), 'Visa ending 1111, expires 12/29', "the gateway's brand codes read as names")
  assert.equal(paymentMethodText({ ...card, brand: 'MC' }), 'Mastercard ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, brand: 'Elo' }), 'Elo ending 1111, expires 12/29')
  assert.equal(paymentMethodText({ ...card, kind: 'ach', accountType: 'ESAV', expiry: null, last4: '6789' }), 'Savings account ending 6789 (Dana Reyes)')
  assert.equal(paymentMethodText({ ...card, kind: 'ach', accountType: 'ECHK', expiry: null, last4: '6789' }), 'Checking account ending 6789 (Dana Reyes)')
  assert.equal(paymentMethodText(null), 'None on file')
})

test('every brand code CardPointe sends reads as its name, in any case', () => {
  const names = { VISA: 'Visa', MC: 'Mastercard', AMEX: 'American Express', DISC: 'Discover', DINERS: 'Diners Club', JCB: 'JCB' }
  for (const [code, name] of Object.entries(names)) {
    assert.equal(brandName(code), name)
    assert.equal(brandName(code.toLowerCase()), name)
  }
  assert.equal(brandName(null), 'Card')
  assert.equal(brandName(''), '')
})

test('a receipt says what paid: the card by brand or the bank account, last four only', () => {
  assert.equal(paidWithText({ kind: 'card', brand: 'VISA', last4: '1443' }), 'Visa ending 1443')
  assert.equal(paidWithText({ kind: 'card', brand: null, last4: '1443' }), 'Card ending 1443')
  assert.equal(paidWithText({ kind: 'ach', brand: null, last4: '6789' }), 'bank account ending 6789')
  assert.equal(paidWithText(null), 'card on file')
})
