import { addMonthsIso } from '../iso-date.ts'
import { visitWindows, type VisitPlan, type VisitWindow } from '../visit-windows.ts'

/**
 * An agreement's visits over its whole life, numbered, and the rolling horizon they are created
 * up to. Rules:
 * - A fixed term has one set of visits, the term's (`visitWindows` over the term); they are
 *   numbered 1…n in window order.
 * - An open-ended agreement repeats its visits every 12 months from its start: cycle k starts at
 *   start + 12k months (month-end clamped from the original start, never chained) and has the
 *   windows of a 12-month term from there; its visits are numbered k·n + 1 … k·n + n, where n is
 *   the visits per term. Cycle 0 is exactly what approval always created.
 * - The horizon: visits whose window starts before 12 months after today (or after the start
 *   date, when it is still ahead) exist. A multi-year term is therefore planned 12 months at a
 *   time too.
 * The number (`visitSeq`) is the visit's identity: the planner never creates one twice.
 */

export interface PlannedVisit extends VisitWindow {
  visitSeq: number
  /** Visits in its term or 12-month cycle, for "visit 1 of 2". */
  visitsInCycle: number
}

export const HORIZON_MONTHS = 12

/** Where planning stops for now: 12 months after today, or after the start date when later. */
export function visitHorizon(startDate: string, today: string): string {
  return addMonthsIso(startDate > today ? startDate : today, HORIZON_MONTHS)
}

/**
 * The visits whose windows start in [`from`, `until`) (from the first when `from` is null), and
 * where the next one after them starts (null when the term has no more).
 *
 * @example plannedVisits({ startDate: '2027-03-15', termMonths: null, visitsPerTerm: 2, visitMonths: [4, 10] }, null, '2028-05-01')
 *   // → visits 1–3 (Apr 2027, Oct 2027, Apr 2028); next: '2028-10-01'
 */
export function plannedVisits(plan: VisitPlan, from: string | null, until: string): { visits: PlannedVisit[]; next: string | null } {
  const visits: PlannedVisit[] = []
  const n = plan.visitsPerTerm
  if (n <= 0) return { visits, next: null }
  for (let cycle = 0; ; cycle++) {
    if (plan.termMonths !== null && cycle > 0) return { visits, next: null }
    const windows =
      plan.termMonths !== null
        ? visitWindows(plan)
        : visitWindows({ ...plan, startDate: addMonthsIso(plan.startDate, HORIZON_MONTHS * cycle), termMonths: HORIZON_MONTHS })
    for (const w of windows) {
      if (w.windowStart >= until) return { visits, next: w.windowStart }
      const visitSeq = cycle * n + w.visitNumber
      if (from === null || w.windowStart >= from) visits.push({ ...w, visitSeq, visitsInCycle: windows.length })
    }
    // An open-ended plan whose months never come round would loop forever.
    if (windows.length === 0) return { visits, next: null }
  }
}
