/**
 * Sales tax rates, exactly. A rate is an integer number of millionths of the amount ("parts per
 * million", ppm): 8.875% is 88,750, 7.25% is 72,500, 100% is 1,000,000. Four decimals of a
 * percent are exact (0.0001% is 1), enough for every US rate (New York City's 8.875% could not
 * be entered as whole basis points). Rates are never floats: typed percents are read digit by
 * digit, and tax is applied by `applyRate` (money.ts), the one rounding rule.
 */

/** 1% in millionths. */
export const PPM_PER_PERCENT = 10_000
/** 100%: no tax rate is higher. */
export const MAX_TAX_RATE_PPM = 1_000_000

/**
 * "8.875" from 88,750 (no % sign, for a form's input); "8" from 80,000.
 *
 * @example taxRateDigits(88_750) // '8.875'
 */
export function taxRateDigits(ratePpm: number): string {
  const frac = String(ratePpm % PPM_PER_PERCENT).padStart(4, '0').replace(/0+$/, '')
  return `${Math.trunc(ratePpm / PPM_PER_PERCENT)}${frac ? `.${frac}` : ''}`
}

/** "8.875%" from 88,750: a rate as people read it (quotes, PDFs, pages). */
export const taxRateText = (ratePpm: number) => `${taxRateDigits(ratePpm)}%`

/**
 * "8.875" or "8.875%" → 88,750; null when the text is not a percent from 0 to 100 with at most
 * four decimals.
 */
export function parseTaxRate(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?\s*%?$/.exec(text.trim())
  if (!match) return null
  const ppm = Number(match[1]) * PPM_PER_PERCENT + Number((match[2] ?? '').padEnd(4, '0'))
  return ppm <= MAX_TAX_RATE_PPM ? ppm : null
}
