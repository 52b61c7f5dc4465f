/** A declined charge's reason (the gateway port's `DeclineReason`, as stored in `invoices.failure_code`) in words. */
const REASONS: Record<string, string> = {
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

/** `declineReasonText('expired_card')` → "Expired card"; an unknown code with its underscores as spaces. */
export const declineReasonText = (code: string) => REASONS[code] ?? code.replace(/_/g, ' ')
