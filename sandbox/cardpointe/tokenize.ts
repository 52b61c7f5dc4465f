import { normaliseExpiry } from './card-rules.ts'
import type { Body, GatewayContext } from './context.ts'
import { tokenize } from './tokens.ts'

/**
 * `POST /cardsecure/api/v1/ccn/tokenize` (not authenticated, as CardSecure is not):
 * `{account, expiry?, cvv?, unique?}` → `{token, errorcode, message}`; errorcode "0" on success,
 * 4-digit codes otherwise (0054 Luhn check failed, 0074 missing parameter).
 * [doc: CP-REPO CardSecureAPI.yaml; external-apis.md A13]
 */
export function handleTokenize(ctx: GatewayContext, body: Body): { token: string; errorcode: string; message: string } {
  const account = typeof body.account === 'string' ? body.account : ''
  if (!account) return { token: '', errorcode: '0074', message: 'Missing required parameter: account' }
  const result = tokenize(account, ctx.ledger.secret, body.unique === true || body.unique === 'true')
  if (!result.ok) return { token: '', errorcode: result.errorcode, message: result.message }
  ctx.ledger.rememberToken(result.token, result.info)
  // NOTE: expiry sent with the token is kept for its first use, at most 2 minutes [doc: A13].
  const expiry = normaliseExpiry(typeof body.expiry === 'string' ? body.expiry : '')
  if (expiry) ctx.pendingExpiry.set(result.token, { expiry, at: ctx.now().getTime() })
  return { token: result.token, errorcode: '0', message: '' }
}
