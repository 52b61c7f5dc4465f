import { addMonthsIso, dayBeforeIso as dayBefore } from './iso-date.ts'

export interface VisitPlan {
  /** ISO date. */
  startDate: string
  termMonths: number | null
  visitsPerTerm: number
  /** Target months 1-12; empty spreads the visits evenly. */
  visitMonths: readonly number[]
}

export interface VisitWindow {
  windowStart: string
  windowEnd: string
  /** 1-based. */
  visitNumber: number
  /** e.g. "Apr 2027". */
  monthLabel: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const firstOfMonth = (iso: string) => `${iso.slice(0, 7)}-01`

/**
 * The visits of an agreement's first term (or first 12 months when open-ended): one work order
 * per included visit, each with a date window. With target months, the windows are the first
 * `visitsPerTerm` occurrences of those months from the start date, clipped to the term (a term
 * starting Mar 15 with a March visit gets Mar 15–31). Without target months the visits are
 * spread evenly: visit i falls in month floor(i × span / visits) of the term.
 *
 * @example visitWindows({ startDate: '2027-03-15', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10] })
 *   // → Apr 1–30 2027, Oct 1–31 2027
 */
export function visitWindows(plan: VisitPlan): VisitWindow[] {
  if (plan.visitsPerTerm <= 0) return []
  const span = plan.termMonths ?? 12
  const endExclusive = addMonthsIso(plan.startDate, span)
  const lastDay = dayBefore(endExclusive)
  const monthStarts: string[] = []
  if (plan.visitMonths.length > 0) {
    for (let i = 0; i <= span; i++) {
      const monthStart = firstOfMonth(addMonthsIso(firstOfMonth(plan.startDate), i))
      if (monthStart > lastDay) break
      if (plan.visitMonths.includes(Number(monthStart.slice(5, 7)))) monthStarts.push(monthStart)
      if (monthStarts.length === plan.visitsPerTerm) break
    }
  } else {
    for (let i = 0; i < plan.visitsPerTerm; i++) monthStarts.push(firstOfMonth(addMonthsIso(plan.startDate, Math.floor((i * span) / plan.visitsPerTerm))))
  }
  return monthStarts.map((monthStart, i) => {
    const monthEnd = dayBefore(addMonthsIso(monthStart, 1))
    return {
      windowStart: monthStart < plan.startDate ? plan.startDate : monthStart,
      windowEnd: monthEnd > lastDay ? lastDay : monthEnd,
      visitNumber: i + 1,
      monthLabel: `${MONTHS[Number(monthStart.slice(5, 7)) - 1]} ${monthStart.slice(0, 4)}`,
    }
  })
}
