import type { Db } from '../../db/database.ts'
import { hashSignupToken, looksLikeSignupToken, newSignupToken } from '../../domain/signup-token.ts'

/**
 * Secure links to the hosted payment-update page: 256-bit random tokens, only their SHA-256
 * stored (the same scheme as sign-up links), scoped to one invoice, expiring.
 */
const LINK_DAYS = 30

/** Creates a link for an invoice (inside the caller's transaction); returns the URL path. */
export async function createPaymentUpdateLink(tx: Db, invoiceId: string, now: Date): Promise<string> {
  const { token, hash } = newSignupToken()
  await tx
    .insertInto('paymentUpdateLinks')
    .values({ tokenHash: hash, invoiceId, expiresAt: new Date(now.getTime() + LINK_DAYS * 86_400_000), usedAt: null })
    .execute()
  return `/pay/${token}`
}

/** The invoice a valid, unexpired token belongs to, or null. */
export async function findPaymentUpdateLink(db: Db, token: string, now: Date): Promise<{ invoiceId: string } | null> {
  if (!looksLikeSignupToken(token)) return null
  const link = await db.selectFrom('paymentUpdateLinks').select(['invoiceId', 'expiresAt']).where('tokenHash', '=', hashSignupToken(token)).executeTakeFirst()
  if (!link || link.expiresAt.getTime() <= now.getTime()) return null
  return { invoiceId: link.invoiceId }
}
