import { randomInt } from 'node:crypto'
import { addDaysIso } from '../../src/domain/iso-date.ts'
import { localDate, localMinuteOfDay } from '../../src/domain/time-zone.ts'
import { formatAmount } from './amounts.ts'
import { ppsReply, type GatewayContext, type Reply } from './context.ts'
import type { AchReturn, Batch, SettlementState, Txn } from './ledger.ts'
import { ppsCode } from './response-codes.ts'

/**
 * Settlement batches and funding, as the vendor reports them:
 * - Everything `Queued for Capture` (sales, captures, refunds, ACH debits) is settled in one batch
 *   per merchant per day, closed at `closeAt` in the vendor's zone (Eastern); `POST
 *   /_sandbox/settle` closes one now. Settled txns become `Accepted`.
 * - `GET /settlestat?merchid&date=MMDD` (or `&batchid=`) lists the batches closed that day, each with
 *   its txns (`setlstat` Y accepted, `salesdoc` our order id) and charge/refund totals.
 * - `GET /funding?merchid&date=MMDD|YYYYMMDD` lists what was deposited that day: a batch is funded
 *   the day after it closed; an ACH debit returned by the customer's bank (fault switch
 *   `achReturnCode`, `achReturnAfterDays`) appears negative on its return date with `achreturncode`.
 *   Funding for a date is available only from that date on.
 * [doc: external-apis.md A2 (settlestat, funding), A6 (ACH returns); developer.cardpointe.com
 * Settlement Status and Funding services; field lists as documented, see docs/cardpointe-sandbox.md]
 */

/** NACHA return reasons for the codes the sandbox can inject. */
export const ACH_RETURN_REASONS: Record<string, string> = {
  R01: 'Insufficient Funds',
  R02: 'Account Closed',
  R03: 'No Account/Unable to Locate Account',
  R04: 'Invalid Account Number',
  R08: 'Payment Stopped',
  R09: 'Uncollected Funds',
  R10: 'Customer Advises Not Authorized',
  R16: 'Account Frozen',
  R20: 'Non-Transaction Account',
  R29: 'Corporate Customer Advises Not Authorized',
}

export const VENDOR_TIME_ZONE = 'America/New_York'
const isAch = (t: Txn) => t.accttype === 'ECHK' || t.accttype === 'ESAV'

/** Closes today's batch: every txn queued for capture is settled in it. Returns how many. */
export function closeBatch(ctx: GatewayContext, achReturn: { code: string; afterDays: number } | null): number {
  const now = ctx.now()
  const date = localDate(now, VENDOR_TIME_ZONE)
  const state = ctx.ledger.settlement()
  state.lastCloseDate = date
  const queued = ctx.ledger.txns().filter((t) => t.setlstat === 'Queued for Capture')
  if (queued.length > 0) {
    const batchid = String(1_900_000_000 + ctx.ledger.nextSeq() * 10 + randomInt(0, 10))
    for (const t of queued) {
      t.setlstat = 'Accepted'
      t.settledAt = now.toISOString()
      t.batchid = batchid
      if (achReturn && isAch(t) && t.type === 'auth') t.achReturn = { code: achReturn.code, on: addDaysIso(date, achReturn.afterDays) }
    }
    state.batches.push({ batchid, hostbatch: String(randomInt(1_000_000_000, 2_000_000_000)), merchid: ctx.merchid, date, closedAt: now.toISOString(), retrefs: queued.map((t) => t.retref) })
  }
  ctx.ledger.save()
  return queued.length
}

/** The once-a-day close: due once the vendor's clock has passed `closeAtMinute` on a day not yet closed. */
export function closeIfDue(ctx: GatewayContext, closeAtMinute: number, achReturn: { code: string; afterDays: number } | null): void {
  const now = ctx.now()
  if (ctx.ledger.settlement().lastCloseDate === localDate(now, VENDOR_TIME_ZONE)) return
  if (localMinuteOfDay(now, VENDOR_TIME_ZONE) < closeAtMinute) return
  closeBatch(ctx, achReturn)
}

