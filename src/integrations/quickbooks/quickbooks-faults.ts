import type { AccountingOutcome, LedgerFault } from '../../ports/accounting.ts'

/**
 * QuickBooks answers → our outcomes. Intuit's error bodies are not uniform
 * [doc: external-apis.md B11, E4]: validation faults are `{"Fault":{"Error":[{Message,Detail,code}]}}`,
 * the authentication layer answers a lower-case `{"fault":{"error":[{message,detail,code}]}}`,
 * and throttling (429) has arrived as XML even to JSON clients. So: branch on the HTTP status
 * first, then read whichever body came, case-insensitively.
 */
export type WireAnswer =
  | { kind: 'http'; status: number; text: string; retryAfter: string | null }
  /** The request never left (connection refused, bad URL): nothing was done. */
  | { kind: 'not_sent'; message: string }
  /** Sent, but no answer (reset, timeout): a write may have been stored. */
  | { kind: 'no_answer'; message: string }

/** Without a Retry-After (Intuit documents none), wait out the one-minute window. */
export const DEFAULT_THROTTLE_WAIT_MS = 60_000
export const DEFAULT_RETRY_WAIT_MS = 5_000

/** The first error of any QuickBooks fault body (JSON in either case, or XML); null if none. */
export function parseFault(text: string): LedgerFault | null {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return parseXmlFault(text)
  }
  if (!json || typeof json !== 'object') return null
  const envelope = pick(json as Record<string, unknown>, 'fault')
  const errors = envelope && typeof envelope === 'object' ? pick(envelope as Record<string, unknown>, 'error') : null
  const first = Array.isArray(errors) ? (errors[0] as Record<string, unknown> | undefined) : null
  if (!first) return null
  const s = (k: string) => {
    const v = pick(first, k)
    return v === null || v === undefined ? '' : String(v)
  }
  return { code: s('code'), message: s('message'), detail: s('detail'), element: s('element') || null }
}

function parseXmlFault(text: string): LedgerFault | null {
  const error = /<Error\b([^>]*)>([\s\S]*?)<\/Error>/i.exec(text)
  if (!error) return null
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(error[1])?.[1] ?? ''
  const tag = (name: string) => decodeXml(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'i').exec(error[2])?.[1] ?? '')
  return { code: attr('code'), message: tag('Message'), detail: tag('Detail'), element: attr('element') || null }
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}

function pick(o: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(o).find((k) => k.toLowerCase() === key)
  return found === undefined ? undefined : o[found]
}

/** `Retry-After` as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
  const at = Date.parse(header)
  return Number.isFinite(at) ? Math.max(0, at - now) : null
}

const DUPLICATE_CODES = new Set(['6240', '6140'])

/**
 * The outcome of a failed answer. `isWrite` decides what an answer lost or a server error
 * means: for a write it may have been stored (indeterminate), for a read nothing happened.
 * 401 is reported as `unauthorized` here; the client refreshes once before passing it on.
 */
export function classifyFailure(answer: WireAnswer, { isWrite, requestId }: { isWrite: boolean; requestId: string | null }): AccountingOutcome<never> {
  if (answer.kind === 'not_sent') return { status: 'retryable', retryAfterMs: DEFAULT_RETRY_WAIT_MS, message: `QuickBooks was not reached: ${answer.message}` }
  if (answer.kind === 'no_answer') {
    return isWrite && requestId
      ? { status: 'indeterminate', requestId, message: `No answer from QuickBooks (${answer.message}); the write may have been stored` }
      : { status: 'retryable', retryAfterMs: DEFAULT_RETRY_WAIT_MS, message: `No answer from QuickBooks: ${answer.message}` }
  }
  const fault = parseFault(answer.text)
  const words = fault ? [fault.message, fault.detail].filter(Boolean).join(': ') : answer.text.slice(0, 300)
  if (answer.status === 429) return { status: 'rate_limited', retryAfterMs: retryAfterMs(answer.retryAfter) ?? DEFAULT_THROTTLE_WAIT_MS, message: words || 'ThrottleExceeded' }
  if (answer.status === 401 || answer.status === 403) return { status: 'unauthorized', needsReconnect: true, message: words || `HTTP ${answer.status}` }
  if (answer.status >= 500) {
    return isWrite && requestId
      ? { status: 'indeterminate', requestId, message: `QuickBooks answered HTTP ${answer.status} to a write (${words}); it may have been stored` }
      : { status: 'retryable', retryAfterMs: retryAfterMs(answer.retryAfter) ?? DEFAULT_RETRY_WAIT_MS, message: `QuickBooks answered HTTP ${answer.status}: ${words}` }
  }
  const ledgerFault = fault ?? { code: String(answer.status), message: `HTTP ${answer.status}`, detail: answer.text.slice(0, 500), element: null }
  if (DUPLICATE_CODES.has(ledgerFault.code)) return { status: 'duplicate', fault: ledgerFault }
  if (ledgerFault.code === '5010') return { status: 'stale', fault: ledgerFault }
  return { status: 'invalid', fault: ledgerFault, httpStatus: answer.status }
}
