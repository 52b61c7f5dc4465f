import type { VisitStatus, VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import { localDate, localInstant, localMinuteOfDay } from '../../../src/domain/time-zone.ts'
import { formatWeekday } from '../strings.ts'

export const VISIT_STATUS_LABELS: Record<VisitStatus, string> = {
  open: 'Unscheduled',
  scheduled: 'Scheduled',
  dispatched: 'Dispatched',
  on_the_way: 'On the way',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
  suspended: 'On hold',
}

/** "09:30" of an instant in the company's zone. */
export const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
export const timeText = (iso: string, tz: string) => hhmm(localMinuteOfDay(new Date(iso), tz))
export const dateOf = (iso: string, tz: string) => localDate(new Date(iso), tz)
/** The ISO instant of a company-local date and minute of day (DST-correct). */
export const instantAt = (date: string, minutes: number, tz: string) => localInstant(date, tz, hhmm(minutes)).toISOString()
export const addMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString()
export const minutesBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 60_000)

/** "Tue, Dec 1" for a company-local date, in the company's locale (the one date formatter, strings.ts). */
export const dayLabel = formatWeekday
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
/** The Monday of the week of a date. */
export const weekStart = (date: string) => addDays(date, -((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7))

export const onHoldText = (v: Pick<VisitSummaryDto, 'onHold'>) => (v.onHold ? `On hold: agreement #${v.onHold.agreementNumber} (${v.onHold.agreementName}) is suspended` : '')
