import { createHash, randomBytes } from 'node:crypto'

/**
 * Customer sign-up links. The token is 32 random bytes (256 bits) in base64url; only its
 * SHA-256 is stored, so a database leak does not leak working links.
 */
export function newSignupToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashSignupToken(token) }
}

export function hashSignupToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** A well-formed token (43 base64url characters); anything else is rejected before a lookup. */
export function looksLikeSignupToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value)
}

export type LinkState = 'valid' | 'expired' | 'used' | 'revoked'

/** Whether a stored link may still be used at `now`. Revoked wins over used, used over expired. */
export function linkState(link: { expiresAt: Date; usedAt: Date | null; revokedAt: Date | null }, now: Date): LinkState {
  if (link.revokedAt) return 'revoked'
  if (link.usedAt) return 'used'
  if (now.getTime() >= link.expiresAt.getTime()) return 'expired'
  return 'valid'
}

/** SHA-256 (hex) of a string, for signature records. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * The fingerprint of exactly what was signed: the quote revision, the chosen option's content
 * and the terms text. Versioned; changing the recipe is a deliberate act.
 */
export function signedDocumentHash(parts: { quoteId: string; revision: number; optionJson: string; termsText: string }): string {
  return sha256Hex(['v1', parts.quoteId, String(parts.revision), parts.optionJson, sha256Hex(parts.termsText)].join('|'))
}
