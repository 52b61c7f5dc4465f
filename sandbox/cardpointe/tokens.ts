import { createHmac, randomInt } from 'node:crypto'
import { detectBrand, isLuhnValid, isValidRoutingNumber, type CardBrand } from './card-rules.ts'
import { testCardBehaviour, type CardBehaviour } from './test-cards.ts'

/**
 * CardSecure-style tokens: 16 digits, first digit 9, digits 2–3 the first two digits of the PAN
 * (of the routing number for ACH), last four the last four of the PAN (of the bank account).
 * The same account always gives the same token unless `unique` is asked for.
 * [doc: CP-REPO CardSecure.md; external-apis.md A13]
 *
 * NOTE: the sandbox never keeps a PAN. What it must remember to answer later auths on a token
 * (brand, last four, the test-card behaviour) is derived here and stored against the token.
 */
export type TokenInfo =
  | { kind: 'card'; brand: CardBrand; last4: string; behaviour: CardBehaviour | null }
  | { kind: 'ach'; routing: string; last4: string }

export type TokenizeResult = { ok: true; token: string; info: TokenInfo } | { ok: false; errorcode: string; message: string }

const TOKEN_FORMAT = /^9\d{15}$/

export function looksLikeToken(value: string): boolean {
  return TOKEN_FORMAT.test(value)
}

/** Tokenizes a PAN or a `routing/account` string; `secret` keeps tokens stable per sandbox. */
export function tokenize(account: string, secret: string, unique = false): TokenizeResult {
  const text = account.replace(/[\s-]/g, '')
  if (text.includes('/')) return tokenizeAch(text, secret, unique)
  if (!/^\d{12,19}$/.test(text)) return { ok: false, errorcode: '0074', message: 'Invalid account' }
  if (!isLuhnValid(text)) return { ok: false, errorcode: '0054', message: 'Luhn check failed' }
  const brand = detectBrand(text)
  if (!brand) return { ok: false, errorcode: '0054', message: 'Unknown card brand' }
  const last4 = text.slice(-4)
  const token = `9${text.slice(0, 2)}${middle(`card:${text}`, secret, unique)}${last4}`
  return { ok: true, token, info: { kind: 'card', brand, last4, behaviour: testCardBehaviour(text) } }
}

function tokenizeAch(text: string, secret: string, unique: boolean): TokenizeResult {
  const [routing, acct] = text.split('/')
  if (!routing || !acct || !/^\d{4,17}$/.test(acct)) return { ok: false, errorcode: '0074', message: 'Invalid account' }
  if (!isValidRoutingNumber(routing)) return { ok: false, errorcode: '0074', message: 'Invalid routing number' }
  const last4 = acct.slice(-4).padStart(4, '0')
  const token = `9${routing.slice(0, 2)}${middle(`ach:${routing}/${acct}`, secret, unique)}${last4}`
  return { ok: true, token, info: { kind: 'ach', routing, last4 } }
}

/** Nine digits: keyed hash of the account (stable), or random when `unique`. */
function middle(account: string, secret: string, unique: boolean): string {
  if (unique) return String(randomInt(0, 1_000_000_000)).padStart(9, '0')
  const digest = createHmac('sha256', secret).update(account).digest()
  return String(digest.readUInt32BE(0) * 1000 + (digest.readUInt16BE(4) % 1000)).slice(-9).padStart(9, '0')
}
