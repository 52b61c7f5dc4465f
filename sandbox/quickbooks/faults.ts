/**
 * Sandbox-only fault injection, set with `POST /_sandbox/faults` (never part of Intuit's API).
 * Shares are probabilities from 0 to 1 applied to API requests (`/v3/company/…`), optionally
 * only to the named endpoints (`customer`, `invoice`, `payment`, `query`, `batch`, …).
 */
export interface Faults {
  /** Added before every API answer (while the request counts as in flight). */
  latencyMs: number
  /** Share answered HTTP 500 SystemFault without being processed. */
  errorRate: number
  /** Share answered HTTP 429 ThrottleExceeded without being processed. */
  throttleRate: number
  /** Share of successful writes stored and then left unanswered (connection closed). */
  dropRate: number
  /** Body of 429 answers: XML (as Intuit has been seen to send) or Intuit's JSON Fault. */
  throttleFormat: 'xml' | 'json'
  /** Sends `Retry-After` on 429s (Intuit documents none; off by default). */
  retryAfterSeconds: number | null
  /** false = "forgetful": a repeated requestid is executed again instead of replayed. */
  requestIdReplay: boolean
  endpoints: string[] | null
  /** 429s only for these endpoints (null: `endpoints`), e.g. a write's answer dropped and the lookup after it throttled. */
  throttleEndpoints: string[] | null
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  throttleRate: 0,
  dropRate: 0,
  throttleFormat: 'xml',
  retryAfterSeconds: null,
  requestIdReplay: true,
  endpoints: null,
  throttleEndpoints: null,
}

/** Merges a request body into the current faults; returns an error text for bad values. */
export function updateFaults(current: Faults, body: Record<string, unknown>): Faults | string {
  if (body.reset === true) return { ...NO_FAULTS }
  const next = { ...current }
  for (const key of ['errorRate', 'throttleRate', 'dropRate'] as const) {
    if (body[key] === undefined) continue
    const v = body[key]
    if (typeof v !== 'number' || v < 0 || v > 1) return `${key} must be a number from 0 to 1`
    next[key] = v
  }
  if (body.latencyMs !== undefined) {
    const v = body.latencyMs
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 600_000) return 'latencyMs must be whole milliseconds up to 600000'
    next.latencyMs = v
  }
  if (body.retryAfterSeconds !== undefined) {
    const v = body.retryAfterSeconds
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 3600)) return 'retryAfterSeconds must be whole seconds from 1 to 3600, or null'
    next.retryAfterSeconds = v as number | null
  }
  if (body.throttleFormat !== undefined) {
    if (body.throttleFormat !== 'xml' && body.throttleFormat !== 'json') return 'throttleFormat must be "xml" or "json"'
    next.throttleFormat = body.throttleFormat
  }
  if (body.requestIdReplay !== undefined) {
    if (typeof body.requestIdReplay !== 'boolean') return 'requestIdReplay must be true or false'
    next.requestIdReplay = body.requestIdReplay
  }
  for (const key of ['endpoints', 'throttleEndpoints'] as const) {
    if (body[key] === undefined) continue
    const v = body[key]
    if (v !== null && !(Array.isArray(v) && v.every((e) => typeof e === 'string'))) return `${key} must be a list of names or null`
    next[key] = v === null ? null : (v as string[]).map((e) => e.toLowerCase())
  }
  return next
}

export function applies(faults: Faults, endpoint: string, kind: 'any' | 'throttle' = 'any'): boolean {
  const list = kind === 'throttle' && faults.throttleEndpoints !== null ? faults.throttleEndpoints : faults.endpoints
  return list === null || list.includes(endpoint)
}
