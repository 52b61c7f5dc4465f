import { randomBytes } from 'node:crypto'
import { cents, type Cents } from '../../domain/money.ts'
import type { Approved, Declined, Misconfigured, Retryable } from '../../ports/payment-gateway.ts'
import { adviceFor, reasonFor } from './cardpointe-declines.ts'

/**
 * Pure mapping between CardPointe's wire format and our vocabulary: amounts, order ids,
 * tolerant response parsing and outcome classification.
 */

/**
 * WARNING: CardPointe reads an amount WITHOUT a decimal point as minor units ("100" = $1.00)
 * and one with a point as dollars ("1.00"). We always send dollars with exactly two decimals,
 * the one form nobody can misread; responses always come back as decimals.
 * [doc: CP-REPO OpenAPI `authRequest.amount`; external-apis.md A4]
 */
export function toWireAmount(amount: Cents): string {
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(amount)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** Reads a response amount ("10.00", "5", "0.5") into cents; null when it is not a decimal. */
export function fromWireAmount(value: string | undefined): Cents | null {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec((value ?? '').trim())
  if (!m) return null
  const abs = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(abs) ? cents(m[1] === '-' ? -abs : abs) : null
}

/**
 * A new order id: 19 characters at most (the ACH guide's limit; the API allows 50), starting
 * with letters so it can never pass a Luhn check — the gateway masks Luhn-valid order ids as
 * card numbers, after which inquire/void by order id fail. [doc: external-apis.md A4, D10]
 */
export function newOrderId(now: Date = new Date()): string {
  for (;;) {
    const id = `sb${now.getTime().toString(36)}${randomBytes(8).toString('hex')}`.slice(0, 19)
    if (isSafeOrderId(id)) return id
  }
}

/** True for an order id the gateway will keep as is: 1–19 safe characters, no card-like digit run. */
export function isSafeOrderId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,19}$/.test(id) && !/\d{12,}/.test(id)
}

/** The response fields we use; everything else (and UAT's junk fields) is ignored. */
export interface CardPointeFields {
  respstat?: string
  respcode?: string
  resptext?: string
  respproc?: string
  retref?: string
  token?: string
  account?: string
  amount?: string
  authcode?: string
  expiry?: string
  orderId?: string
  profileid?: string
  acctid?: string
  accttype?: string
  defaultacct?: string
  lastfour?: string
  setlstat?: string
  voidable?: string
  refundable?: string
  declineCategory?: string
  merchAdviceCode?: string
}

const FIELD_NAMES: Array<keyof CardPointeFields> = [
  'respstat', 'respcode', 'resptext', 'respproc', 'retref', 'token', 'account', 'amount', 'authcode', 'expiry',
  'orderId', 'profileid', 'acctid', 'accttype', 'defaultacct', 'lastfour', 'setlstat', 'voidable', 'refundable',
  'declineCategory', 'merchAdviceCode',
]

/**
 * Picks the known fields out of one response object, in any order, ignoring unknown ones;
 * numbers become strings. Null when `value` is not an object.
 * NOTE: UAT shuffles fields and injects junk on purpose [doc: external-apis.md A2].
 */
export function parseFields(value: unknown): CardPointeFields | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const raw = value as Record<string, unknown>
  const out: CardPointeFields = {}
  for (const name of FIELD_NAMES) {
    const v = raw[name] ?? (name === 'orderId' ? raw.orderid : undefined)
    if (typeof v === 'string') out[name] = v.trim()
    else if (typeof v === 'number' && Number.isFinite(v)) out[name] = String(v)
  }
  return out
}

/**
 * True for the gateway's "Txn not found" (PPS 29) however it arrives: as the usual JSON object,
 * as a one-element array, or as bare text.
 */
export function isTxnNotFound(body: unknown): boolean {
  if (typeof body === 'string') return /^\s*"?txn not found"?\s*$/i.test(body)
  const list = parseFieldList(body)
  return list !== null && list.length === 1 && list[0].respproc === 'PPS' && list[0].respcode === '29'
}

/** A body that may be one object or an array of them (inquireByOrderid, profile GET). */
export function parseFieldList(value: unknown): CardPointeFields[] | null {
  if (Array.isArray(value)) {
    const items = value.map(parseFields)
    return items.every((i): i is CardPointeFields => i !== null) ? items : null
  }
  const one = parseFields(value)
  return one ? [one] : null
}

export function codesOf(f: CardPointeFields) {
  return { respstat: f.respstat, respcode: f.respcode, resptext: f.resptext, respproc: f.respproc }
}

/** PPS codes that mean our configuration is wrong: invalid merchant, currency not the merchant's. */
const MISCONFIGURED_PPS = new Set(['21', '31', '32'])

export interface ClassifyContext {
  orderId: string | null
  /** The amount asked for; an approval for less is partial. */
  requestedCents?: Cents
}

/**
 * Classifies a gateway answer by `respstat` — A approved, B retry, C declined — never by the
 * HTTP status (declines are HTTP 200) nor by `respcode` alone, whose meaning depends on
 * `respproc`. [doc: CP-REPO GatewayResponseCodes.md; external-apis.md A5–A6]
 */
