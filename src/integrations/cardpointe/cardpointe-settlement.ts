import { cents } from '../../domain/money.ts'
import type { FundingEntry, GatewayReport, SettledTransaction } from '../../ports/payment-gateway.ts'
import { classifyTransport, fromWireAmount, isTxnNotFound, type WireResult } from './cardpointe-mapper.ts'

/**
 * Reading CardPointe's settlement status (`settlestat`) and funding answers into the port's
 * shapes. `settlestat` answers an array of batches, each with `batchid` and `txns` of
 * `{retref, amount, setlstat (Y accepted, N rejected…), salesdoc}`; `funding` answers an object
 * whose `txns` carry `retref`, `amount`, `type`, `date` and, for ACH returns, `achreturncode`.
 * [doc: external-apis.md A2 settlestat/funding, A6 ACH returns; docs/cardpointe-sandbox.md]
 */

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v)
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

/** The date as the gateway takes it: `MMDD` within the current year, else `YYYYMMDD`. */
export function wireDate(date: string, today: string): string {
  return date.slice(0, 4) === today.slice(0, 4) ? date.slice(5, 7) + date.slice(8, 10) : date.replace(/-/g, '')
}

/** A non-answer, or a gateway refusal (PPS body) where data was expected; null when the body is data. */
function failure(result: WireResult): GatewayReport<never> | null {
  if (result.kind !== 'http' || result.status !== 200) {
    const t = classifyTransport(result, { orderId: null, isWrite: false })
    return { status: 'unavailable', message: t && 'message' in t ? t.message : `CardPointe answered unexpectedly` }
  }
  if (isObj(result.body) && typeof result.body.respstat === 'string' && !isTxnNotFound(result.body)) {
    return { status: 'unavailable', message: `CardPointe refused the report: ${text(result.body.resptext) || text(result.body.respcode)}` }
  }
  return null
}

export function readSettlestat(result: WireResult, date: string): GatewayReport<SettledTransaction[]> {
  const failed = failure(result)
  if (failed) return failed
  const body = result.kind === 'http' ? result.body : null
  if (isTxnNotFound(body) || body === '' || body === null) return { status: 'ok', value: [] }
  if (!Array.isArray(body)) return { status: 'unavailable', message: 'CardPointe settlestat answered something other than a list of batches' }
  const value: SettledTransaction[] = []
  for (const batch of body) {
    if (!isObj(batch) || !Array.isArray(batch.txns)) continue
    for (const t of batch.txns) {
      const amount = isObj(t) ? fromWireAmount(text(t.amount)) : null
      if (!isObj(t) || !text(t.retref) || amount === null) return { status: 'unavailable', message: 'CardPointe settlestat listed a transaction without retref or amount' }
      value.push({ gatewayRef: text(t.retref), orderId: text(t.salesdoc) || null, batchId: text(batch.batchid), settledOn: date, amountCents: amount, accepted: text(t.setlstat).toUpperCase() === 'Y' })
    }
  }
  return { status: 'ok', value }
}

export function readFunding(result: WireResult, date: string): GatewayReport<FundingEntry[]> {
  const failed = failure(result)
  if (failed) return failed
  const body = result.kind === 'http' ? result.body : null
  if (isTxnNotFound(body) || body === '' || body === null) return { status: 'ok', value: [] }
  if (!isObj(body)) return { status: 'unavailable', message: 'CardPointe funding answered something other than an object' }
  const value: FundingEntry[] = []
  for (const t of Array.isArray(body.txns) ? body.txns : []) {
    const amount = isObj(t) ? fromWireAmount(text(t.amount)) : null
    if (!isObj(t) || !text(t.retref) || amount === null) return { status: 'unavailable', message: 'CardPointe funding listed a transaction without retref or amount' }
    const code = text(t.achreturncode).toUpperCase()
    value.push(
      code
        ? { kind: 'bank_return', gatewayRef: text(t.retref), returnedOn: date, amountCents: cents(Math.abs(amount)), returnCode: code, returnReason: text(t.achreturndescription) || code }
        : { kind: 'deposit', gatewayRef: text(t.retref), fundedOn: date, amountCents: amount },
    )
  }
  return { status: 'ok', value }
}
