import { normaliseExpiry, isValidRoutingNumber } from './card-rules.ts'
import { str, type Body, type GatewayContext } from './context.ts'
import type { ProfileAccount } from './ledger.ts'
import { ppsCode, type Code } from './response-codes.ts'
import { looksLikeToken, tokenize, type TokenInfo } from './tokens.ts'

/** The account a request is about, resolved to a token (PANs are tokenized and dropped). */
export interface ResolvedAccount {
  token: string
  info: TokenInfo
  /** MMYY for cards; null for ACH. */
  expiry: string | null
  accttype: string
  profile: ProfileAccount | null
}

export type Resolution = { ok: true; account: ResolvedAccount } | { ok: false; code: Code }

const ACH_TYPES = new Set(['ECHK', 'ESAV'])
const PROFILE_REF = /^(\d{1,20})(?:\/(\d{1,3}))?$/

/**
 * Resolves `profile:"<pid>[/<aid>]"`, a token, a clear PAN, or an ACH account (+`bankaba`).
 * NOTE: ACH routing numbers are validated as UAT does: "The RoutingNumber (…) is not a valid
 * routing number" from PSTR 99 [doc: CP-REPO DeveloperGuides "Processing ACH Payments"].
 */
export function resolveAccount(ctx: GatewayContext, body: Body, { allowProfileRef }: { allowProfileRef: boolean }): Resolution {
  const profileRef = str(body, 'profile')
  if (allowProfileRef && PROFILE_REF.test(profileRef)) return fromProfile(ctx, profileRef)
  const account = str(body, 'account').replace(/[\s-]/g, '')
  const accttype = str(body, 'accttype').toUpperCase()
  if (!account) return { ok: false, code: ppsCode('34', 'Invalid field: account') }
  if (ACH_TYPES.has(accttype)) return fromAch(ctx, body, account, accttype)
  return fromCard(ctx, body, account)
}

function fromProfile(ctx: GatewayContext, ref: string): Resolution {
  const [, pid, aid] = PROFILE_REF.exec(ref) ?? []
  const accounts = ctx.ledger.profiles().filter((p) => p.profileid === pid.padStart(20, '0') && p.merchid === ctx.merchid)
  const acct = aid ? accounts.find((a) => a.acctid === aid) : (accounts.find((a) => a.defaultacct === 'Y') ?? accounts[0])
  if (!acct) return { ok: false, code: ppsCode('96') }
  const info = ctx.ledger.tokenInfo(acct.token)
  if (!info) return { ok: false, code: ppsCode('98') }
  return { ok: true, account: { token: acct.token, info, expiry: acct.expiry || null, accttype: acct.accttype, profile: acct } }
}

function fromAch(ctx: GatewayContext, body: Body, account: string, accttype: string): Resolution {
  if (looksLikeToken(account)) {
    const info = ctx.ledger.tokenInfo(account)
    if (!info || info.kind !== 'ach') return { ok: false, code: ppsCode('98') }
    return { ok: true, account: { token: account, info, expiry: null, accttype, profile: null } }
  }
  const aba = str(body, 'bankaba')
  if (!isValidRoutingNumber(aba)) return { ok: false, code: badRouting(aba) }
  const result = tokenize(`${aba}/${account}`, ctx.ledger.secret)
  if (!result.ok) return { ok: false, code: ppsCode('34', 'Invalid field: account') }
  ctx.ledger.rememberToken(result.token, result.info)
  return { ok: true, account: { token: result.token, info: result.info, expiry: null, accttype, profile: null } }
}

function fromCard(ctx: GatewayContext, body: Body, account: string): Resolution {
  let token = account
  let info: TokenInfo | null
  if (looksLikeToken(account)) {
    info = ctx.ledger.tokenInfo(account)
    if (!info) return { ok: false, code: ppsCode('98') }
  } else {
    const result = tokenize(account, ctx.ledger.secret)
    if (!result.ok) return { ok: false, code: ppsCode('11') }
    ctx.ledger.rememberToken(result.token, result.info)
    ;({ token, info } = result)
  }
  if (info.kind === 'ach') return fromAch(ctx, { ...body, accttype: 'ECHK' }, token, str(body, 'accttype') || 'ECHK')
  const expiry = normaliseExpiry(str(body, 'expiry')) ?? takePendingExpiry(ctx, token)
  if (!expiry) return { ok: false, code: ppsCode('34', 'Invalid field: expiry') }
  return { ok: true, account: { token, info, expiry, accttype: info.brand, profile: null } }
}

/** Expiry the iFrame captured with this token, if still fresh; it is used once. */
function takePendingExpiry(ctx: GatewayContext, token: string): string | null {
  const pending = ctx.pendingExpiry.get(token)
  ctx.pendingExpiry.delete(token)
  if (!pending || ctx.now().getTime() - pending.at > 120_000) return null
  return pending.expiry
}

export function badRouting(aba: string): Code {
  return { respproc: 'PSTR', respcode: '99', respstat: 'C', resptext: `The RoutingNumber (${aba}) is not a valid routing number` }
}

/** True when an MMYY expiry is before the current month. */
export function isExpired(expiry: string, now: Date): boolean {
  const month = Number(expiry.slice(0, 2))
  const year = 2000 + Number(expiry.slice(2))
  return year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1
}
