import { formatAmount, parseWireAmount } from './amounts.ts'
import { isExpired, resolveAccount, type ResolvedAccount } from './accounts.ts'
import {
  codeFields,
  newAuthcode,
  newRetref,
  ppsReply,
  recordEvent,
  str,
  type Body,
  type GatewayContext,
  type Reply,
} from './context.ts'
import type { Txn } from './ledger.ts'
import { saveProfile } from './profiles.ts'
import { amountDrivenCode, codeFor, ppsCode, processorCode, type Code } from './response-codes.ts'

const PARTIAL_APPROVAL_CENTS = 500
const ACH_APPROVAL: Code = { respproc: 'PSTR', respcode: '00', respstat: 'A', resptext: 'Success' }

/** `PUT/POST /auth`: sale, authorization, $0 verification, store (`profile:"Y"`) or charge a profile. */
export function handleAuth(ctx: GatewayContext, body: Body): Reply {
  if (str(body, 'merchid') !== ctx.merchid) return ppsReply(ppsCode('21'))
  const requested = parseWireAmount(body.amount)
  // NOTE: negative amounts are forced credits, which this merchant is not enabled for.
  if (requested === null || requested < 0) return ppsReply(ppsCode('43'))
  const currency = str(body, 'currency')
  if (currency && currency.toUpperCase() !== 'USD') return ppsReply(ppsCode('32'))
  const resolved = resolveAccount(ctx, body, { allowProfileRef: true })
  if (!resolved.ok) return ppsReply(resolved.code)
  const account = resolved.account
  const isAch = account.info.kind === 'ach'
  // NOTE: ACH has no $0 verification, and the Fiserv ACH guide requires the account holder's name.
  const achName = str(body, 'name') || account.profile?.fields.name
  if (isAch && (requested === 0 || !achName)) return ppsReply(ppsCode(requested === 0 ? '43' : '34', requested === 0 ? undefined : 'Invalid field: name'))

  const decision = isAch ? { code: ACH_APPROVAL, approvedCents: requested } : decideCard(ctx, account, requested)
  const txn = newTxn(ctx, body, account, requested, decision.code, decision.approvedCents)
  if (decision.timeout) {
    txn.setlstat = 'Declined'
    return finish(ctx, txn, body, decision.code, { delayMs: ctx.timeoutDelayMs })
  }
  if (decision.code.respstat !== 'A') return finish(ctx, txn, body, decision.code, {})

  const capture = str(body, 'capture').toUpperCase() === 'Y' || isAch
  txn.authcode = newAuthcode()
  txn.setlstat = requested === 0 ? 'Zero Amount' : capture ? 'Queued for Capture' : 'Authorized'
  if (capture && requested > 0) {
    txn.capturedAt = ctx.now().toISOString()
    txn.batchid = String(1000 + (ctx.now().getUTCDate() % 100))
  }
  if (str(body, 'profile').toUpperCase() === 'Y') {
    const saved = saveProfile(ctx, body, account)
    txn.profileid = saved.profileid
    txn.acctid = saved.acctid
  } else if (account.profile) {
    txn.profileid = account.profile.profileid
    txn.acctid = account.profile.acctid
  }
  return finish(ctx, txn, body, decision.code, { approvedWrite: true })
}

interface Decision {
  code: Code
  approvedCents: number
  timeout?: boolean
}

/** Applies the UAT rules in order: test PANs, partial-approval card, amount-driven codes, expiry. */
function decideCard(ctx: GatewayContext, account: ResolvedAccount, cents: number): Decision {
  const info = account.info
  const behaviour = info.kind === 'card' ? info.behaviour : null
  if (behaviour?.kind === 'timeout') return { code: ppsCode('62'), approvedCents: 0, timeout: true }
  if (behaviour?.kind === 'respond') return decision(processorCode(ctx.processor, behaviour.codes[ctx.processor]), cents)
  if (behaviour?.kind === 'partial' && cents >= 600) {
    return { code: codeFor(ctx.processor, 'partial'), approvedCents: PARTIAL_APPROVAL_CENTS }
  }
  const byAmount = amountDrivenCode(ctx.processor, cents)
  if (byAmount) return decision(byAmount, cents)
  if (account.expiry && isExpired(account.expiry, ctx.now())) return decision(codeFor(ctx.processor, 'expired'), cents)
  return decision(codeFor(ctx.processor, 'approval'), cents)
}

