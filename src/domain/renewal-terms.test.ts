/**
 * The next term. Covers: dates (from the old end, no gap; late acceptance starts that day; a term
 * set by date keeps its length), one-time lines not repeated, price changes (percent per line
 * rounded once, amount on the plan line, the plan's price, never below zero), and the signed
 * manage-renewal link (scoped, expiring, unforgeable).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { manageRenewalToken, readManageRenewalToken } from './renewal-link.ts'
import { autoRenewTermsText, everyText, nextTermDates, perBillCents, priceChangeOf, priceChangeText, priceChangeValue, renewedLines, renewsOnText, type PriceChange } from './renewal-terms.ts'

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
  assert.deepEqual(renewedLines(lines, { kind: 'none' }, 3299).map((l) => l.amountCents), [2999, 501], "no change keeps the price, whatever the plan's price is now")
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

test('accepted on the day the term ends, it starts that day; a term set by date keeps its whole months, at least one', () => {
  assert.deepEqual(nextTermDates({ startDate: '2026-01-31', endDate: '2027-01-31', termMonths: 12 }, '2027-01-31'), { startDate: '2027-01-31', endDate: '2028-01-31', termMonths: 12 })
  assert.deepEqual(nextTermDates({ startDate: '2026-11-15', endDate: '2027-02-15', termMonths: null }, '2027-01-01'), { startDate: '2027-02-15', endDate: '2027-05-15', termMonths: 3 }, 'across a year end')
  assert.deepEqual(nextTermDates({ startDate: '2025-06-01', endDate: '2027-06-01', termMonths: null }, '2027-05-01').termMonths, 24)
  assert.deepEqual(nextTermDates({ startDate: '2026-03-01', endDate: '2026-03-20', termMonths: null }, '2026-03-10'), { startDate: '2026-03-20', endDate: '2026-04-20', termMonths: 1 })
})

test('a price change never takes a line below zero, and leaves the current term as it is', () => {
  assert.deepEqual(renewedLines(lines, { kind: 'percent', basisPoints: -15_000 }, null).map((l) => l.amountCents), [0, 0])
  assert.deepEqual(renewedLines(lines, { kind: 'percent', basisPoints: 0 }, null).map((l) => l.amountCents), [2999, 501])
  const before = structuredClone(lines)
  renewedLines(lines, { kind: 'percent', basisPoints: 500 }, null)
  renewedLines(lines, { kind: 'amount', amountCents: 100 }, null)
  renewedLines(lines, { kind: 'plan_price' }, 1)
  assert.deepEqual(lines, before)
  const oneTimeOnly = [{ description: 'Setup', amountCents: 4900, recurring: false, taxable: false }]
  for (const change of [{ kind: 'amount', amountCents: 500 }, { kind: 'plan_price' }, { kind: 'percent', basisPoints: 500 }] as PriceChange[])
    assert.deepEqual(renewedLines(oneTimeOnly, change, 3299), [], 'nothing recurs: nothing to renew')
})

test('a price change is stored as a kind and one number', () => {
  for (const change of [{ kind: 'none' }, { kind: 'percent', basisPoints: -250 }, { kind: 'amount', amountCents: 1000 }, { kind: 'plan_price' }] as PriceChange[])
    assert.deepEqual(priceChangeOf(change.kind, priceChangeValue(change)), change)
  assert.deepEqual([priceChangeValue({ kind: 'percent', basisPoints: 500 }), priceChangeValue({ kind: 'amount', amountCents: -300 }), priceChangeValue({ kind: 'plan_price' }), priceChangeValue({ kind: 'none' })], [500, -300, 0, 0])
})

test('a price change in words', () => {
  assert.equal(priceChangeText({ kind: 'percent', basisPoints: -1000 }), 'a 10% decrease')
  assert.equal(priceChangeText({ kind: 'percent', basisPoints: 0 }), 'the same price')
  assert.equal(priceChangeText({ kind: 'amount', amountCents: 1000 }), '$10.00 more per bill')
  assert.equal(priceChangeText({ kind: 'amount', amountCents: 0 }), 'the same price')
  assert.equal(priceChangeText({ kind: 'plan_price' }), "the plan's current price")
  assert.equal(priceChangeText({ kind: 'none' }), 'the same price')
  assert.equal(everyText(1), 'per month')
  assert.equal(everyText(3), 'every 3 months')
  assert.equal(renewsOnText('2027-03-01', 3149, 1), 'Mar 1, 2027 at $31.49 per month')
  assert.equal(renewsOnText('2027-03-01', 9000, 3), 'Mar 1, 2027 at $90.00 every 3 months')
})

test('the auto-renewal terms in full: at the same price, or at the change over the previous term', () => {
  const terms = { companyName: 'Acme HVAC', termMonths: 12, intervalMonths: 3, perBillCents: 9000, noticeDays: 30 }
  const rest =
    ' Each renewal is charged to the payment method on file, every 3 months.' +
    ' We email you a reminder with the renewal price and how to cancel 30 days before each term of a year or more ends.' +
    ' Cancel any time before a term ends: turn off automatic renewal online from the link in any notice or receipt from Acme HVAC, with no call needed; the current term then ends as agreed. There is no minimum purchase beyond the current term.'
  const same = `Automatic renewal: this agreement renews automatically for another 12-month term at the end of each term, at the same price ($90.00 every 3 months, tax included), and continues until you cancel.${rest}`
  assert.equal(autoRenewTermsText({ ...terms, change: { kind: 'none' } }), same)
  assert.equal(autoRenewTermsText({ ...terms, change: { kind: 'amount', amountCents: 0 } }), same, 'a change of nothing is the same price')
  assert.equal(
    autoRenewTermsText({ ...terms, change: { kind: 'amount', amountCents: 500 } }),
    `Automatic renewal: this agreement renews automatically for another 12-month term at the end of each term, at $5.00 more per bill over the term before it (now $90.00 every 3 months, tax included); the exact price is in the reminder, and continues until you cancel.${rest}`,
  )
  assert.match(autoRenewTermsText({ ...terms, change: { kind: 'plan_price' } }), /at the plan's current price over the term before it/)
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
