/** What the office sees of a payment method on file: never more than the last four digits. */
export interface PaymentMethodSummary {
  kind: 'card' | 'ach'
  brand: string | null
  accountType: string | null
  last4: string
  /** MMYY for cards. */
  expiry: string | null
  holderName: string
}

/**
 * Whether a card with expiry `MMYY` can no longer be charged on `date` (`YYYY-MM-DD`). Cards are
 * good through the last day of their expiry month; bank accounts and unknown expiries never expire.
 */
export function cardExpiredOn(expiry: string | null, date: string): boolean {
  if (!expiry || !/^\d{4}$/.test(expiry)) return false
  const month = Number(expiry.slice(0, 2))
  const year = 2000 + Number(expiry.slice(2))
  const [y, m] = date.split('-').map(Number)
  return y * 12 + m > year * 12 + month
}

// CardPointe's card brands as a person writes them; anything else is shown as the gateway sent it.
const BRAND_NAMES: Record<string, string> = { VISA: 'Visa', MC: 'Mastercard', AMEX: 'American Express', DISC: 'Discover', DINERS: 'Diners Club', JCB: 'JCB' }

/** "VISA" → "Visa"; null → "Card". */
export const brandName = (brand: string | null): string => (brand && BRAND_NAMES[brand.toUpperCase()]) ?? brand ?? 'Card'

/** "Visa ending 1111, expires 12/29" or "Checking account ending 6789 (Dana Reyes)". */
export function paymentMethodText(pm: PaymentMethodSummary | null): string {
  if (!pm) return 'None on file'
  if (pm.kind === 'card') return `${brandName(pm.brand)} ending ${pm.last4}${pm.expiry ? `, expires ${pm.expiry.slice(0, 2)}/${pm.expiry.slice(2)}` : ''}`
  return `${pm.accountType === 'ESAV' ? 'Savings' : 'Checking'} account ending ${pm.last4} (${pm.holderName})`
}

/** What a receipt says a payment was made with: "Visa ending 1443", "bank account ending 6789". */
export function paidWithText(pm: Pick<PaymentMethodSummary, 'kind' | 'brand' | 'last4'> | null): string {
  return pm ? `${pm.kind === 'ach' ? 'bank account' : brandName(pm.brand)} ending ${pm.last4}` : 'card on file'
}
