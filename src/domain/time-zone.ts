import { Temporal } from 'temporal-polyfill'

/**
 * Company-local time: the one place where an instant becomes the calendar date people see and
 * business rules use, and back. Pure; the time zone is an IANA name (the company's, from its
 * settings). Rules:
 * - A date shown to a person (a receipt's paid date, an invoice's issue date, a quote's sent
 *   date) or used as a business date ("today" for billing, a retry's day) is the date of the
 *   instant in the company's time zone, never the UTC date.
 * - Going back, a local date starts at its first instant in the zone (midnight, or the first
 *   valid time when a daylight-saving change skips midnight).
 * Calendar arithmetic on the dates themselves stays in billing-calendar.ts (plain Y/M/D).
 */

const zoned = (instant: Date, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone)

/**
 * The calendar date (`YYYY-MM-DD`) of `instant` in `timeZone`.
 *
 * @example localDate(new Date('2026-12-02T01:00:00Z'), 'America/New_York') // '2026-12-01' (20:00 there)
 */
export function localDate(instant: Date, timeZone: string): string {
  return zoned(instant, timeZone).toPlainDate().toString()
}

/** Minutes since local midnight of `instant` in `timeZone` (wall-clock time: 06:00 is 360). */
export function localMinuteOfDay(instant: Date, timeZone: string): number {
  const z = zoned(instant, timeZone)
  return z.hour * 60 + z.minute
}

/**
 * The instant `date` reaches wall-clock `time` (`HH:MM`, default its start) in `timeZone`.
 *
 * @example localInstant('2026-12-01', 'Pacific/Auckland') // 2026-11-30T11:00:00Z
 */
export function localInstant(date: string, timeZone: string, time?: string): Date {
  const d = Temporal.PlainDate.from(date)
  const z = time === undefined ? d.toZonedDateTime({ timeZone }) : d.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(time) })
  return new Date(z.epochMilliseconds)
}

