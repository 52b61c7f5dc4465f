/**
 * Dollars and percents typed by people ↔ the integer cents and tax rates in millionths the API stores.
 * NOTE: parsing works on the digits as text, never `parseFloat(x) * 100`, so "0.29" is 29 cents
 * and not 28.999999999999996.
 */

const DOLLARS = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/

/** "1,234.5" or "$12" → cents (123450, 1200); null when it is not a dollar amount. */
export function parseDollars(text: string): number | null {
  const match = DOLLARS.exec(text.trim())
  if (!match) return null
  const whole = match[1].replace(/,/g, '').replace(/^0+(?=\d)/, '')
  if (whole.length > 9) return null
  return Number(`${whole}${(match[2] ?? '').padEnd(2, '0')}`)
}

/** A required dollar field: its cents, or why the text is not an amount (the field's error). */
export function dollarField(text: string): { cents: number; error: null } | { cents: null; error: string } {
  const cents = parseDollars(text)
  if (cents !== null) return { cents, error: null }
  return { cents: null, error: text.trim() === '' ? 'is required' : 'must be a dollar amount like 129.00 (at most two decimals)' }
}

/** 123450 → "1234.50", for an input's value. */
export function centsToDollarText(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** 123450 → "$1,234.50" (the server's formatter, so emails, PDFs and pages agree). */
export { formatUsd } from '../../src/domain/money.ts'

/** "8.875" or "8.875%" ↔ 88,750 millionths (the server's rules, src/domain/tax-rate.ts). */
export { parseTaxRate, taxRateDigits } from '../../src/domain/tax-rate.ts'
