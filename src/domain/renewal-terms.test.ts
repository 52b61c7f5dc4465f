/**
 * The next term. Covers: dates (from the old end, no gap; late acceptance starts that day; a term
 * set by date keeps its length), one-time lines not repeated, price changes (percent per line
 * rounded once, amount on the plan line, the plan's price, never below zero), and the signed
 * manage-renewal link (scoped, expiring, unforgeable).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { manageRenewalToken, readManageRenewalToken } from './renewal-link.ts'
import { autoRenewTermsText, nextTermDates, perBillCents, priceChangeText, renewedLines } from './renewal-terms.ts'

const lines = [
  { description: 'Premium plan', amountCents: 2999, recurring: true, taxable: true },
  { description: 'Filter delivery', amountCents: 501, recurring: true, taxable: false },
  { description: 'Setup', amountCents: 4900, recurring: false, taxable: false },
]

test('the next term starts where the old one ends; a late acceptance starts that day', () => {
  assert.deepEqual(nextTermDates({ startDate: '2026-01-31', endDate: '2027-01-31', termMonths: 12 }, '2026-12-15'), { startDate: '2027-01-31', endDate: '2028-01-31', termMonths: 12 })
  assert.deepEqual(nextTermDates({ startDate: '2026-01-31', endDate: '2027-01-31', termMonths: 12 }, '2027-02-10'), { startDate: '2027-02-10', endDate: '2028-02-10', termMonths: 12 })
  assert.deepEqual(nextTermDates({ startDate: '2026-03-01', endDate: '2026-09-01', termMonths: null }, '2026-08-01'), { startDate: '2026-09-01', endDate: '2027-03-01', termMonths: 6 })
})

test('price changes apply to the recurring lines; one-time lines are not repeated', () => {
  assert.deepEqual(renewedLines(lines, { kind: 'none' }, null).map((l) => l.amountCents), [2999, 501])
  // 5%: 149.95 → 150 on 2999, 25.05 → 25 on 501 (each line rounded once, half away from zero)
  assert.deepEqual(renewedLines(lines, { kind: 'percent', basisPoints: 500 }, null).map((l) => l.amountCents), [3149, 526])
  assert.deepEqual(renewedLines(lines, { kind: 'percent', basisPoints: -1000 }, null).map((l) => l.amountCents), [2699, 451])
  assert.deepEqual(renewedLines(lines, { kind: 'amount', amountCents: 500 }, null).map((l) => l.amountCents), [3499, 501])
  assert.deepEqual(renewedLines(lines, { kind: 'amount', amountCents: -5000 }, null).map((l) => l.amountCents), [0, 501])
  assert.deepEqual(renewedLines(lines, { kind: 'plan_price' }, 3299).map((l) => l.amountCents), [3299, 501])
  assert.deepEqual(renewedLines(lines, { kind: 'plan_price' }, null).map((l) => l.amountCents), [2999, 501], 'no plan: unchanged')
  assert.equal(perBillCents(lines, 100_000), 2999 + 300 + 501)
  assert.equal(priceChangeText({ kind: 'percent', basisPoints: 250 }), 'a 2.5% increase')
  assert.equal(priceChangeText({ kind: 'amount', amountCents: -300 }), '$3.00 less per bill')
})

test('the auto-renewal terms say what the law asks: until cancelled, the charge and its change, the term, how to cancel online', () => {
  const text = autoRenewTermsText({ companyName: 'Acme HVAC', termMonths: 12, intervalMonths: 1, perBillCents: 3000, change: { kind: 'percent', basisPoints: 300 }, noticeDays: 30 })
  for (const part of [/renews automatically for another 12-month term/, /continues until you cancel/, /a 3% increase/, /\$30\.00 per month/, /turn off automatic renewal online/, /no call needed/, /30 days before/, /no minimum purchase/])
    assert.match(text, part)
})

test('manage-renewal links are scoped to one agreement, expire, and cannot be forged', () => {
  const key = 'k'.repeat(64)
  const token = manageRenewalToken(key, 'agr_01jab0000000000000000000zz', '2027-06-30')
  assert.match(token, /^[A-Za-z0-9_-]{77}$/)
  assert.equal(readManageRenewalToken(key, token, '2027-06-30'), 'agr_01jab0000000000000000000zz')
  assert.equal(readManageRenewalToken(key, token, '2027-07-01'), null, 'expired')
  assert.equal(readManageRenewalToken('x'.repeat(64), token, '2027-01-01'), null, 'another key')
  const forged = `01jab0000000000000000000zy${token.slice(26)}`
  assert.equal(readManageRenewalToken(key, forged, '2027-01-01'), null, 'another agreement')
  const extended = `${token.slice(0, 26)}20990101${token.slice(34)}`
  assert.equal(readManageRenewalToken(key, extended, '2027-01-01'), null, 'a later expiry')
})
