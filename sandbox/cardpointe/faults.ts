/**
 * Sandbox-only fault injection, set with `POST /_sandbox/faults`. Shares are probabilities
 * from 0 to 1 applied to gateway requests (`/cardconnect/rest/...`); every fault, latency
 * included, applies only to the named endpoints when `endpoints` is set (`auth`, `capture`,
 * `void`, `refund`, `voidByOrderId`, `profile`, `inquire`, `inquireByOrderid`).
 */
export interface Faults {
  /** Time the gateway takes before it processes a request (the body has arrived; the answer follows the processing). */
  latencyMs: number
  /** Share answered HTTP 500 without being processed. */
  errorRate: number
  /** Share never answered and not processed; the connection is closed after `hangMs`. */
  timeoutRate: number
  /** Share of approved writes whose connection is closed after the result is recorded. */
  dropApprovedRate: number
  /**
   * Share of requests whose client hangs up (read timeout) before they are processed that the
   * gateway processes anyway: charged and recorded, the answer sent to no one. The others are
   * dropped unprocessed, as a request the gateway never got to.
   */
  processAfterHangupRate: number
  hangMs: number
  endpoints: string[] | null
  /** ACH debits settled while set are returned by the bank with this R-code (`R01`…), shown by `funding`. */
  achReturnCode: string | null
  /** Days after settlement the return is reported (its funding date). */
  achReturnAfterDays: number
  /**
   * Declined card charges (auth answers with `respstat` C) carry this merchant advice code
   * (`merchAdviceCode` and `merchAdviceText`), as issuers send on recurring charges: `24`…`30`
   * retry after 1 hour … 10 days, `01` new account information, `02` try again later, `03`,
   * `21`, `R0`, `R1`, `R3` stop.
   */
  merchAdviceCode: string | null
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, timeoutRate: 0, dropApprovedRate: 0, processAfterHangupRate: 0, hangMs: 120_000, endpoints: null, achReturnCode: null, achReturnAfterDays: 2, merchAdviceCode: null }

/** Merges a request body into the current faults; returns an error text for bad values. */
export function updateFaults(current: Faults, body: Record<string, unknown>): Faults | string {
  if (body.reset === true) return { ...NO_FAULTS }
  const next = { ...current }
  for (const key of ['errorRate', 'timeoutRate', 'dropApprovedRate', 'processAfterHangupRate'] as const) {
    if (body[key] === undefined) continue
    const v = body[key]
    if (typeof v !== 'number' || v < 0 || v > 1) return `${key} must be a number from 0 to 1`
    next[key] = v
  }
  for (const key of ['latencyMs', 'hangMs'] as const) {
    if (body[key] === undefined) continue
    const v = body[key]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 600_000) return `${key} must be whole milliseconds`
    next[key] = v
  }
  if (body.achReturnCode !== undefined) {
    const v = body.achReturnCode
    if (v !== null && !(typeof v === 'string' && /^R\d{2}$/.test(v))) return 'achReturnCode must be an ACH return code such as R01, or null'
    next.achReturnCode = v
  }
  if (body.achReturnAfterDays !== undefined) {
    const v = body.achReturnAfterDays
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 60) return 'achReturnAfterDays must be whole days from 0 to 60'
    next.achReturnAfterDays = v
  }
  if (body.merchAdviceCode !== undefined) {
    const v = body.merchAdviceCode
    if (v !== null && !(typeof v === 'string' && v in MERCH_ADVICE_TEXT)) return `merchAdviceCode must be one of ${Object.keys(MERCH_ADVICE_TEXT).join(', ')}, or null`
    next.merchAdviceCode = v
  }
  if (body.endpoints !== undefined) {
    const v = body.endpoints
    if (v !== null && !(Array.isArray(v) && v.every((e) => typeof e === 'string'))) return 'endpoints must be a list of names or null'
    next.endpoints = v as string[] | null
  }
  return next
}

/** Merchant advice codes (Mastercard MAC, Visa's equivalents) and their texts. [doc: CP-REPO OpenAPI `merchAdviceCode`; external-apis.md A5] */
export const MERCH_ADVICE_TEXT: Record<string, string> = {
  '01': 'New account information available',
  '02': 'Cannot approve at this time, try again later',
  '03': 'Do not try again',
  '21': 'Payment cancellation',
  R0: 'Stop payment order',
  R1: 'Revocation of authorization order',
  R3: 'Revocation of all authorizations order',
  '24': 'Retry after 1 hour',
  '25': 'Retry after 24 hours',
  '26': 'Retry after 2 days',
  '27': 'Retry after 4 days',
  '28': 'Retry after 6 days',
  '29': 'Retry after 8 days',
  '30': 'Retry after 10 days',
}

export function applies(faults: Faults, endpoint: string): boolean {
  return faults.endpoints === null || faults.endpoints.includes(endpoint)
}
