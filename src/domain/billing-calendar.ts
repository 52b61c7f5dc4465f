import { Temporal } from 'temporal-polyfill'

/**
 * The billing calendar: which periods of an agreement have come due by a date. Pure code;
 * dates are ISO calendar dates ('YYYY-MM-DD'), never instants.
 *
 * Rules (workflow 4, PRODUCT.md "Correct calendars"):
 * - Billed in advance: period n is due on its first day.
 * - Period n starts at `anchor + n × interval` months, constrained to the month's last day,
 *   always computed from the anchor and never from the previous period, so an agreement
 *   starting Jan 31 billed monthly bills Feb 28 (29), Mar 31, Apr 30, …
 * - A period ends (exclusive) where the next begins, or at the agreement's end date.
 * - Nothing starts on or after the end date (exclusive; null = open-ended).
 * - Catch-up: every period due and not yet billed is returned, each once, oldest first.
 */
export interface BillingSchedule {
  /** First day of the first period. */
  startDate: string
  intervalMonths: number
  /** Exclusive end (the first day no longer covered), or null when open-ended. */
  endDate: string | null
}

export interface BillingPeriod {
  /** 0 for the first period of the agreement. */
  index: number
  /** First day of the period (the day it is due). */
  start: string
  /** Exclusive: the first day of the next period, or the agreement's end date. */
  end: string
}

/** The first day of period `index`: anchor + index × interval months, constrained to month end. */
export function periodStart(schedule: BillingSchedule, index: number): string {
  const anchor = Temporal.PlainDate.from(schedule.startDate)
  return anchor.add({ months: index * schedule.intervalMonths }, { overflow: 'constrain' }).toString()
}

/** Period `index`, or null when it would start on or after the end date. */
export function periodAt(schedule: BillingSchedule, index: number): BillingPeriod | null {
  const start = periodStart(schedule, index)
  if (schedule.endDate !== null && start >= schedule.endDate) return null
  let end = periodStart(schedule, index + 1)
  if (schedule.endDate !== null && end > schedule.endDate) end = schedule.endDate
  return { index, start, end }
}

/**
 * The periods due by `throughDate` (inclusive) from period `fromIndex` on (the number already
 * billed), oldest first. `limit` caps a catch-up (e.g. an agreement years behind).
 *
 * @example duePeriods({ startDate: '2026-01-31', intervalMonths: 1, endDate: null }, '2026-03-31', 0)
 * // → Jan 31–Feb 28, Feb 28–Mar 31, Mar 31–Apr 30
 */
export function duePeriods(schedule: BillingSchedule, throughDate: string, fromIndex = 0, limit = 1000): BillingPeriod[] {
  const out: BillingPeriod[] = []
  for (let i = fromIndex; out.length < limit; i++) {
    const p = periodAt(schedule, i)
    if (!p || p.start > throughDate) break
    out.push(p)
  }
  return out
}

/** The exclusive end of an agreement: its end date, else start + term, else null (open-ended). */
export function effectiveEndDate(startDate: string, endDate: string | null, termMonths: number | null): string | null {
  if (endDate) return endDate
  if (!termMonths) return null
  return Temporal.PlainDate.from(startDate).add({ months: termMonths }).toString()
}

/** The day before an exclusive end, for showing a period as "Jan 31 – Feb 27". */
export function lastDayOf(period: { end: string }): string {
  return Temporal.PlainDate.from(period.end).subtract({ days: 1 }).toString()
}

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString()
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' }).toString() === value
  } catch {
    return false
  }
}
