/**
 * Availability. Covers: working ranges to instants in the company's zone on ordinary days and on
 * both daylight-saving days (New York: 2027-03-14 forward, 2027-11-07 back), wall times in the
 * skipped and repeated hour, 23- and 25-hour days, split shifts, days off, the dates an interval
 * touches across local midnight; and, as a property, that free gaps never meet busy time and,
 * with the busy time, cover exactly the free time.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { datesTouched, dayInterval, dayOffOn, minutesOf, noWorkingHours, subtract, weekdayOf, workingIntervals, zoneClock, type Interval } from './availability.ts'

const ny = zoneClock('America/New_York')
const iso = (ms: number) => new Date(ms).toISOString()
const hours = { ...noWorkingHours(), mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }], sun: [{ start: '00:30', end: '04:00' }] }

test('working ranges become instants in the company time zone; a split shift is two ranges', () => {
  assert.equal(weekdayOf('2027-03-15'), 'mon')
  const w = workingIntervals(ny, hours, '2027-03-15')
  assert.deepEqual(w.map((i) => [iso(i.start), iso(i.end)]), [
    ['2027-03-15T12:00:00.000Z', '2027-03-15T16:00:00.000Z'],
    ['2027-03-15T17:00:00.000Z', '2027-03-15T21:00:00.000Z'],
  ])
  assert.deepEqual(workingIntervals(ny, hours, '2027-03-16'), [], 'a weekday without ranges is not worked')
  // Winter: the same wall times are an hour later in UTC.
  assert.equal(iso(workingIntervals(ny, hours, '2027-01-04')[0]!.start), '2027-01-04T13:00:00.000Z')
})

test('daylight-saving days: the wall clock rules; a skipped time means the moment after the gap, a repeated one the first', () => {
  // 2027-03-14 (Sunday): 02:00 EST jumps to 03:00 EDT. 00:30–04:00 on the wall is 2.5 hours.
  const spring = workingIntervals(ny, hours, '2027-03-14')[0]!
  assert.deepEqual([iso(spring.start), iso(spring.end)], ['2027-03-14T05:30:00.000Z', '2027-03-14T08:00:00.000Z'])
  assert.equal(iso(ny.at('2027-03-14', '02:30')), '2027-03-14T07:30:00.000Z', '02:30 does not exist: 03:30 EDT')
  // 2027-11-07 (Sunday): 02:00 EDT falls back to 01:00 EST. 00:30–04:00 on the wall is 4.5 hours.
  const fall = workingIntervals(ny, hours, '2027-11-07')[0]!
  assert.equal((fall.end - fall.start) / 3_600_000, 4.5)
  assert.equal(iso(ny.at('2027-11-07', '01:30')), '2027-11-07T05:30:00.000Z', '01:30 happens twice: the first (EDT)')
  const len = (d: string) => {
    const i = dayInterval(ny, d)
    return (i.end - i.start) / 3_600_000
  }
  assert.deepEqual([len('2027-03-14'), len('2027-03-15'), len('2027-11-07')], [23, 24, 25])
})

test('local dates: an evening in New York is the next day in UTC; an interval across local midnight touches two dates', () => {
  const evening = Date.parse('2027-04-30T23:30:00-04:00')
  assert.equal(ny.dateOf(evening), '2027-04-30')
  assert.equal(ny.timeOf(evening), '23:30')
  assert.deepEqual(datesTouched(ny, { start: evening, end: evening + 3_600_000 }), ['2027-04-30', '2027-05-01'])
  assert.deepEqual(datesTouched(ny, { start: evening, end: evening + 30 * 60_000 }), ['2027-04-30'], 'ending exactly at midnight stays on the day')
  // The 25-hour day: 23:30 EST is still Nov 7.
  assert.equal(ny.dateOf(Date.parse('2027-11-08T04:30:00Z')), '2027-11-07')
})

test('days off are inclusive ranges; a single day has from = to', () => {
  const off = [{ from: '2027-07-01', to: '2027-07-14', reason: 'Vacation' }, { from: '2027-12-25', to: '2027-12-25', reason: '' }]
  assert.equal(dayOffOn(off, '2027-06-30'), undefined)
  assert.equal(dayOffOn(off, '2027-07-01')?.reason, 'Vacation')
  assert.equal(dayOffOn(off, '2027-07-14')?.reason, 'Vacation')
  assert.ok(dayOffOn(off, '2027-12-25'))
  assert.equal(dayOffOn(off, '2027-12-26'), undefined)
})

const intervalArb = fc
  .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 300 }))
  .map(([s, l]): Interval => ({ start: s, end: s + l }))

test('property: gaps never meet busy time and, with it, cover exactly the free time', () => {
  fc.assert(
    fc.property(fc.array(intervalArb, { maxLength: 3 }), fc.array(intervalArb, { maxLength: 8 }), (freeRaw, busy) => {
      const free = subtract(freeRaw.sort((a, b) => a.start - b.start), []) // as given: possibly overlapping ranges
      const gaps = subtract(free, busy)
      for (let t = 0; t <= 1300; t++) {
        const inFree = free.some((f) => f.start <= t && t < f.end)
        const inBusy = busy.some((b) => b.start <= t && t < b.end)
        const inGap = gaps.some((g) => g.start <= t && t < g.end)
        assert.equal(inGap, inFree && !inBusy, `t=${t}`)
      }
      for (const g of gaps) assert.ok(g.end > g.start)
    }),
    { numRuns: 300 },
  )
})

test('working ranges: given out of order they come back in order; an empty or reversed range is no working time', () => {
  const odd = { ...noWorkingHours(), tue: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '12:00' }, { start: '09:00', end: '09:00' }, { start: '18:00', end: '10:00' }] }
  const w = workingIntervals(ny, odd, '2027-03-16')
  assert.deepEqual(w.map((i) => [ny.timeOf(i.start), ny.timeOf(i.end)]), [['08:00', '12:00'], ['13:00', '17:00']])
  assert.deepEqual(['2027-03-15', '2027-03-16', '2027-03-17', '2027-03-18', '2027-03-19', '2027-03-20', '2027-03-21'].map(weekdayOf), ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])
  assert.equal(minutesOf('08:30'), 510)
  assert.equal(minutesOf('17:05'), 1025)
  assert.deepEqual(noWorkingHours(), { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, 'the default for weekdays not set: none worked')
})

test('a day runs from its first instant up to, not including, the next day\'s: asked in either order', () => {
  const chicago = zoneClock('America/Chicago')
  const may1 = chicago.at('2027-05-01')
  assert.equal(iso(may1), '2027-05-01T05:00:00.000Z')
  assert.equal(chicago.dateOf(may1 - 1), '2027-04-30')
  assert.equal(chicago.dateOf(may1), '2027-05-01', 'the next day\'s first instant, after Apr 30 was looked up')
  assert.equal(chicago.dateOf(may1 + 86_400_000 - 1), '2027-05-01')
  assert.equal(chicago.dateOf(may1 - 86_400_000), '2027-04-30', 'Apr 30\'s first instant, after May 1 was looked up')
  assert.equal(chicago.at('2027-05-01', '00:00'), may1)
  assert.equal(chicago.at('2027-05-01', '09:15') - may1, (9 * 60 + 15) * 60_000)
  assert.equal(zoneClock('America/Chicago'), chicago, 'one clock per zone')
  assert.deepEqual(datesTouched(chicago, { start: may1, end: may1 }), ['2027-05-01'], 'an empty interval touches its own date')
  assert.deepEqual(datesTouched(chicago, { start: may1 - 60_000, end: may1 + 2 * 86_400_000 }), ['2027-04-30', '2027-05-01', '2027-05-02'])
})

test('subtract: busy time given out of order, touching or covering the free range', () => {
  const free = [{ start: 0, end: 100 }, { start: 200, end: 300 }]
  assert.deepEqual(subtract(free, [{ start: 250, end: 260 }, { start: 10, end: 20 }, { start: 90, end: 210 }]), [
    { start: 0, end: 10 },
    { start: 20, end: 90 },
    { start: 210, end: 250 },
    { start: 260, end: 300 },
  ])
  assert.deepEqual(subtract(free, [{ start: 100, end: 200 }]), free, 'busy time touching the free ranges takes nothing')
  assert.deepEqual(subtract(free, [{ start: 0, end: 300 }]), [])
})