export function classifyFields(f: CardPointeFields, ctx: ClassifyContext): Approved | Declined | Retryable | Misconfigured {
  const codes = codesOf(f)
  const orderId = f.orderId || ctx.orderId
  if (f.respproc === 'PPS' && MISCONFIGURED_PPS.has(f.respcode ?? '')) {
    return { status: 'misconfigured', message: `CardPointe: ${f.resptext ?? 'rejected'} (PPS ${f.respcode})`, httpStatus: 200, codes }
  }
  switch (f.respstat) {
    case 'A': {
      const amount = fromWireAmount(f.amount) ?? ctx.requestedCents ?? cents(0)
      return {
        status: 'approved',
        orderId,
        gatewayRef: f.retref || null,
        authCode: f.authcode || null,
        amountCents: amount,
        isPartial: ctx.requestedCents !== undefined && amount < ctx.requestedCents,
        token: f.token || null,
        lastFour: lastFourOf(f),
        expiry: toMmyy(f.expiry),
        profileId: f.profileid || null,
        accountId: f.acctid || null,
        codes,
      }
    }
    case 'B':
      return { status: 'retryable', orderId, gatewayRef: f.retref || null, afterMs: 30_000, message: `CardPointe: ${f.resptext ?? 'retry'}`, codes }
    case 'C': {
      const reason = reasonFor(f.respproc ?? '', f.respcode ?? '')
      return {
        status: 'declined',
        orderId,
        gatewayRef: f.retref || null,
        reason,
        retry: adviceFor(reason, f.declineCategory, f.merchAdviceCode),
        message: f.resptext ?? 'Declined',
        codes: { ...codes, declineCategory: f.declineCategory, merchAdviceCode: f.merchAdviceCode },
      }
    }
    default:
      return { status: 'misconfigured', message: `CardPointe answered without a known respstat: ${String(f.respstat)}`, httpStatus: 200, codes }
  }
}

function lastFourOf(f: CardPointeFields): string | null {
  if (f.lastfour) return f.lastfour
  const source = f.token || f.account
  return source && /\d{4}$/.test(source) ? source.slice(-4) : null
}

/** Expiry in any vendor form (MMYY, YYYYMM, YYYYMMDD) as MMYY. */
export function toMmyy(value: string | undefined): string | null {
  const v = (value ?? '').trim()
  if (/^(0[1-9]|1[0-2])\d{2}$/.test(v)) return v
  const m = /^\d{2}(\d{2})(0[1-9]|1[0-2])(\d{2})?$/.exec(v)
  return m ? `${m[2]}${m[1]}` : null
}

/** What one HTTP exchange with the gateway produced (made by the client, classified here). */
export type WireResult =
  | { kind: 'http'; status: number; body: unknown; retryAfterSeconds: number | null }
  /** Refused or unresolvable before anything was sent. */
  | { kind: 'not_sent'; message: string }
  /** Sent (or maybe sent) but no complete answer: read timeout, connection dropped. */
  | { kind: 'no_answer'; message: string }

/**
 * Classifies everything that is not a gateway answer to read. `isWrite` marks requests that
 * may change money or profiles: losing their answer is `indeterminate` (it may have happened),
 * never `retryable`. Returns null when the body should be classified from its fields.
 * [doc: external-apis.md A2, A8]
 */
export function classifyTransport(
  result: WireResult,
  { orderId, isWrite }: { orderId: string | null; isWrite: boolean },
): Retryable | Misconfigured | { status: 'indeterminate'; orderId: string | null; message: string } | null {
  const none = { respstat: undefined, respcode: undefined, resptext: undefined, respproc: undefined }
  if (result.kind === 'not_sent') {
    return { status: 'retryable', orderId, gatewayRef: null, afterMs: 5_000, message: `CardPointe unreachable: ${result.message}`, codes: none }
  }
  if (result.kind === 'no_answer') {
    return isWrite
      ? { status: 'indeterminate', orderId, message: `No answer from CardPointe (${result.message}); look the order up before anything else` }
      : { status: 'retryable', orderId, gatewayRef: null, afterMs: 5_000, message: `No answer from CardPointe: ${result.message}`, codes: none }
  }
  const { status } = result
  if (status === 401 || status === 403) {
    return { status: 'misconfigured', message: `CardPointe rejected the API credentials (HTTP ${status})`, httpStatus: status, codes: none }
  }
  if (status === 429) {
    const afterMs = (result.retryAfterSeconds ?? 60) * 1000
    return { status: 'retryable', orderId, gatewayRef: null, afterMs, message: 'CardPointe rate limit (HTTP 429)', codes: none }
  }
  if (status >= 500) {
    return isWrite
      ? { status: 'indeterminate', orderId, message: `CardPointe server error (HTTP ${status}); the request may have been processed` }
      : { status: 'retryable', orderId, gatewayRef: null, afterMs: 30_000, message: `CardPointe server error (HTTP ${status})`, codes: none }
  }
  if (status !== 200) {
    return { status: 'misconfigured', message: `CardPointe answered HTTP ${status}: wrong URL or a request it cannot read`, httpStatus: status, codes: none }
  }
  if (parseFieldList(result.body) === null) {
    return isWrite
      ? { status: 'indeterminate', orderId, message: 'CardPointe answered HTTP 200 with an unreadable body' }
      : { status: 'misconfigured', message: 'CardPointe answered HTTP 200 with an unreadable body', httpStatus: 200, codes: none }
  }
  return null
}
