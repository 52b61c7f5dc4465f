import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The customer's manage-renewal link (turn off automatic renewal online, from any notice or
 * receipt): scoped to one agreement, expiring, and unforgeable without the server's key. It is
 * signed rather than stored, so a receipt queued inside a billing batch needs no extra row.
 * Token: the agreement id's 26 characters, the expiry day (YYYYMMDD) and an HMAC-SHA256 of both
 * (base64url): 77 characters of the URL-safe alphabet (masked in request logs like every token).
 */
const VERSION = 'manage-renewal|v1'
const ID = /^[0-9a-z]{26}$/

const mac = (key: string, idPart: string, day: string) => createHmac('sha256', key).update(`${VERSION}|${idPart}|${day}`).digest('base64url')

/** The token for agreement `agreementId` (`agr_…`), valid through `expiresOn` (a company-local date). */
export function manageRenewalToken(key: string, agreementId: string, expiresOn: string): string {
  const idPart = agreementId.replace(/^agr_/, '')
  const day = expiresOn.replaceAll('-', '')
  return `${idPart}${day}${mac(key, idPart, day)}`
}

/** The agreement id of a valid token not expired by `today`, else null. */
export function readManageRenewalToken(key: string, token: string, today: string): string | null {
  if (!/^[0-9a-z]{26}\d{8}[A-Za-z0-9_-]{43}$/.test(token)) return null
  const idPart = token.slice(0, 26)
  const day = token.slice(26, 34)
  if (!ID.test(idPart)) return null
  const expected = Buffer.from(mac(key, idPart, day))
  const given = Buffer.from(token.slice(34))
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  const expiresOn = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`
  return today <= expiresOn ? `agr_${idPart}` : null
}

/** The customer's page for it: `/auto-renewal/<token>` under the public URL, valid 400 days from `today`. */
export function manageRenewalUrl(publicUrl: string, key: string, agreementId: string, today: string): string {
  const [y, m, d] = today.split('-').map(Number)
  const expires = new Date(Date.UTC(y, m - 1, d + 400)).toISOString().slice(0, 10)
  return `${publicUrl}/auto-renewal/${manageRenewalToken(key, agreementId, expires)}`
}
