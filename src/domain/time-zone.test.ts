/**
 * Company-local dates. Covers: New York after 19:00 (already tomorrow in UTC), Auckland (ahead of
 * UTC: its morning is yesterday in UTC), daylight-saving changes in both, the start of a local
 * day (midnight skipped by a DST change), the signing time as a person reads it; and, as
 * properties over random instants and zones, that a local date agrees with the platform's own
 * Intl calendar and that a day's first instant falls on that day, one instant earlier on the one
 * before.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { localDate, localInstant, localMinuteOfDay } from './time-zone.ts'

test('New York after 19:00 is still today, though UTC is already tomorrow', () => {
  // 19:30 EST on Dec 1 (UTC-5) is 00:30 UTC on Dec 2; 20:00 EDT on Jul 1 (UTC-4) is 00:00 UTC Jul 2.
  assert.equal(localDate(new Date('2026-12-02T00:30:00Z'), 'America/New_York'), '2026-12-01')
  assert.equal(localDate(new Date('2026-12-02T04:59:59Z'), 'America/New_York'), '2026-12-01')
  assert.equal(localDate(new Date('2026-12-02T05:00:00Z'), 'America/New_York'), '2026-12-02')
  assert.equal(localDate(new Date('2026-07-02T00:00:00Z'), 'America/New_York'), '2026-07-01')
})

test('Auckland is ahead: its morning is the day before in UTC', () => {
  // NZDT (UTC+13) in December: 09:00 on Dec 1 is 20:00 UTC on Nov 30. NZST (UTC+12) in July.
  assert.equal(localDate(new Date('2026-11-30T20:00:00Z'), 'Pacific/Auckland'), '2026-12-01')
  assert.equal(localDate(new Date('2026-11-30T10:59:59Z'), 'Pacific/Auckland'), '2026-11-30')
  assert.equal(localDate(new Date('2026-11-30T11:00:00Z'), 'Pacific/Auckland'), '2026-12-01')
  assert.equal(localDate(new Date('2026-06-30T12:00:00Z'), 'Pacific/Auckland'), '2026-07-01')
})

test('a local day starts at its first instant in the zone, across daylight-saving changes', () => {
  assert.equal(localInstant('2026-12-01', 'Pacific/Auckland').toISOString(), '2026-11-30T11:00:00.000Z')
  assert.equal(localInstant('2026-12-01', 'America/New_York').toISOString(), '2026-12-01T05:00:00.000Z')
  // New York springs forward on 2026-03-08 (a 23-hour day) and falls back on 2026-11-01 (25 hours).
  assert.equal(localInstant('2026-03-09', 'America/New_York').getTime() - localInstant('2026-03-08', 'America/New_York').getTime(), 23 * 3_600_000)
  assert.equal(localInstant('2026-11-02', 'America/New_York').getTime() - localInstant('2026-11-01', 'America/New_York').getTime(), 25 * 3_600_000)
  // Auckland springs forward at 02:00 on 2026-09-27 and falls back at 03:00 on 2026-04-05.
  assert.equal(localInstant('2026-09-28', 'Pacific/Auckland').getTime() - localInstant('2026-09-27', 'Pacific/Auckland').getTime(), 23 * 3_600_000)
  assert.equal(localInstant('2026-04-06', 'Pacific/Auckland').getTime() - localInstant('2026-04-05', 'Pacific/Auckland').getTime(), 25 * 3_600_000)
  // Noon of a day received reads back as that day in the zone.
  assert.equal(localDate(localInstant('2026-12-01', 'Pacific/Auckland', '12:00'), 'Pacific/Auckland'), '2026-12-01')
  // Santiago skips midnight when it springs forward (2026-09-06): the day starts at 01:00.
  assert.equal(localDate(localInstant('2026-09-06', 'America/Santiago'), 'America/Santiago'), '2026-09-06')
})

test('wall-clock minutes', () => {
  assert.equal(localMinuteOfDay(new Date('2026-12-01T12:00:00Z'), 'America/Chicago'), 6 * 60)
  assert.equal(localMinuteOfDay(new Date('2026-07-01T11:00:00Z'), 'America/Chicago'), 6 * 60)
})

const zones = ['America/New_York', 'Pacific/Auckland', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns', 'UTC']
const instantArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => new Date(ms))

test('property: the local date agrees with Intl, and a day begins on itself, the instant before on the day before', () => {
  const intlDate = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
  fc.assert(
    fc.property(instantArb, fc.constantFrom(...zones), (instant, zone) => {
      const date = localDate(instant, zone)
      assert.equal(date, intlDate(instant, zone))
      const start = localInstant(date, zone)
      assert.ok(start.getTime() <= instant.getTime())
      assert.equal(localDate(start, zone), date)
      assert.ok(localDate(new Date(start.getTime() - 1), zone) < date)
    }),
    { numRuns: 2000 },
  )
})
