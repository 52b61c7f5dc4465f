import { test } from 'node:test'
import assert from 'node:assert/strict'
import { automaticRunDue, TIME_OF_DAY } from './automatic-billing.ts'

const chicago = (iso: string, lastAutomaticFor: string | null = null, time = '06:00') =>
  automaticRunDue({ on: true, time, timeZone: 'America/Chicago', now: new Date(iso), lastAutomaticFor })

test("the daily run is due once the company's clock reaches the set time, once a day", () => {
  // 05:59 and 06:00 in Chicago (UTC-6 in winter).
  assert.equal(chicago('2026-12-01T11:59:00Z'), null)
  assert.equal(chicago('2026-12-01T12:00:00Z'), '2026-12-01')
  assert.equal(chicago('2026-12-01T23:30:00Z'), '2026-12-01', 'later the same day, if the server was down at six')
  assert.equal(chicago('2026-12-01T12:05:00Z', '2026-12-01'), null, 'already run today')
  assert.equal(chicago('2026-12-02T12:00:00Z', '2026-12-01'), '2026-12-02')
  // 01:00 UTC on Dec 2 is still Dec 1, 19:00 in Chicago.
  assert.equal(chicago('2026-12-02T01:00:00Z', '2026-11-30'), '2026-12-01')
  assert.equal(chicago('2026-12-02T01:00:00Z', '2026-12-01'), null)
  assert.equal(automaticRunDue({ on: false, time: '06:00', timeZone: 'UTC', now: new Date('2026-12-01T12:00:00Z'), lastAutomaticFor: null }), null)
})

test('daylight saving: the local time is what counts', () => {
  // Summer: Chicago is UTC-5, so 06:00 local is 11:00 UTC.
  assert.equal(chicago('2026-07-01T10:59:00Z'), null)
  assert.equal(chicago('2026-07-01T11:00:00Z'), '2026-07-01')
  // Midnight and the last minute of the day as set times.
  assert.equal(chicago('2026-07-01T05:00:00Z', null, '00:00'), '2026-07-01')
  assert.equal(chicago('2026-07-02T04:58:00Z', null, '23:59'), null)
  assert.equal(chicago('2026-07-02T04:59:00Z', null, '23:59'), '2026-07-01')
})

test('the time is HH:MM on a 24-hour clock, nothing around it', () => {
  for (const ok of ['00:00', '07:30', '19:59', '23:59', '20:00']) assert.ok(TIME_OF_DAY.test(ok), ok)
  for (const bad of ['24:00', '7:30', '07:60', '12:3', 'a12:30', '12:30a', '2a:00', '30:00', '12-30', '1230', '', '12:30\n', 'x07:30']) assert.ok(!TIME_OF_DAY.test(bad), JSON.stringify(bad))
})
