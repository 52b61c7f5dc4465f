/**
 * The rolling visit plan. Covers: a 12-month term is exactly what approval made (visitWindows),
 * open-ended cycles every 12 months with continuing numbers, month-end starts, the horizon from
 * today or a later start, a multi-year term planned 12 months at a time; and, as a property,
 * that planning day by day creates the same visits as planning once, each number once.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { visitWindows } from '../visit-windows.ts'
import { addDays } from './availability.ts'
import { plannedVisits, visitHorizon } from './agreement-visits.ts'

const brief = (vs: { visitSeq: number; windowStart: string; windowEnd: string }[]) => vs.map((v) => `${v.visitSeq}:${v.windowStart}..${v.windowEnd}`)

test('a 12-month term: the visits approval always made, numbered in order, none after', () => {
  const plan = { startDate: '2027-03-15', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10] }
  const r = plannedVisits(plan, null, visitHorizon(plan.startDate, '2027-01-10'))
  assert.deepEqual(brief(r.visits), ['1:2027-04-01..2027-04-30', '2:2027-10-01..2027-10-31'])
  assert.deepEqual(r.visits.map((v) => v.windowStart), visitWindows(plan).map((w) => w.windowStart))
  assert.equal(r.next, null)
})

test('open-ended: visits repeat every 12 months from the start with continuing numbers', () => {
  const plan = { startDate: '2027-03-15', termMonths: null, visitsPerTerm: 2, visitMonths: [4, 10] }
  assert.equal(visitHorizon(plan.startDate, '2027-01-10'), '2028-03-15', 'start still ahead: 12 months from the start')
  const first = plannedVisits(plan, null, '2028-03-15')
  assert.deepEqual(brief(first.visits), ['1:2027-04-01..2027-04-30', '2:2027-10-01..2027-10-31'])
  assert.equal(first.next, '2028-04-01')
  const later = plannedVisits(plan, first.next, visitHorizon(plan.startDate, '2028-05-02'))
  assert.deepEqual(brief(later.visits), ['3:2028-04-01..2028-04-30', '4:2028-10-01..2028-10-31', '5:2029-04-01..2029-04-30'])
  assert.equal(later.next, '2029-10-01')
  assert.deepEqual(later.visits.map((v) => [v.visitNumber, v.visitsInCycle]), [[1, 2], [2, 2], [1, 2]])
})

test('open-ended from a month end: cycles start from the original date, not chained', () => {
  const plan = { startDate: '2028-02-29', termMonths: null, visitsPerTerm: 1, visitMonths: [] }
  const r = plannedVisits(plan, null, '2032-02-29')
  assert.deepEqual(r.visits.map((v) => v.windowStart), ['2028-02-29', '2029-02-28', '2030-02-28', '2031-02-28'])
  assert.equal(r.next, '2032-02-29')
})

test('a multi-year term is planned 12 months at a time and stops at its end', () => {
  const plan = { startDate: '2027-01-01', termMonths: 36, visitsPerTerm: 6, visitMonths: [] }
  const today = '2027-01-01'
  const now = plannedVisits(plan, null, visitHorizon(plan.startDate, today))
  assert.deepEqual(now.visits.map((v) => v.windowStart), ['2027-01-01', '2027-07-01'])
  assert.equal(now.next, '2028-01-01')
  const rest = plannedVisits(plan, now.next, visitHorizon(plan.startDate, '2031-01-01'))
  assert.deepEqual(rest.visits.map((v) => v.visitSeq), [3, 4, 5, 6])
  assert.equal(rest.next, null)
  assert.deepEqual(plannedVisits({ ...plan, visitsPerTerm: 0 }, null, '2040-01-01'), { visits: [], next: null })
})

test('property: planning day by day creates the same visits as planning once, each number once', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 700 }),
      fc.constantFrom(null, 12, 24, 36),
      fc.integer({ min: 1, max: 6 }),
      fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      fc.integer({ min: 20, max: 120 }),
      (startOffset, termMonths, visitsPerTerm, visitMonths, stepDays) => {
        const plan = { startDate: addDays('2027-01-31', startOffset), termMonths, visitsPerTerm, visitMonths }
        const end = '2031-06-30'
        const once = plannedVisits(plan, null, visitHorizon(plan.startDate, end)).visits
        const seen: number[] = []
        let plannedUntil: string | null = null
        for (let today = '2026-12-01'; today <= end; today = today === end ? addDays(end, 1) : addDays(today, stepDays) > end ? end : addDays(today, stepDays)) {
          const r = plannedVisits(plan, plannedUntil, visitHorizon(plan.startDate, today))
          seen.push(...r.visits.map((v) => v.visitSeq))
          if (r.next) plannedUntil = r.next
          else if (r.visits.length || plannedUntil === null) plannedUntil = '9999-12-31'
        }
        assert.deepEqual(seen, once.map((v) => v.visitSeq))
        assert.equal(new Set(seen).size, seen.length)
      },
    ),
    { numRuns: 200 },
  )
})

test('an open-ended plan whose months never come round plans nothing and stops', () => {
  assert.deepEqual(plannedVisits({ startDate: '2027-01-01', termMonths: null, visitsPerTerm: 2, visitMonths: [13] }, null, '2040-01-01'), { visits: [], next: null })
  assert.deepEqual(plannedVisits({ startDate: '2027-01-01', termMonths: null, visitsPerTerm: 0, visitMonths: [] }, null, '2040-01-01'), { visits: [], next: null })
})

test('a fixed term\'s visits carry the term\'s count; the horizon is the later of today and the start, plus 12 months', () => {
  const r = plannedVisits({ startDate: '2027-01-01', termMonths: 24, visitsPerTerm: 3, visitMonths: [] }, '2027-09-01', '2029-01-01')
  assert.deepEqual(r.visits.map((v) => [v.visitSeq, v.windowStart, v.visitsInCycle]), [[2, '2027-09-01', 3], [3, '2028-05-01', 3]])
  assert.equal(visitHorizon('2027-05-31', '2027-05-31'), '2028-05-31')
  assert.equal(visitHorizon('2027-05-31', '2027-06-01'), '2028-06-01')
})
