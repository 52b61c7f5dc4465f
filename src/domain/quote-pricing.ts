import { periodAndTermTotals, type PricedLine } from './pricing.ts'

/** The parts of a quote option that decide its price. */
export interface PricedOption {
  name: string
  priceCents: number
  isTaxable: boolean
  billingIntervalMonths: number
  termMonths: number | null
  extraLines: readonly PricedLine[]
}

/** What the agreement made from this option bills: the plan price line first, then the extra lines. */
export function optionLines(option: PricedOption): PricedLine[] {
  const price: PricedLine = { description: option.name, amountCents: option.priceCents, recurring: true, taxable: option.isTaxable }
  return [price, ...option.extraLines.map((l) => ({ description: l.description, amountCents: l.amountCents, recurring: l.recurring, taxable: l.taxable }))]
}

/** Billing periods in one term, or null when open-ended. */
export function periodsPerTerm(option: Pick<PricedOption, 'termMonths' | 'billingIntervalMonths'>): number | null {
  return option.termMonths === null ? null : Math.ceil(option.termMonths / option.billingIntervalMonths)
}

/**
 * Totals shown to the customer: per billing period (recurring lines with tax), the first bill
 * (plus one-time lines) and the whole term. Uses the one rounding rule of `pricing.ts`.
 */
export function optionTotals(option: PricedOption, taxRatePpm: number) {
  const periods = periodsPerTerm(option)
  return { ...periodAndTermTotals(optionLines(option), taxRatePpm, periods), periodsPerTerm: periods }
}
