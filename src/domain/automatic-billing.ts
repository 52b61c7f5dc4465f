import { localDate, localMinuteOfDay } from './time-zone.ts'

/**
 * When the daily automatic Bill all is due: the setting is on, the company's clock (its time zone)
 * has reached the set time today, and no automatic run has been made for today. Returns the
 * business day to run for, or null. A day the server was down until after the time is still run
 * when it comes back that day; a whole day missed is not run twice the next: each run bills every
 * period due by its day anyway.
 */
export function automaticRunDue(input: { on: boolean; time: string; timeZone: string; now: Date; lastAutomaticFor: string | null }): string | null {
  if (!input.on) return null
  const today = localDate(input.now, input.timeZone)
  if (input.lastAutomaticFor !== null && input.lastAutomaticFor >= today) return null
  const [hour, minute] = input.time.split(':').map(Number)
  return localMinuteOfDay(input.now, input.timeZone) >= hour! * 60 + minute! ? today : null
}

/** "HH:MM", 24-hour. */
export const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/
