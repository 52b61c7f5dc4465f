import type { DeclineReason, RetryAdvice } from '../ports/payment-gateway.ts'
import { addDays } from './billing-calendar.ts'

/**
 * When to try a failed invoice's charge again, by what the failure means (workflow 5):
 * - insufficient funds, do not honor, generic declines: on the company's schedule
 *   (e.g. 3 and 7 days after the first failure), then stop;
 * - expired, lost/stolen, closed or invalid accounts, stop-recurring: wait for new payment details;
 * - gateway trouble (nothing was charged): at the next run, a few times, then stop.
 * Nothing retries forever; a new card on file always retries at once.
 *
 * Retries are due on company-local calendar dates, never at instants: "3 days after the first
 * failure" is the date three days after the company's date of that failure, charged by that
 * day's run whatever its time (a daily automatic run at 06:00 retries on day 3, not on day 4
 * because day 3's run started minutes earlier in the day than the failure, or an hour earlier
 * after a daylight-saving change). The network's advice ("retry after 72 hours") is a minimum
 * counted the same way, in whole days from today, a part of a day counting as one.
 */
export type RetryDecision =
  | { state: 'scheduled'; nextRetryDate: string }
  | { state: 'soon'; nextRetryDate: string }
  | { state: 'needs_payment_method'; nextRetryDate: null }
  | { state: 'exhausted'; nextRetryDate: null }

export interface RetryPolicy {
  /** Days after the first failure, ascending, e.g. [3, 7]. */
  retryDays: readonly number[]
  maxSoonRetries: number
}

const DAY_MS = 86_400_000

/** Reasons that need new or corrected payment details before any retry. */
const NEEDS_NEW_DETAILS: ReadonlySet<DeclineReason> = new Set([
  'expired_card', 'lost_or_stolen', 'invalid_account', 'stop_recurring', 'cvv_mismatch', 'avs_mismatch', 'invalid_request',
])

/**
 * After a decline. `scheduledRetriesDone` counts earlier scheduled retries of this invoice;
 * `firstFailedOn` is the company's date of its first failure and `today` the company's date now.
 *
 * @example afterDecline('insufficient_funds', advice, { retryDays: [3, 7], maxSoonRetries: 5 }, 0, '2026-03-06', '2026-03-06')
 * // → { state: 'scheduled', nextRetryDate: '2026-03-09' } (across New York's DST change too)
 */
export function afterDecline(
  reason: DeclineReason,
  advice: RetryAdvice,
  policy: RetryPolicy,
  scheduledRetriesDone: number,
  firstFailedOn: string,
  today: string,
): RetryDecision {
  if (advice.kind !== 'retry_later' || NEEDS_NEW_DETAILS.has(reason)) return { state: 'needs_payment_method', nextRetryDate: null }
  const days = policy.retryDays[scheduledRetriesDone]
  if (days === undefined) return { state: 'exhausted', nextRetryDate: null }
  const onSchedule = addDays(firstFailedOn, days)
  // The network's own advice (e.g. Mastercard "retry after 4 days") is a minimum.
  const advised = addDays(today, Math.ceil(advice.afterMs / DAY_MS))
  return { state: 'scheduled', nextRetryDate: onSchedule > advised ? onSchedule : advised }
}

/** After a retryable gateway error (nothing charged): at the next run (today's included), up to `maxSoonRetries` times. */
export function afterGatewayError(policy: RetryPolicy, soonRetriesDone: number, today: string): RetryDecision {
  if (soonRetriesDone >= policy.maxSoonRetries) return { state: 'exhausted', nextRetryDate: null }
  return { state: 'soon', nextRetryDate: today }
}
