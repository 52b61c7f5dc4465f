import { Temporal } from 'temporal-polyfill'

/**
 * A technician's availability, in the company's time zone. Rules:
 * - Working hours are wall-clock ranges per weekday (`08:00`–`17:00`; several for a split shift),
 *   the same every week. A weekday without ranges is not worked. A range ends after it starts on
 *   the same day (no shifts across midnight).
 * - A range becomes two instants on a given date through the time zone. On a daylight-saving day
 *   the wall clock still rules: 08:00–17:00 on the day clocks go forward is 08:00 to 17:00 local.
 *   A wall time the change skips (02:30 when 02:00 jumps to 03:00) means the moment after the gap
 *   (03:30); a wall time that happens twice (01:30 when 02:00 falls back to 01:00) means the first.
 * - A day runs from its first instant to the next day's (23 or 25 hours on change days).
 * - Days off are inclusive date ranges (a single day has `from` = `to`).
 * Instants are epoch milliseconds here, so the rules compare plain numbers.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** `HH:MM` (24-hour) wall-clock range. */
export interface TimeRange {
  start: string
  end: string
}
export type WorkingHours = Record<Weekday, TimeRange[]>

export interface DayOff {
  from: string
  to: string
  reason: string
}

/** Epoch milliseconds, end exclusive. */
export interface Interval {
  start: number
  end: number
}

export const noWorkingHours = (): WorkingHours => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] })

/** `HH:MM` → minutes since midnight. */
export const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5))

// Plain calendar arithmetic on ISO dates (UTC midnights, no zone involved): cheap enough for the board's loops.
const DAY_MS = 86_400_000
const epochDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS

/** Monday-first weekday of an ISO date. */
export const weekdayOf = (date: string): Weekday => WEEKDAYS[(epochDay(date) + 3) % 7]!

export const addDays = (date: string, days: number) => new Date((epochDay(date) + days) * DAY_MS).toISOString().slice(0, 10)

/**
 * Conversions between a time zone's wall clock and instants, remembered per zone: the board turns
 * 50 technicians' hours over a week into instants, and Temporal takes ~75 µs a conversion.
 */
export interface ZoneClock {
  timeZone: string
  /** The instant `date` reaches `time` (`HH:MM`) on the wall, or its first instant without `time`. */
  at(date: string, time?: string): number
  /** The calendar date of an instant. */
  dateOf(instant: number): string
  /** `HH:MM` on the wall at an instant. */
  timeOf(instant: number): string
}

const clocks = new Map<string, ZoneClock>()

export function zoneClock(timeZone: string): ZoneClock {
  const known = clocks.get(timeZone)
  if (known) return known
  const instants = new Map<string, number>()
  const days: { date: string; start: number; end: number }[] = []
  const at = (date: string, time?: string) => {
    const key = time ? `${date}T${time}` : date
    let ms = instants.get(key)
    if (ms === undefined) {
      const d = Temporal.PlainDate.from(date)
      const z = time === undefined ? d.toZonedDateTime({ timeZone }) : d.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from(time) })
      ms = z.epochMilliseconds
      if (instants.size > 50_000) instants.clear()
      instants.set(key, ms)
    }
    return ms
  }
  const zoned = (instant: number) => Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone)
  const dateOf = (instant: number) => {
    for (const d of days) if (instant >= d.start && instant < d.end) return d.date
    const date = zoned(instant).toPlainDate().toString()
    if (days.length > 64) days.shift()
    days.push({ date, start: at(date), end: at(addDays(date, 1)) })
    return date
  }
  const timeOf = (instant: number) => zoned(instant).toPlainTime().toString().slice(0, 5)
  const clock = { timeZone, at, dateOf, timeOf }
  if (clocks.size > 50) clocks.clear()
  clocks.set(timeZone, clock)
  return clock
}

/** The instants a date runs from and to (end exclusive). */
export function dayInterval(clock: ZoneClock, date: string): Interval {
  return { start: clock.at(date), end: clock.at(addDays(date, 1)) }
}

/** The working intervals of a date, in order. */
export function workingIntervals(clock: ZoneClock, hours: WorkingHours, date: string): Interval[] {
  return (hours[weekdayOf(date)] ?? [])
    .map((r) => ({ start: clock.at(date, r.start), end: clock.at(date, r.end) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start)
}

/** The day off covering `date`, if any. */
export function dayOffOn(daysOff: readonly DayOff[], date: string): DayOff | undefined {
  return daysOff.find((d) => d.from <= date && date <= d.to)
}

/** The local dates an interval touches (its end is exclusive). */
export function datesTouched(clock: ZoneClock, i: Interval): string[] {
  const last = clock.dateOf(Math.max(i.start, i.end - 1))
  const dates = [clock.dateOf(i.start)]
  while (dates.at(-1)! < last) dates.push(addDays(dates.at(-1)!, 1))
  return dates
}

/** `free` minus the busy intervals, as ordered gaps. */
export function subtract(free: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const sorted = [...busy].sort((a, b) => a.start - b.start)
  const out: Interval[] = []
  for (const f of free) {
    let cursor = f.start
    for (const b of sorted) {
      if (b.end <= cursor || b.start >= f.end) continue
      if (b.start > cursor) out.push({ start: cursor, end: b.start })
      cursor = Math.max(cursor, b.end)
    }
    if (cursor < f.end) out.push({ start: cursor, end: f.end })
  }
  return out
}

export const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end