/** `GET /settlestat?merchid=&date=MMDD` or `?merchid=&batchid=`: an array of batches (empty when none). */
export function handleSettlestat(ctx: GatewayContext, query: URLSearchParams): Reply {
  if (query.get('merchid') !== ctx.merchid) return ppsReply(ppsCode('21'))
  const batchid = query.get('batchid')
  const date = batchid ? null : vendorDate(ctx, query.get('date'))
  if (!batchid && !date) return ppsReply(ppsCode('34', 'Invalid field: date'))
  const batches = ctx.ledger.settlement().batches.filter((b) => b.merchid === ctx.merchid && (batchid ? b.batchid === batchid : b.date === date))
  return { json: batches.map((b) => batchJson(ctx, b)) }
}

function batchJson(ctx: GatewayContext, b: Batch): Record<string, unknown> {
  const txns = b.retrefs.map((r) => ctx.ledger.txns().find((t) => t.retref === r)!).filter(Boolean)
  const total = (type: Txn['type']) => txns.filter((t) => t.type === type).reduce((s, t) => s + t.amountCents, 0)
  return {
    respproc: ctx.processor,
    hostbatch: b.hostbatch,
    refundtotal: formatAmount(total('refund')),
    batchid: b.batchid,
    chargetotal: formatAmount(total('auth')),
    hoststat: 'GB',
    merchid: b.merchid,
    txns: txns.map((t) => ({ setlstat: 'Y', retref: t.retref, salesdoc: t.orderid ?? '', amount: formatAmount(t.amountCents) })),
  }
}

/** `GET /funding?merchid=&date=`: deposits (and ACH returns) of that vendor-local date. */
export function handleFunding(ctx: GatewayContext, query: URLSearchParams): Reply {
  if (query.get('merchid') !== ctx.merchid) return ppsReply(ppsCode('21'))
  const date = vendorDate(ctx, query.get('date'))
  if (!date) return ppsReply(ppsCode('34', 'Invalid field: date'))
  const today = localDate(ctx.now(), VENDOR_TIME_ZONE)
  const empty = { merchid: ctx.merchid, fundingdate: date, fundings: [], txns: [], adjustments: [] }
  if (date > today) return { json: empty }
  const all = ctx.ledger.txns()
  const funded = ctx.ledger.settlement().batches.filter((b) => b.merchid === ctx.merchid && addDaysIso(b.date, 1) === date)
  const fundingid = `${date.replace(/-/g, '')}${ctx.merchid.slice(-4)}`
  const txns: Record<string, unknown>[] = []
  for (const b of funded) {
    for (const r of b.retrefs) {
      const t = all.find((x) => x.retref === r)
      if (!t) continue
      const sign = t.type === 'refund' ? -1 : 1
      txns.push({ fundingmasterid: fundingid, fundingid, date: b.date, retref: t.retref, type: t.type === 'refund' ? 'Refund' : 'Sale', amount: formatAmount(sign * t.amountCents), currency: 'USD', status: 'Processed', batchid: b.batchid })
    }
  }
  for (const t of all) {
    if (t.merchid !== ctx.merchid || t.achReturn?.on !== date) continue
    txns.push({
      fundingmasterid: fundingid, fundingid, date, retref: t.retref, type: 'Return', amount: formatAmount(-t.amountCents), currency: 'USD', status: 'Returned',
      achreturncode: t.achReturn.code, achreturndescription: ACH_RETURN_REASONS[t.achReturn.code] ?? 'Returned', batchid: t.batchid,
    })
  }
  if (txns.length === 0) return { json: empty }
  const net = txns.reduce((s, t) => s + Math.round(Number(t.amount) * 100), 0)
  return {
    json: {
      ...empty,
      fundings: [{ fundingmasterid: fundingid, fundingid, merchid: ctx.merchid, fundingdate: date, netsales: formatAmount(net), totalamount: formatAmount(net), currency: 'USD', datechanged: ctx.now().toISOString() }],
      txns,
    },
  }
}

/** MMDD (this year, in the vendor's zone) or YYYYMMDD as `YYYY-MM-DD`; null when not a date. */
function vendorDate(ctx: GatewayContext, value: string | null): string | null {
  const m = /^(\d{4})?(\d{2})(\d{2})$/.exec(value ?? '')
  if (!m) return null
  const year = m[1] ?? localDate(ctx.now(), VENDOR_TIME_ZONE).slice(0, 4)
  const iso = `${year}-${m[2]}-${m[3]}`
  return Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso ? null : iso
}
