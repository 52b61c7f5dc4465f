/**
 * How a quote option reads on the quote page, its PDF and its e-mail: billing period, term,
 * visits, percent, date and quote number, the same words everywhere.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dateText, percentText, perPeriodText, quoteLabel, termText, usd, visitsText } from './quote-text.ts'

test('the billing period reads as a period word, or "every N months" for a custom interval', () => {
  assert.equal(perPeriodText({ billingFrequency: 'monthly', billingIntervalMonths: 1 }), 'per month')
  assert.equal(perPeriodText({ billingFrequency: 'quarterly', billingIntervalMonths: 3 }), 'per quarter')
  assert.equal(perPeriodText({ billingFrequency: 'semiannual', billingIntervalMonths: 6 }), 'per half-year')
  assert.equal(perPeriodText({ billingFrequency: 'annual', billingIntervalMonths: 12 }), 'per year')
  assert.equal(perPeriodText({ billingFrequency: 'every_n_months', billingIntervalMonths: 2 }), 'every 2 months')
  assert.equal(perPeriodText({ billingFrequency: 'every_n_months', billingIntervalMonths: 1 }), 'per month', 'not "every 1 months"')
})

test('the term reads in months, or as open-ended', () => {
  assert.equal(termText(12), '12 months')
  assert.equal(termText(null), 'No end date (until cancelled)')
})

test('visits per term, singular or plural, with their target months in calendar order of the list', () => {
  assert.equal(visitsText({ visitsPerTerm: 0, visitMonths: [4] }), 'No scheduled visits')
  assert.equal(visitsText({ visitsPerTerm: 1, visitMonths: [] }), '1 visit per term')
  assert.equal(visitsText({ visitsPerTerm: 2, visitMonths: [] }), '2 visits per term')
  assert.equal(visitsText({ visitsPerTerm: 2, visitMonths: [1, 12] }), '2 visits per term (Jan, Dec)')
  assert.equal(
    visitsText({ visitsPerTerm: 12, visitMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }),
    '12 visits per term (Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec)',
  )
})

test('amounts, percents, dates and quote numbers in the one format used elsewhere', () => {
  assert.equal(usd(123450), '$1,234.50')
  assert.equal(percentText(825), '8.25%', 'basis points')
  assert.equal(percentText(500), '5%')
  assert.equal(dateText('2026-11-25'), 'Nov 25, 2026')
  assert.equal(dateText('2026-11-25', 'en-GB'), '25 Nov 2026')
  assert.equal(quoteLabel(1001), 'Q-1001')
})
