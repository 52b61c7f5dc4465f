import { formatAmount, parseWireAmount } from './amounts.ts'
import { codeFields, newRetref, ppsReply, recordEvent, stamp, str, type Body, type GatewayContext, type Reply } from './context.ts'
import type { Txn } from './ledger.ts'
import { amountDrivenCode, codeFor, ppsCode } from './response-codes.ts'

/**
 * Capture, void, refund and inquiries, following the settlement-state rules:
 * void (full or partial) while Authorized, only full once Queued for Capture, never after
 * settlement (refund instead); refunds only once settled, as new retrefs; inquire reports
 * `voidable`/`refundable`. [doc: CP-REPO OpenAPI; external-apis.md A7]
 */

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000

function findTxn(ctx: GatewayContext, retref: string, merchid: string): Txn | undefined {
  return ctx.ledger.txns().find((t) => t.retref === retref && t.merchid === merchid)
}

function approval(ctx: GatewayContext): Record<string, string> {
  return codeFields(codeFor(ctx.processor, 'approval'))
}

export function handleCapture(ctx: GatewayContext, body: Body): Reply {
  const retref = str(body, 'retref')
  const txn = findTxn(ctx, retref, str(body, 'merchid'))
  if (!txn || txn.type !== 'auth' || txn.respstat !== 'A') return ppsReply(ppsCode('29'), { retref })
  if (txn.setlstat === 'Voided') return ppsReply(ppsCode('34', 'Txn voided'), { retref })
  if (txn.setlstat === 'Authorized') {
    const amount = str(body, 'amount') ? parseWireAmount(body.amount) : txn.amountCents
    if (amount === null || amount <= 0) return ppsReply(ppsCode('43'), { retref })
    txn.amountCents = amount
    txn.setlstat = 'Queued for Capture'
    txn.capturedAt = ctx.now().toISOString()
    txn.batchid = String(1000 + (ctx.now().getUTCDate() % 100))
    recordEvent(ctx, 'capture', txn, amount)
    ctx.ledger.save()
  }
  return {
    approvedWrite: true,
    json: {
      ...approval(ctx),
      merchid: txn.merchid,
      retref,
      account: txn.token,
      token: txn.token,
      amount: formatAmount(txn.amountCents),
      setlstat: txn.setlstat,
      batchid: txn.batchid,
      authcode: txn.authcode,
      commcard: 'N',
    },
  }
}

export function handleVoid(ctx: GatewayContext, body: Body): Reply {
  const retref = str(body, 'retref')
  const txn = findTxn(ctx, retref, str(body, 'merchid'))
  if (!txn || txn.respstat !== 'A') return ppsReply(ppsCode('29'), { retref })
  return voidTxn(ctx, txn, body)
}

/** `voidByOrderId`: voids the approved txn with this order id; declined ones are ignored (May-2023). */
export function handleVoidByOrderId(ctx: GatewayContext, body: Body): Reply {
  const orderid = str(body, 'orderid')
  const matches = ctx.ledger
    .txns()
    .filter((t) => t.orderid === orderid && t.merchid === str(body, 'merchid') && t.respstat === 'A' && t.type === 'auth')
  const txn = matches.at(-1)
  if (!orderid || !txn) return ppsReply(ppsCode('29'))
  return voidTxn(ctx, txn, body)
}

function voidTxn(ctx: GatewayContext, txn: Txn, body: Body): Reply {
  const retref = txn.retref
  const reply = (amountCents: number): Reply => ({
    approvedWrite: true,
    json: { ...approval(ctx), merchid: txn.merchid, retref, amount: formatAmount(amountCents), authcode: 'REVERS', currency: 'USD', ...(txn.orderid ? { orderId: txn.orderid } : {}) },
  })
  if (txn.setlstat === 'Voided') return reply(0)
  if (txn.setlstat === 'Accepted') return ppsReply(ppsCode('27'), { retref })
  if (ctx.now().getTime() - Date.parse(txn.createdAt) > THIRTY_DAYS_MS) return ppsReply(ppsCode('39'), { retref })
  const requested = str(body, 'amount') ? parseWireAmount(body.amount) : 0
  if (requested === null || requested < 0) return ppsReply(ppsCode('43'), { retref })
  const isPartial = requested > 0 && requested < txn.amountCents
  if (isPartial && txn.setlstat !== 'Authorized') return ppsReply(ppsCode('34', 'Partial void not allowed'), { retref })
  const voided = isPartial ? requested : txn.amountCents
  if (isPartial) txn.amountCents -= requested
  else txn.setlstat = 'Voided'
  recordEvent(ctx, 'void', txn, voided)
  ctx.ledger.save()
  return reply(voided)
}

