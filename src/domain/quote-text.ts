import { formatDate, quoteNumberText } from './formatting.ts'
import { formatUsd } from './money.ts'
import { taxRateText } from './tax-rate.ts'

/** Plain-language descriptions of quote options, shared by the web pages, the PDF and the email. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const FREQ: Record<string, string> = { monthly: 'month', quarterly: 'quarter', semiannual: 'half-year', annual: 'year' }

/** 123450 → "$1,234.50". */
export const usd = (cents: number) => formatUsd(cents)

/** "per month", "every 2 months". */
export function perPeriodText(o: { billingFrequency: string; billingIntervalMonths: number }): string {
  if (o.billingFrequency !== 'every_n_months') return `per ${FREQ[o.billingFrequency]}`
  return o.billingIntervalMonths === 1 ? 'per month' : `every ${o.billingIntervalMonths} months`
}

export function termText(termMonths: number | null): string {
  return termMonths === null ? 'No end date (until cancelled)' : `${termMonths} months`
}

export function visitsText(o: { visitsPerTerm: number; visitMonths: number[] }): string {
  if (o.visitsPerTerm === 0) return 'No scheduled visits'
  const n = `${o.visitsPerTerm} visit${o.visitsPerTerm === 1 ? '' : 's'} per term`
  return o.visitMonths.length ? `${n} (${o.visitMonths.map((m) => MONTHS[m - 1]).join(', ')})` : n
}

/** "8.25%" from basis points (a price change); tax rates are in millionths: `taxRateText`. */
export const percentText = (bp: number) => taxRateText(bp * 100)

/** "Nov 25, 2026" from an ISO date, without time-zone drift: the one date format (domain/formatting.ts). */
export const dateText = (isoDate: string, locale?: string): string => formatDate(isoDate, locale)

/** "Q-1001": the one quote-number format (domain/formatting.ts). */
export const quoteLabel = quoteNumberText