function decision(code: Code, cents: number): Decision {
  return { code, approvedCents: code.respstat === 'A' ? cents : 0 }
}

function newTxn(ctx: GatewayContext, body: Body, account: ResolvedAccount, requested: number, code: Code, approved: number): Txn {
  const indicator = (k: string) => str(body, k) || null
  return {
    retref: newRetref(ctx),
    merchid: ctx.merchid,
    orderid: str(body, 'orderid') || null,
    type: 'auth',
    requestedCents: requested,
    amountCents: approved,
    refundedCents: 0,
    respstat: code.respstat,
    respcode: code.respcode,
    resptext: code.resptext,
    respproc: code.respproc,
    setlstat: 'Declined',
    authcode: null,
    token: account.token,
    accttype: account.accttype,
    expiry: account.expiry,
    profileid: null,
    acctid: null,
    batchid: null,
    declineCategory: code.respstat === 'C' && account.info.kind === 'card' && account.info.brand === 'VISA' ? visaCategory(code) : null,
    indicators: { cof: indicator('cof'), cofscheduled: indicator('cofscheduled'), ecomind: indicator('ecomind') },
    refundOf: null,
    createdAt: ctx.now().toISOString(),
    capturedAt: null,
    settledAt: null,
  }
}

/**
 * Visa decline categories (1 do not retry, 2 wait to retry, 3 fix and retry) as Visa assigns
 * them to these reasons. [doc: CP-REPO OpenAPI `declineCategory`; external-apis.md A5]
 */
function visaCategory(code: Code): string | null {
  const byCode: Record<string, string> = {
    '116': '2', NU: '2', '51': '2', '101': '3', '54': '3', '208': '1', '209': '1', '704': '1', '60': '1', '131': '1', '14': '1',
  }
  return code.respproc === 'PPS' ? null : (byCode[code.respcode] ?? null)
}

const CATEGORY_TEXT: Record<string, string> = { '1': 'Do not retry', '2': 'Wait to retry', '3': 'Fix the request and retry' }

function finish(ctx: GatewayContext, txn: Txn, body: Body, code: Code, extra: Omit<Reply, 'json'>): Reply {
  ctx.ledger.addTxn(txn)
  recordEvent(ctx, 'auth', txn, txn.amountCents, code)
  ctx.ledger.save()
  const json: Record<string, unknown> = {
    ...codeFields(code),
    retref: txn.retref,
    merchid: txn.merchid,
    account: txn.token,
    token: txn.token,
    amount: formatAmount(txn.amountCents),
    ...(txn.expiry ? { expiry: txn.expiry } : {}),
    ...(txn.orderid ? { orderId: txn.orderid } : {}),
    ...(txn.authcode ? { authcode: txn.authcode, avsresp: avs(str(body, 'postal')), commcard: 'N' } : {}),
    ...(txn.authcode && str(body, 'cvv2') ? { cvvresp: cvv(str(body, 'cvv2')) } : {}),
    ...(txn.batchid ? { batchid: txn.batchid } : {}),
    ...(txn.profileid && code.respstat === 'A' ? { profileid: txn.profileid, acctid: txn.acctid } : {}),
    ...(txn.setlstat === 'Declined' && code.respstat === 'B' ? { setlstat: 'Declined' } : {}),
    ...(txn.declineCategory ? { declineCategory: txn.declineCategory, declineCategoryText: CATEGORY_TEXT[txn.declineCategory] } : {}),
  }
  return { ...extra, json }
}

/** AVS trigger: the last three characters of `postal` [doc: external-apis.md A12]. */
function avs(postal: string): string {
  const table: Record<string, string> = {
    '224': 'X', '225': 'Y', '406': 'Y', '111': 'A', '201': 'A', '223': 'W', '113': 'Z', '226': 'Z',
    '112': 'N', '214': 'N', '221': 'U', '207': 'G', '218': 'R', '205': 'E', '219': 'S',
  }
  return table[postal.slice(-3)] ?? 'Y'
}

/** CVV trigger values for North / Rapid Connect [doc: external-apis.md A12]. */
function cvv(value: string): string {
  return ({ '112': 'M', '111': 'N', '222': 'P', '333': 'U' } as Record<string, string>)[value] ?? 'M'
}
