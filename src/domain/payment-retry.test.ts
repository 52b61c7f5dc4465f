/**
 * Retry plans. Covers: the schedule counted in company dates from the first failure's date
 * (across a daylight-saving change, where 72 hours is not three days at the same clock time),
 * the network's advice as a minimum in whole days (a part of a day counts as one), giving up
 * after the last scheduled retry, reasons that wait for new details, gateway errors retried at
 * the next run; and, as a property, that a scheduled retry is never before its schedule day,
 * never before the advice allows, and after today unless the advice is zero.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import type { RetryAdvice } from '../ports/payment-gateway.ts'
import { addDays } from './billing-calendar.ts'
import { afterDecline, afterGatewayError } from './payment-retry.ts'

const policy = { retryDays: [3, 7], maxSoonRetries: 2 }
const DAY = 86_400_000
const later = (afterMs: number): RetryAdvice => ({ kind: 'retry_later', afterMs })

test('retries fall on the company dates 3 and 7 days after the first failure, then stop', () => {
  // New York moves its clocks on Mar 8: the dates do not care.
  assert.deepEqual(afterDecline('insufficient_funds', later(3 * DAY), policy, 0, '2026-03-06', '2026-03-06'), { state: 'scheduled', nextRetryDate: '2026-03-09' })
  assert.deepEqual(afterDecline('insufficient_funds', later(3 * DAY), policy, 1, '2026-03-06', '2026-03-09'), { state: 'scheduled', nextRetryDate: '2026-03-13' })
  assert.deepEqual(afterDecline('insufficient_funds', later(3 * DAY), policy, 2, '2026-03-06', '2026-03-13'), { state: 'exhausted', nextRetryDate: null })
  // Month and year ends are plain calendar arithmetic.
  assert.equal(afterDecline('do_not_honor', later(0), policy, 0, '2026-12-30', '2026-12-30').nextRetryDate, '2027-01-02')
})

test("the network's advice is a minimum in whole days from today", () => {
  // Mastercard "retry after 4 days" on the first failure: day 4, not the schedule's day 3.
  assert.equal(afterDecline('do_not_honor', later(4 * DAY), policy, 0, '2026-12-01', '2026-12-01').nextRetryDate, '2026-12-05')
  // "After 1 hour" or "after 24 hours" never pulls a retry before the schedule.
  assert.equal(afterDecline('do_not_honor', later(3_600_000), policy, 0, '2026-12-01', '2026-12-01').nextRetryDate, '2026-12-04')
  // A late retry (the run was missed) with 3 days' advice: three days from today.
  assert.equal(afterDecline('insufficient_funds', later(3 * DAY), policy, 1, '2026-12-01', '2026-12-06').nextRetryDate, '2026-12-09')
  // A part of a day counts as a whole one.
  assert.equal(afterDecline('insufficient_funds', later(DAY + 1), { ...policy, retryDays: [1] }, 0, '2026-12-01', '2026-12-01').nextRetryDate, '2026-12-03')
})

test('reasons that need new details wait for them; gateway errors go to the next run, a few times', () => {
  for (const reason of ['expired_card', 'lost_or_stolen', 'invalid_account', 'stop_recurring', 'cvv_mismatch', 'avs_mismatch', 'invalid_request'] as const) {
    assert.deepEqual(afterDecline(reason, later(DAY), policy, 0, '2026-12-01', '2026-12-01'), { state: 'needs_payment_method', nextRetryDate: null })
  }
  for (const reason of ['insufficient_funds', 'do_not_honor', 'refer_to_issuer', 'other'] as const) {
    assert.equal(afterDecline(reason, later(DAY), policy, 0, '2026-12-01', '2026-12-01').state, 'scheduled', `${reason} is retried on the schedule`)
  }
  assert.deepEqual(afterDecline('insufficient_funds', { kind: 'update_payment_method' }, policy, 0, '2026-12-01', '2026-12-01'), { state: 'needs_payment_method', nextRetryDate: null })
  assert.deepEqual(afterGatewayError(policy, 0, '2026-12-01'), { state: 'soon', nextRetryDate: '2026-12-01' })
  assert.deepEqual(afterGatewayError(policy, 2, '2026-12-01'), { state: 'exhausted', nextRetryDate: null })
})

test('property: a scheduled retry is on or after its schedule day and the advice, and after today', () => {
  const dateArb = fc.integer({ min: 0, max: 3650 }).map((n) => Temporal.PlainDate.from('2024-01-01').add({ days: n }).toString())
  fc.assert(
    fc.property(
      dateArb,
      fc.integer({ min: 0, max: 20 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }).map((d) => d.sort((a, b) => a - b)),
      fc.integer({ min: 0, max: 10 * DAY }),
      fc.nat(6),
      (first, elapsed, retryDays, afterMs, done) => {
        const today = addDays(first, elapsed)
        const d = afterDecline('insufficient_funds', later(afterMs), { retryDays, maxSoonRetries: 0 }, done, first, today)
        if (done >= retryDays.length) return assert.equal(d.state, 'exhausted')
        assert.equal(d.state, 'scheduled')
        const next = d.nextRetryDate!
        assert.ok(next >= addDays(first, retryDays[done]!))
        assert.ok(next >= addDays(today, Math.ceil(afterMs / DAY)))
        assert.ok(next > today || afterMs === 0, 'only an advice of zero may retry today')
      },
    ),
    { numRuns: 2000 },
  )
})
