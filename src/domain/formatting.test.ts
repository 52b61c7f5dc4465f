import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDate, formatDateTime, formatInstantDate, formatWeekdayDate, quoteNumberText } from './formatting.ts'

const ny = { locale: 'en-US', timeZone: 'America/New_York' }
const la = { locale: 'en-US', timeZone: 'America/Los_Angeles' }

test('a calendar date is one format and never shifts with a zone', () => {
  assert.equal(formatDate('2026-12-01'), 'Dec 1, 2026')
  assert.equal(formatDate('2027-01-31'), 'Jan 31, 2027')
  assert.equal(formatDate('2026-12-01', 'en-GB'), '1 Dec 2026', "the company's locale")
})

test("a day's heading in a week (the schedule) has its weekday, in the company's locale", () => {
  assert.equal(formatWeekdayDate('2026-12-01'), 'Tue, Dec 1')
  assert.equal(formatWeekdayDate('2026-03-08'), 'Sun, Mar 8', 'a DST change day is still its own date')
  assert.equal(formatWeekdayDate('2026-12-01', 'en-GB'), 'Tue 1 Dec')
})

test('near midnight UTC an instant is the company-local date and time, not the UTC one', () => {
  // 00:30 UTC on Dec 2 is still Dec 1 in New York (19:30) and Los Angeles (16:30).
  const lateEvening = new Date('2026-12-02T00:30:00Z')
  assert.equal(formatInstantDate(lateEvening, ny), 'Dec 1, 2026')
  assert.equal(formatDateTime(lateEvening, ny), 'Dec 1, 2026, 7:30 PM EST')
  assert.equal(formatDateTime(lateEvening, la), 'Dec 1, 2026, 4:30 PM PST')
  // 23:59 UTC is the same day in New York; 04:59 UTC is the day before.
  assert.equal(formatDateTime('2026-07-04T23:59:00Z', ny), 'Jul 4, 2026, 7:59 PM EDT')
  assert.equal(formatInstantDate('2026-07-05T03:59:00Z', ny), 'Jul 4, 2026')
  assert.equal(formatInstantDate('2026-07-05T04:00:00Z', ny), 'Jul 5, 2026')
})

test('one quote-number format', () => assert.equal(quoteNumberText(1001), 'Q-1001'))
