import type { AcceptQuoteInput } from '../../contracts/signup.ts'
import { AppError, unreachable } from '../../domain/errors.ts'
import type { Approved, ChargeOutcome, DeclineReason } from '../../ports/payment-gateway.ts'
import type { ServiceDeps } from '../deps.ts'

/**
 * Putting the customer's payment method on file at the gateway: a tokenized card by $0
 * verification with profile:"Y", or a bank account through the profile API (no $0
 * verification exists for ACH). Declines become a plain message for the customer.
 */

/** Plain words for a declined verification, for the customer. */
const DECLINE_TEXT: Partial<Record<DeclineReason, string>> = {
  insufficient_funds: 'Your bank declined the card (insufficient funds). Please try another card.',
  expired_card: 'The card appears to be expired. Check the expiry date or use another card.',
  do_not_honor: 'Your bank declined the card. Please try another card or call your bank.',
  lost_or_stolen: 'Your bank declined the card. Please use another card.',
  invalid_account: 'The card or account number was not accepted. Check the details or use another card or account.',
  refer_to_issuer: 'Your bank asked to be called before approving this card. Please call them or use another card.',
  cvv_mismatch: 'The security code (CVV) did not match. Check it and try again.',
  avs_mismatch: 'The billing address did not match the card. Please try another card.',
  stop_recurring: 'Your bank does not allow recurring payments on this card. Please use another card.',
}

function declineMessage(outcome: Extract<ChargeOutcome, { status: 'declined' }>, kind: 'card' | 'ach'): string {
  return DECLINE_TEXT[outcome.reason] ?? (kind === 'card' ? 'Your card was declined. Please try another card.' : 'Your bank account was not accepted. Check the numbers or use a card.')
}

/** "VISA" from a CardSecure-style token (9 + first two card digits + … + last four). [doc: external-apis.md A13] */
export function brandFromToken(token: string): string {
  const two = token.slice(1, 3)
  if (two.startsWith('4')) return 'VISA'
  if (/^(5[1-5]|2[2-7])$/.test(two)) return 'MC'
  if (two === '34' || two === '37') return 'AMEX'
  if (/^(60|62|64|65)$/.test(two)) return 'DISC'
  if (two === '35') return 'JCB'
  if (/^(30|36|38)$/.test(two)) return 'DINERS'
  return 'CARD'
}

/** YYYYMM or MMYY → MMYY. */
export const toMmyy = (expiry: string) => (expiry.length === 6 ? `${expiry.slice(4, 6)}${expiry.slice(2, 4)}` : expiry)

type NewPaymentMethod = AcceptQuoteInput['paymentMethod']

/**
 * Verifies and stores the payment method (the sign-up, the renewal and the payment-update pages);
 * `signerName` is the cardholder's name. Throws a 422 `payment_declined` or a 502 `gateway_unavailable`.
 */
export async function storePaymentMethod(deps: ServiceDeps, input: { paymentMethod: NewPaymentMethod; signerName: string; postalCode?: string }): Promise<Approved> {
  const pm = input.paymentMethod
  const orderId = deps.gateway.newOrderId()
  const cardholder = { ...(input.signerName ? { name: input.signerName } : {}), ...(input.postalCode ? { postalCode: input.postalCode } : {}) }
  const outcome =
    pm.kind === 'card'
      ? await deps.gateway.verifyAndStoreCard({ token: pm.token, expiry: pm.expiry, orderId, cardholder })
      : await deps.gateway.verifyAndStoreBankAccount({
          kind: pm.accountType,
          accountNumber: pm.accountNumber,
          routingNumber: pm.routingNumber,
          accountHolderName: pm.holderName,
          orderId,
        })
  switch (outcome.status) {
    case 'approved':
      if (outcome.profileId && outcome.accountId) return outcome
      break
    case 'declined': {
      const message = declineMessage(outcome, pm.kind)
      throw new AppError('validation', 'payment_declined', message, { fields: { paymentMethod: message }, reason: outcome.reason })
    }
    case 'retryable':
    case 'indeterminate':
    case 'misconfigured':
      break
    default:
      return unreachable(outcome)
  }
  // Retryable, indeterminate, misconfigured, or an approval without a stored profile: nothing usable was stored.
  throw new AppError('integration', 'gateway_unavailable', 'We could not reach the payment processor. Nothing was charged; please try again in a few minutes.')
}


/**
 * The `payment_methods` row of a method the gateway has stored: its profile, token and last four
 * digits, never the number; a card's brand from its token, so receipts say "Visa ending 1443".
 */
export function paymentMethodRow(id: string, customerId: string, pm: NewPaymentMethod, stored: Approved, cardholder: string) {
  const card = pm.kind === 'card'
  return {
    id,
    customerId,
    kind: pm.kind,
    profileId: stored.profileId!,
    acctId: stored.accountId!,
    token: stored.token ?? (card ? pm.token : ''),
    last4: card ? (stored.lastFour ?? pm.token.slice(-4)) : pm.accountNumber.slice(-4),
    brand: card ? brandFromToken(stored.token ?? pm.token) : null,
    accountType: card ? null : pm.accountType === 'savings' ? ('ESAV' as const) : ('ECHK' as const),
    expiry: card ? (stored.expiry ?? toMmyy(pm.expiry)) : null,
    holderName: card ? cardholder : pm.holderName,
  }
}
