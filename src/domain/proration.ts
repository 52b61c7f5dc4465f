import { daysBetween } from './renewal-reminders.ts'

/**
 * A prorated refund when an agreement closes mid-period. Pure, integer cents. Rules:
 * - Service runs through the end of the closing day (`lastServiceDay`); the days after it, up to
 *   the period's exclusive end, are unused.
 * - A period that starts after the closing day is wholly unused; one that ended is wholly used.
 * - Refund = paid × unused days ÷ days in the period, rounded half up to the cent once.
 *
 * @example proratedRefund({ paidCents: 3100, periodStart: '2027-03-01', periodEnd: '2027-04-01', lastServiceDay: '2027-03-10' })
 * // → { refundCents: 2100, unusedDays: 21, periodDays: 31 }
 */
export function proratedRefund(o: { paidCents: number; periodStart: string; periodEnd: string; lastServiceDay: string }) {
  const periodDays = daysBetween(o.periodStart, o.periodEnd)
  if (periodDays <= 0 || o.paidCents <= 0) return { refundCents: 0, unusedDays: 0, periodDays: Math.max(0, periodDays) }
  const unusedDays = Math.min(periodDays, Math.max(0, daysBetween(o.lastServiceDay, o.periodEnd) - 1))
  const refundCents = Math.floor((o.paidCents * unusedDays * 2 + periodDays) / (2 * periodDays))
  return { refundCents, unusedDays, periodDays }
}
