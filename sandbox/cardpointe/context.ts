import { randomInt } from 'node:crypto'
import { formatAmount } from './amounts.ts'
import type { Ledger, LedgerEvent, Txn } from './ledger.ts'
import type { Code, Processor } from './response-codes.ts'

/** What every gateway handler needs: the books, the merchant and the emulated processor. */
export interface GatewayContext {
  ledger: Ledger
  merchid: string
  processor: Processor
  timeoutDelayMs: number
  /** Expiry captured with a token by the iFrame, kept ≤ 2 minutes or until first use [doc: A13]. */
  pendingExpiry: Map<string, { expiry: string; at: number }>
  now(): Date
}

/** A handler's answer: JSON body, optional delay before sending, and whether it was an approved write. */
export interface Reply {
  status?: number
  json: unknown
  delayMs?: number
  approvedWrite?: boolean
}

export type Body = Record<string, unknown>

/** A request field as a trimmed string ('' when absent); numbers are accepted as their text. */
export function str(body: Body, key: string): string {
  const v = body[key]
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : ''
}

/** Twelve-digit retrieval reference, unique for this ledger. */
export function newRetref(ctx: GatewayContext): string {
  return String(100_000_000_000 + ctx.ledger.nextSeq() * 7 + randomInt(0, 7))
}

export function newAuthcode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

/** `YYYYMMDDHHMMSS`, the form inquire uses for capture and settle dates. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/[-T:]/g, '').slice(0, 14)
}

export function codeFields(code: Code): Record<string, string> {
  return { respstat: code.respstat, respcode: code.respcode, resptext: code.resptext, respproc: code.respproc }
}

export function recordEvent(ctx: GatewayContext, type: LedgerEvent['type'], txn: Txn, amountCents: number, code?: Code): void {
  ctx.ledger.addEvent({
    at: ctx.now().toISOString(),
    type,
    retref: txn.retref,
    orderid: txn.orderid,
    merchid: txn.merchid,
    amount: formatAmount(amountCents),
    amountCents,
    ...(type === 'auth' || type === 'refund' ? { requested: formatAmount(txn.requestedCents) } : {}),
    respstat: code?.respstat ?? txn.respstat,
    respcode: code?.respcode ?? txn.respcode,
    resptext: code?.resptext ?? txn.resptext,
    status: txn.setlstat,
    ...(type === 'auth' ? txn.indicators : {}),
  })
}

/** A "declined by the gateway" body (respproc PPS), with the retref when one is known. */
export function ppsReply(code: Code, extra: Record<string, unknown> = {}): Reply {
  return { json: { ...codeFields(code), ...extra } }
}
