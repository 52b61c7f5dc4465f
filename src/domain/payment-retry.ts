import type { DeclineReason, RetryAdvice } from '../ports/payment-gateway.ts'

/**
 * When to try a failed invoice's charge again, by what the failure means (workflow 5):
 * - insufficient funds, do not honor, generic declines: on the company's schedule
 *   (e.g. 3 and 7 days after the first failure), then stop;
 * - expired, lost/stolen, closed or invalid accounts, stop-recurring: wait for new payment details;
 * - gateway trouble (nothing was charged): soon, a few times, then stop.
 * Nothing retries forever; a new card on file always retries at once.
 */
export type RetryDecision =
  | { state: 'scheduled'; nextRetryAt: Date }
  | { state: 'soon'; nextRetryAt: Date }
  | { state: 'needs_payment_method'; nextRetryAt: null }
  | { state: 'exhausted'; nextRetryAt: null }

export interface RetryPolicy {
  /** Days after the first failure, ascending, e.g. [3, 7]. */
  retryDays: readonly number[]
  maxSoonRetries: number
}

const DAY = 86_400_000
const SOON_MS = 15 * 60_000

/** Reasons that need new or corrected payment details before any retry. */
const NEEDS_NEW_DETAILS: ReadonlySet<DeclineReason> = new Set([
  'expired_card', 'lost_or_stolen', 'invalid_account', 'stop_recurring', 'cvv_mismatch', 'avs_mismatch', 'invalid_request',
])

/**
 * After a decline. `scheduledRetriesDone` counts earlier scheduled retries of this invoice;
 * `firstFailedAt` is when its first attempt failed.
 */
export function afterDecline(
  reason: DeclineReason,
  advice: RetryAdvice,
  policy: RetryPolicy,
  scheduledRetriesDone: number,
  firstFailedAt: Date,
  now: Date,
): RetryDecision {
  if (advice.kind !== 'retry_later' || NEEDS_NEW_DETAILS.has(reason)) return { state: 'needs_payment_method', nextRetryAt: null }
  const days = policy.retryDays[scheduledRetriesDone]
  if (days === undefined) return { state: 'exhausted', nextRetryAt: null }
  const onSchedule = firstFailedAt.getTime() + days * DAY
  // The network's own advice (e.g. Mastercard "retry after 4 days") is a minimum.
  const at = Math.max(onSchedule, now.getTime() + advice.afterMs)
  return { state: 'scheduled', nextRetryAt: new Date(at) }
}

/** After a retryable gateway error (nothing charged): soon, up to `maxSoonRetries` times. */
export function afterGatewayError(policy: RetryPolicy, soonRetriesDone: number, afterMs: number, now: Date): RetryDecision {
  if (soonRetriesDone >= policy.maxSoonRetries) return { state: 'exhausted', nextRetryAt: null }
  return { state: 'soon', nextRetryAt: new Date(now.getTime() + Math.max(afterMs, SOON_MS * (soonRetriesDone + 1))) }
}
