/** A declined charge's reason as the office reads it on an invoice, a notification and the billing run. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { DeclineReason } from '../ports/payment-gateway.ts'
import { declineReasonText } from './decline-text.ts'

test('each decline reason the gateway port reports reads in words', () => {
  const words: Record<DeclineReason | 'unknown', string> = {
    insufficient_funds: 'Insufficient funds',
    expired_card: 'Expired card',
    do_not_honor: 'Do not honor',
    lost_or_stolen: 'Lost or stolen card',
    invalid_account: 'Invalid account',
    refer_to_issuer: 'Refer to issuer',
    cvv_mismatch: 'CVV mismatch',
    avs_mismatch: 'Address mismatch',
    stop_recurring: 'Customer stopped recurring payments',
    invalid_request: 'Invalid request',
    not_found: 'Not found',
    not_allowed_in_state: 'Not allowed',
    other: 'Other',
    unknown: 'Unknown',
  }
  for (const [code, text] of Object.entries(words)) assert.equal(declineReasonText(code), text, code)
})

test('a code it does not know still reads, every underscore as a space', () => {
  assert.equal(declineReasonText('card_velocity_exceeded'), 'card velocity exceeded')
  assert.equal(declineReasonText('pickup'), 'pickup')
})
