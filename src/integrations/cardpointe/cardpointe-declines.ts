import type { DeclineReason, RetryAdvice } from '../../ports/payment-gateway.ts'

/**
 * Decline reasons and retry advice from CardPointe codes.
 * NOTE: the same reason has a different `respcode` per processor (`respproc`): insufficient
 * funds is RPCT 116, FNOR NU, Vantiv 51. [doc: CP-REPO GatewayResponseCodes.md; external-apis.md A6]
 */

const HOUR = 3_600_000
const DAY = 24 * HOUR

const BY_PROCESSOR: Record<string, Record<string, DeclineReason>> = {
  PPS: {
    '11': 'invalid_account', '99': 'invalid_account', '98': 'invalid_account', '16': 'expired_card',
    '17': 'invalid_request', '35': 'invalid_request', '34': 'invalid_request', '41': 'invalid_request',
    '42': 'invalid_request', '43': 'invalid_request', '46': 'invalid_request', '37': 'cvv_mismatch',
    '38': 'cvv_mismatch', '101': 'avs_mismatch', '29': 'not_found', '96': 'not_found', '27': 'not_allowed_in_state',
    '28': 'not_allowed_in_state', '39': 'not_allowed_in_state',
  },
  RPCT: {
    '116': 'insufficient_funds', '101': 'expired_card', '100': 'do_not_honor', '107': 'refer_to_issuer',
    '208': 'lost_or_stolen', '209': 'lost_or_stolen', '704': 'lost_or_stolen', '131': 'invalid_account',
    '790': 'stop_recurring', '791': 'stop_recurring',
  },
  FNOR: {
    NU: 'insufficient_funds', '54': 'expired_card', '05': 'do_not_honor', '01': 'refer_to_issuer',
    '60': 'lost_or_stolen', '14': 'invalid_account',
  },
  VANT: {
    '51': 'insufficient_funds', '33': 'expired_card', '05': 'do_not_honor', '02': 'refer_to_issuer',
    '41': 'lost_or_stolen', '43': 'lost_or_stolen', '04': 'lost_or_stolen', '14': 'invalid_account',
  },
  AMEX: {
    '116': 'insufficient_funds', '101': 'expired_card', '100': 'do_not_honor', '107': 'refer_to_issuer',
    '200': 'lost_or_stolen', '111': 'invalid_account',
  },
  // ProfitStars ACH: 99 is "The RoutingNumber (…) is not a valid routing number" in UAT.
  PSTR: { '99': 'invalid_account' },
}

export function reasonFor(respproc: string, respcode: string): DeclineReason {
  return BY_PROCESSOR[respproc]?.[respcode] ?? 'other'
}

/**
 * Mastercard/Visa merchant advice codes on declined recurring charges: stop, update, or wait.
 * [doc: CP-REPO OpenAPI `merchAdviceCode`; external-apis.md A5]
 */
const MERCHANT_ADVICE: Record<string, RetryAdvice> = {
  '01': { kind: 'update_payment_method' },
  '02': { kind: 'retry_later', afterMs: 3 * DAY },
  '03': { kind: 'do_not_retry' },
  '21': { kind: 'do_not_retry' },
  R0: { kind: 'do_not_retry' },
  R1: { kind: 'do_not_retry' },
  R3: { kind: 'do_not_retry' },
  '24': { kind: 'retry_later', afterMs: HOUR },
  '25': { kind: 'retry_later', afterMs: DAY },
  '26': { kind: 'retry_later', afterMs: 2 * DAY },
  '27': { kind: 'retry_later', afterMs: 4 * DAY },
  '28': { kind: 'retry_later', afterMs: 6 * DAY },
  '29': { kind: 'retry_later', afterMs: 8 * DAY },
  '30': { kind: 'retry_later', afterMs: 10 * DAY },
}

/** Visa decline categories: 1 do not retry (this card), 2 wait to retry, 3 fix and retry. */
const DECLINE_CATEGORY: Record<string, RetryAdvice> = {
  '1': { kind: 'update_payment_method' },
  '2': { kind: 'retry_later', afterMs: DAY },
  '3': { kind: 'update_payment_method' },
}

/** Project choices where the network gives no advice. */
const BY_REASON: Record<DeclineReason, RetryAdvice> = {
  insufficient_funds: { kind: 'retry_later', afterMs: 3 * DAY },
  do_not_honor: { kind: 'retry_later', afterMs: DAY },
  other: { kind: 'retry_later', afterMs: DAY },
  expired_card: { kind: 'update_payment_method' },
  lost_or_stolen: { kind: 'update_payment_method' },
  invalid_account: { kind: 'update_payment_method' },
  refer_to_issuer: { kind: 'update_payment_method' },
  cvv_mismatch: { kind: 'update_payment_method' },
  avs_mismatch: { kind: 'update_payment_method' },
  stop_recurring: { kind: 'do_not_retry' },
  invalid_request: { kind: 'do_not_retry' },
  not_found: { kind: 'do_not_retry' },
  not_allowed_in_state: { kind: 'do_not_retry' },
}

/** Merchant advice code first (most specific), then the Visa category, then the reason. */
export function adviceFor(reason: DeclineReason, declineCategory?: string, merchAdviceCode?: string): RetryAdvice {
  return (
    (merchAdviceCode ? MERCHANT_ADVICE[merchAdviceCode] : undefined) ??
    (declineCategory ? DECLINE_CATEGORY[declineCategory] : undefined) ??
    BY_REASON[reason]
  )
}
