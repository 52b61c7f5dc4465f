/**
 * Billing calendar. Covers: month-end anchors (Jan 31 → Feb 28/29, Mar 31, Apr 30), quarterly and
 * annual periods, leap days, term ends (exclusive, periods cut short), open-ended agreements,
 * catch-up after missed runs; and, as properties over random schedules and run dates: every
 * period billed exactly once, no gaps, no overlaps, nothing on or after the end, each start
 * derived from the anchor. (The company's "today" across time zones: time-zone.test.ts.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import { duePeriods, effectiveEndDate, isIsoDate, lastDayOf, periodAt, type BillingSchedule } from './billing-calendar.ts'

const starts = (s: BillingSchedule, through: string, from = 0) => duePeriods(s, through, from).map((p) => p.start)

test('a monthly agreement starting Jan 31 bills on the last day of shorter months', () => {
  const s = { startDate: '2026-01-31', intervalMonths: 1, endDate: null }
  assert.deepEqual(starts(s, '2026-06-30'), ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30'])
  assert.deepEqual(starts({ ...s, startDate: '2028-01-31' }, '2028-03-31'), ['2028-01-31', '2028-02-29', '2028-03-31'])
})

test('a period ends where the next begins; the last day is shown inclusive', () => {
  const p = periodAt({ startDate: '2026-01-31', intervalMonths: 1, endDate: null }, 0)!
  assert.deepEqual(p, { index: 0, start: '2026-01-31', end: '2026-02-28' })
  assert.equal(lastDayOf(p), '2026-02-27')
})

test('quarterly and annual periods; an annual agreement started on Feb 29', () => {
  assert.deepEqual(starts({ startDate: '2026-11-30', intervalMonths: 3, endDate: null }, '2027-08-31'), ['2026-11-30', '2027-02-28', '2027-05-30', '2027-08-30'])
  assert.deepEqual(starts({ startDate: '2024-02-29', intervalMonths: 12, endDate: null }, '2028-03-01'), ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29'])
})

test('nothing is due before the start date; the start date itself is due (billed in advance)', () => {
  const s = { startDate: '2026-05-15', intervalMonths: 1, endDate: null }
  assert.deepEqual(starts(s, '2026-05-14'), [])
  assert.deepEqual(starts(s, '2026-05-15'), ['2026-05-15'])
})

test('a term ends the billing: the end date is exclusive and a last short period is cut', () => {
  const s = { startDate: '2026-01-01', intervalMonths: 3, endDate: effectiveEndDate('2026-01-01', null, 12) }
  assert.equal(s.endDate, '2027-01-01')
  assert.deepEqual(starts(s, '2030-01-01'), ['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'])
  const cut = duePeriods({ startDate: '2026-01-01', intervalMonths: 3, endDate: '2026-05-15' }, '2030-01-01')
  assert.deepEqual(cut.at(-1), { index: 1, start: '2026-04-01', end: '2026-05-15' })
})

test('catch-up after missed runs returns each missed period once, from the first unbilled one', () => {
  const s = { startDate: '2026-01-10', intervalMonths: 1, endDate: null }
  assert.deepEqual(starts(s, '2026-04-10', 2), ['2026-03-10', '2026-04-10'])
  assert.deepEqual(starts(s, '2026-04-09', 4), [])
})

test('isIsoDate accepts only real calendar dates', () => {
  assert.ok(isIsoDate('2028-02-29'))
  for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', 'x', '2026-04-31']) assert.equal(isIsoDate(bad), false, bad)
})

const dateArb = fc
  .record({ y: fc.integer({ min: 2023, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => Temporal.PlainDate.from({ year: y, month: m, day: d }, { overflow: 'constrain' }).toString())
const intervalArb = fc.constantFrom(1, 2, 3, 4, 6, 12, 24)
const plus = (date: string, days: number) => Temporal.PlainDate.from(date).add({ days }).toString()

test('property: a series of runs bills every period exactly once, without gaps or overlaps', () => {
  fc.assert(
    fc.property(
      dateArb,
      intervalArb,
      fc.option(fc.integer({ min: 1, max: 72 }), { nil: null }),
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 12 }),
      (startDate, intervalMonths, termMonths, gaps) => {
        const endDate = effectiveEndDate(startDate, null, termMonths)
        const s = { startDate, intervalMonths, endDate }
        // Runs at increasing dates beginning somewhat before the start; each run bills what is due.
        let runDate = plus(startDate, -30)
        let billed = 0
        const all: { start: string; end: string; index: number }[] = []
        for (const gap of gaps) {
          runDate = plus(runDate, gap)
          const due = duePeriods(s, runDate, billed)
          all.push(...due)
          billed += due.length
        }
        // Exactly once, in order: indexes 0..n-1 with no repeats.
        assert.deepEqual(all.map((p) => p.index), all.map((_, i) => i))
        for (let i = 0; i < all.length; i++) {
          const p = all[i]!
          assert.ok(p.start < p.end, 'a period is never empty')
          assert.ok(p.start <= runDate, 'nothing is billed before it is due')
          if (i > 0) assert.equal(p.start, all[i - 1]!.end, 'no gap, no overlap')
          // Derived from the anchor: the day is the anchor's day, or the month's last day.
          const anchor = Temporal.PlainDate.from(startDate)
          const ps = Temporal.PlainDate.from(p.start)
          assert.equal(ps.day, Math.min(anchor.day, ps.daysInMonth))
          if (endDate) assert.ok(p.start < endDate && p.end <= endDate, 'nothing on or after the end')
        }
        if (all.length > 0) assert.equal(all[0]!.start, startDate)
        // Everything due by the last run was billed: the next period is not yet due (or past the end).
        const next = periodAt(s, all.length)
        assert.ok(next === null || next.start > runDate)
      },
    ),
    { numRuns: 500 },
  )
})

test('property: billing in one run or in many runs gives the same periods', () => {
  fc.assert(
    fc.property(dateArb, intervalArb, dateArb, fc.integer({ min: 1, max: 20 }), (startDate, intervalMonths, through, pieces) => {
      const s = { startDate, intervalMonths, endDate: null }
      const once = duePeriods(s, through, 0, 100_000)
      const many: typeof once = []
      while (true) {
        const next = duePeriods(s, through, many.length, pieces)
        if (next.length === 0) break
        many.push(...next)
      }
      assert.deepEqual(many, once)
    }),
    { numRuns: 300 },
  )
})

test('a catch-up stops at its limit; the end of an agreement is its end date, else start plus term, else none', () => {
  const monthly: BillingSchedule = { startDate: '2026-01-15', intervalMonths: 1, endDate: null }
  assert.deepEqual(duePeriods(monthly, '2026-12-31', 0, 2).map((p) => p.start), ['2026-01-15', '2026-02-15'])
  assert.deepEqual(duePeriods(monthly, '2026-12-31', 3, 1).map((p) => p.start), ['2026-04-15'])
  assert.equal(duePeriods(monthly, '2026-12-31').length, 12)
  assert.equal(effectiveEndDate('2026-01-31', '2026-06-01', 12), '2026-06-01', 'an end date wins over the term')
  assert.equal(effectiveEndDate('2026-01-31', null, 1), '2026-02-28')
  assert.equal(effectiveEndDate('2026-01-31', null, 12), '2027-01-31')
  assert.equal(effectiveEndDate('2026-01-31', null, null), null, 'open-ended')
  assert.equal(effectiveEndDate('2026-01-31', null, 0), null)
})
