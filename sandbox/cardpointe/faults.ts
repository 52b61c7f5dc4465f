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
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, timeoutRate: 0, dropApprovedRate: 0, processAfterHangupRate: 0, hangMs: 120_000, endpoints: null, achReturnCode: null, achReturnAfterDays: 2 }

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
  if (body.endpoints !== undefined) {
    const v = body.endpoints
    if (v !== null && !(Array.isArray(v) && v.every((e) => typeof e === 'string'))) return 'endpoints must be a list of names or null'
    next.endpoints = v as string[] | null
  }
  return next
}

export function applies(faults: Faults, endpoint: string): boolean {
  return faults.endpoints === null || faults.endpoints.includes(endpoint)
}

export function roll(share: number): boolean {
  return share > 0 && Math.random() < share
}
