import { resolveAccount, type ResolvedAccount } from './accounts.ts'
import { codeFields, ppsReply, str, type Body, type GatewayContext, type Reply } from './context.ts'
import type { ProfileAccount } from './ledger.ts'
import { ppsCode } from './response-codes.ts'

const FIELD_NAMES = ['name', 'address', 'address2', 'city', 'region', 'country', 'postal', 'phone', 'email', 'company'] as const

/**
 * Creates, extends or updates a stored profile, or returns the existing one.
 * NOTE: since Jul-2022 the gateway de-duplicates: when merchid, token, accttype, expiry, name,
 * address, city, region, country, postal, phone, email and auoptout all match an existing
 * account, no profile is created and the existing ids come back. [doc: CP-REPO changelog 7/26/2022]
 */
export function saveProfile(ctx: GatewayContext, body: Body, account: ResolvedAccount): ProfileAccount {
  const all = ctx.ledger.profiles()
  const fields = Object.fromEntries(FIELD_NAMES.map((k) => [k, str(body, k)])) as ProfileAccount['fields']
  if (!fields.country) fields.country = 'US'
  const candidate: ProfileAccount = {
    merchid: ctx.merchid,
    profileid: '',
    acctid: '',
    token: account.token,
    accttype: account.accttype,
    expiry: account.expiry ?? '',
    defaultacct: 'Y',
    auoptout: yn(str(body, 'auoptout')),
    cofpermission: yn(str(body, 'cofpermission')),
    fields,
  }
  const ref = /^(\d{1,20})(?:\/(\d{1,3}))?$/.exec(str(body, 'profile'))
  const existing = ref ? null : all.find((p) => sameAccount(p, candidate))
  if (existing) {
    markDefault(all, existing)
    ctx.ledger.save()
    return existing
  }
  if (ref) {
    const pid = ref[1].padStart(20, '0')
    const accounts = all.filter((p) => p.profileid === pid)
    const target = ref[2] ? accounts.find((a) => a.acctid === ref[2]) : undefined
    if (target) {
      const merge = str(body, 'profileupdate').toUpperCase() === 'Y'
      Object.assign(target, merge ? mergeNonEmpty(target, candidate) : { ...candidate, profileid: pid, acctid: target.acctid })
      ctx.ledger.save()
      return target
    }
    candidate.profileid = pid
    candidate.acctid = String(Math.max(0, ...accounts.map((a) => Number(a.acctid))) + 1)
    candidate.defaultacct = str(body, 'defaultacct').toUpperCase() === 'Y' ? 'Y' : 'N'
    if (candidate.defaultacct === 'Y') markDefault(all, candidate)
  } else {
    candidate.profileid = String(ctx.ledger.nextSeq()).padStart(20, '1')
    candidate.acctid = '1'
  }
  ctx.ledger.setProfiles([...all, candidate])
  ctx.ledger.save()
  return candidate
}

/** `PUT/POST /profile`. */
export function handleProfileSave(ctx: GatewayContext, body: Body): Reply {
  if (str(body, 'merchid') !== ctx.merchid) return ppsReply(ppsCode('21'))
  const ref = /^(\d{1,20})(?:\/(\d{1,3}))?$/.exec(str(body, 'profile'))
  if (ref && !ctx.ledger.profiles().some((p) => p.profileid === ref[1].padStart(20, '0'))) return ppsReply(ppsCode('96'))
  const resolved = resolveAccount(ctx, body, { allowProfileRef: false })
  if (!resolved.ok) return ppsReply(resolved.code)
  const saved = saveProfile(ctx, body, resolved.account)
  return { json: { ...codeFields(ppsCode('09')), merchid: ctx.merchid, ...accountJson(saved) }, approvedWrite: true }
}

/** `GET /profile/{profileid}/{acctid}/{merchid}`: an array of accounts (all when acctid is empty). */
export function handleProfileGet(ctx: GatewayContext, pid: string, aid: string, merchid: string): Reply {
  const found = find(ctx, pid, aid, merchid)
  if (found.length === 0) return ppsReply(ppsCode('96'))
  return { json: found.map(accountJson) }
}

/** `DELETE /profile/{profileid}/{acctid}/{merchid}`: one account, or all when acctid is empty. */
export function handleProfileDelete(ctx: GatewayContext, pid: string, aid: string, merchid: string): Reply {
  const found = new Set(find(ctx, pid, aid, merchid))
  if (found.size === 0) return ppsReply(ppsCode('96'))
  ctx.ledger.setProfiles(ctx.ledger.profiles().filter((p) => !found.has(p)))
  ctx.ledger.save()
  return { json: codeFields(ppsCode('08')), approvedWrite: true }
}

function find(ctx: GatewayContext, pid: string, aid: string, merchid: string): ProfileAccount[] {
  if (merchid !== ctx.merchid || !/^\d{1,20}$/.test(pid)) return []
  const id = pid.padStart(20, '0')
  return ctx.ledger.profiles().filter((p) => p.profileid === id && (!aid || p.acctid === aid))
}

function accountJson(p: ProfileAccount): Record<string, string> {
  return {
    profileid: p.profileid,
    acctid: p.acctid,
    accttype: p.accttype,
    token: p.token,
    ...(p.expiry ? { expiry: p.expiry } : {}),
    ...Object.fromEntries(Object.entries(p.fields).filter(([, v]) => v !== '')),
    defaultacct: p.defaultacct,
    auoptout: p.auoptout,
    cofpermission: p.cofpermission,
    gsacard: 'N',
  }
}

function sameAccount(a: ProfileAccount, b: ProfileAccount): boolean {
  return (
    a.merchid === b.merchid &&
    a.token === b.token &&
    a.accttype === b.accttype &&
    a.expiry === b.expiry &&
    a.auoptout === b.auoptout &&
    FIELD_NAMES.filter((k) => k !== 'address2' && k !== 'company').every((k) => a.fields[k] === b.fields[k])
  )
}

function markDefault(all: ProfileAccount[], chosen: ProfileAccount): void {
  for (const p of all) if (p.profileid === chosen.profileid) p.defaultacct = p === chosen ? 'Y' : 'N'
  chosen.defaultacct = 'Y'
}

/** `profileupdate:"Y"`: only non-empty request fields overwrite the stored account. */
function mergeNonEmpty(target: ProfileAccount, incoming: ProfileAccount): Partial<ProfileAccount> {
  const fields = { ...target.fields }
  for (const k of FIELD_NAMES) if (incoming.fields[k]) fields[k] = incoming.fields[k]
  return { token: incoming.token || target.token, expiry: incoming.expiry || target.expiry, fields }
}

function yn(value: string): 'Y' | 'N' {
  return value.toUpperCase() === 'Y' ? 'Y' : 'N'
}
