import { Temporal } from 'temporal-polyfill'

/**
 * Which reminder an agreement gets today before its term ends. Pure; dates are company-local
 * ISO dates. Rules:
 * - Scheduled reminders (every agreement with an end date; the office configures the days, e.g.
 *   60, 30 and 7): today's step is the smallest configured number of days that is at least the
 *   days left. It goes out once per term (unique in the database); a step missed (the job was
 *   down, the agreement was made late) is not sent late once a later step is due.
 * - The legal notice (California BPC §17602: an auto-renewing agreement with a term of a year or
 *   more is reminded 15–45 days before it renews, with the renewal price and how to cancel): due
 *   from `autoRenewNoticeDays` days before the end (configurable within 15–45). When the price
 *   changes at renewal it goes out at most 30 days before (a fee change is noticed 7–30 days
 *   ahead), so the window is 15–30 then. A scheduled reminder sent in that window carries the same
 *   words and counts as the notice. Missed, it still goes out late rather than never.
 * - At most one reminder per agreement per day; nothing once the term is over.
 */
export interface ReminderState {
  today: string
  /** The term's exclusive end. */
  termEnd: string
  reminderDays: readonly number[]
  autoRenew: boolean
  termMonths: number | null
  autoRenewNoticeDays: number
  priceChanges: boolean
  /** Already sent for this term. */
  sent: readonly { kind: 'reminder' | 'auto_renew_notice'; daysBefore: number | null }[]
}

export interface DueReminder {
  kind: 'reminder' | 'auto_renew_notice'
  /** The schedule step (reminders) or the notice's window start (legal notice). */
  daysBefore: number
  /** This email is the legal auto-renewal notice too (renewal price and how to cancel). */
  isLegalNotice: boolean
}

export const LEGAL_NOTICE_MIN_DAYS = 15
export const LEGAL_NOTICE_MAX_DAYS = 45
/** A fee change is noticed at most this many days before it applies. */
export const FEE_CHANGE_MAX_DAYS = 30

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'day' }).days
}

/** Whether the agreement needs the legal notice at all: auto-renewing, with a term of a year or more. */
export const needsLegalNotice = (s: Pick<ReminderState, 'autoRenew' | 'termMonths'>) => s.autoRenew && (s.termMonths ?? 0) >= 12

/** The legal notice's window start in days before the end: the configured days, at most 30 when the price changes. */
export const legalNoticeDays = (s: Pick<ReminderState, 'autoRenewNoticeDays' | 'priceChanges'>) =>
  Math.min(Math.max(s.autoRenewNoticeDays, LEGAL_NOTICE_MIN_DAYS), s.priceChanges ? FEE_CHANGE_MAX_DAYS : LEGAL_NOTICE_MAX_DAYS)

/** Today's reminder for the agreement, or null. */
export function dueReminder(s: ReminderState): DueReminder | null {
  const left = daysBetween(s.today, s.termEnd)
  if (left < 1) return null
  const legal = needsLegalNotice(s)
  const window = legalNoticeDays(s)
  const inWindow = (d: number) => d >= LEGAL_NOTICE_MIN_DAYS && d <= window
  const legalSent = s.sent.some((x) => x.kind === 'auto_renew_notice' || (x.kind === 'reminder' && x.daysBefore !== null && inWindow(x.daysBefore)))
  const step = [...new Set(s.reminderDays)].filter((d) => d >= left).sort((a, b) => a - b)[0]
  if (step !== undefined && !s.sent.some((x) => x.kind === 'reminder' && x.daysBefore === step)) {
    // A reminder in the legal window is the legal notice; one outside it is not.
    return { kind: 'reminder', daysBefore: step, isLegalNotice: legal && inWindow(step) && left <= window }
  }
  if (legal && !legalSent && left <= window) return { kind: 'auto_renew_notice', daysBefore: window, isLegalNotice: true }
  return null
}