export function handleRefund(ctx: GatewayContext, body: Body): Reply {
  const retref = str(body, 'retref')
  // NOTE: since Nov-2023 the refund must carry the original MID, else "Txn not found".
  const txn = findTxn(ctx, retref, str(body, 'merchid'))
  if (!txn || txn.type !== 'auth' || txn.respstat !== 'A') return ppsReply(ppsCode('29'), { retref })
  if (txn.setlstat !== 'Accepted') return ppsReply(ppsCode('28'), { retref })
  const remaining = txn.amountCents - txn.refundedCents
  const amount = str(body, 'amount') && parseWireAmount(body.amount) !== 0 ? parseWireAmount(body.amount) : remaining
  if (amount === null || amount <= 0) return ppsReply(ppsCode('43'), { retref })
  if (amount > remaining) return ppsReply(ppsCode('42'), { retref })
  // UAT: refunds of $1000–$1999 against a capture of $2000 or more answer with the amount-driven code.
  const code = (txn.amountCents >= 200_000 ? amountDrivenCode(ctx.processor, amount) : null) ?? codeFor(ctx.processor, 'approval')
  const refund: Txn = {
    ...txn,
    retref: newRetref(ctx),
    orderid: str(body, 'orderid') || txn.orderid,
    type: 'refund',
    requestedCents: amount,
    amountCents: code.respstat === 'A' ? amount : 0,
    refundedCents: 0,
    ...{ respstat: code.respstat, respcode: code.respcode, resptext: code.resptext, respproc: code.respproc },
    setlstat: code.respstat === 'A' ? 'Queued for Capture' : 'Declined',
    authcode: null,
    refundOf: txn.retref,
    createdAt: ctx.now().toISOString(),
    capturedAt: ctx.now().toISOString(),
    settledAt: null,
    declineCategory: null,
  }
  if (code.respstat === 'A') txn.refundedCents += amount
  ctx.ledger.addTxn(refund)
  recordEvent(ctx, 'refund', refund, amount, code)
  ctx.ledger.save()
  return {
    approvedWrite: code.respstat === 'A',
    json: { ...codeFields(code), merchid: txn.merchid, retref: refund.retref, amount: formatAmount(refund.amountCents) },
  }
}

export function handleInquire(ctx: GatewayContext, retref: string, merchid: string): Reply {
  const txn = findTxn(ctx, retref, merchid)
  return txn ? { json: inquiryJson(txn) } : ppsReply(ppsCode('29'), { retref })
}

/** One object for one match, an array for several, PPS 29 when none [code: CP-SDK headstart]. */
export function handleInquireByOrderid(ctx: GatewayContext, orderid: string, merchid: string): Reply {
  const found = ctx.ledger.txns().filter((t) => t.orderid === orderid && t.merchid === merchid)
  if (found.length === 0) return ppsReply(ppsCode('29'))
  return { json: found.length === 1 ? inquiryJson(found[0]) : found.map(inquiryJson) }
}

function inquiryJson(t: Txn): Record<string, unknown> {
  const voidable = t.respstat === 'A' && (t.setlstat === 'Authorized' || t.setlstat === 'Queued for Capture')
  const refundable = t.type === 'auth' && t.setlstat === 'Accepted' && t.amountCents > t.refundedCents
  return {
    merchid: t.merchid,
    retref: t.retref,
    respstat: t.respstat,
    respcode: t.respcode,
    resptext: t.resptext,
    respproc: t.respproc,
    setlstat: t.setlstat,
    amount: formatAmount(t.amountCents),
    currency: 'USD',
    account: t.token,
    token: t.token,
    accttype: t.accttype,
    lastfour: t.token?.slice(-4) ?? '',
    ...(t.expiry ? { expiry: t.expiry } : {}),
    ...(t.orderid ? { orderId: t.orderid } : {}),
    ...(t.authcode ? { authcode: t.authcode } : {}),
    ...(t.batchid ? { batchid: t.batchid } : {}),
    ...(t.profileid ? { profileid: t.profileid, acctid: t.acctid } : {}),
    ...(t.declineCategory ? { declineCategory: t.declineCategory } : {}),
    authdate: t.createdAt.slice(0, 10).replace(/-/g, ''),
    ...(t.capturedAt ? { capturedate: stamp(new Date(t.capturedAt)) } : {}),
    ...(t.settledAt ? { settledate: stamp(new Date(t.settledAt)) } : {}),
    voidable: voidable ? 'Y' : 'N',
    refundable: refundable ? 'Y' : 'N',
  }
}
