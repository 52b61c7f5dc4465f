import { applyRate, cents, type Cents } from './money.ts'

/**
 * One priced line of a quote option or agreement. `recurring` lines are billed every period;
 * one-time lines (e.g. a setup fee) only on the first invoice. `taxable` lines carry the
 * agreement's tax rate (in millionths: 8.875% = 88,750, see tax-rate.ts).
 */
export interface PricedLine {
  description: string
  amountCents: number
  recurring: boolean
  taxable: boolean
}

export interface Totals {
  subtotalCents: Cents
  taxableCents: Cents
  taxCents: Cents
  totalCents: Cents
}

/**
 * Totals for a set of lines. The one rounding rule of Servicebook: tax is computed once per
 * invoice on the sum of its taxable lines, rounded half away from zero to the cent
 * (never per line, so line taxes cannot drift from the invoice total).
 */
export function totalsFor(lines: readonly PricedLine[], taxRatePpm: number): Totals {
  let subtotal = 0
  let taxable = 0
  for (const line of lines) {
    subtotal += line.amountCents
    if (line.taxable) taxable += line.amountCents
  }
  const tax = applyRate(cents(taxable), taxRatePpm)
  return { subtotalCents: cents(subtotal), taxableCents: cents(taxable), taxCents: tax, totalCents: cents(subtotal + tax) }
}

/** The lines billed for a period: every recurring line, plus the one-time lines on the first period. */
export function linesForPeriod(lines: readonly PricedLine[], isFirstPeriod: boolean): PricedLine[] {
  return lines.filter((l) => l.recurring || isFirstPeriod)
}

/**
 * What a customer pays per billing period (recurring lines with tax) and over a whole term
 * (every period, plus one-time lines once). `periods` is null for an open-ended agreement.
 */
export function periodAndTermTotals(lines: readonly PricedLine[], taxRatePpm: number, periods: number | null) {
  const perPeriod = totalsFor(linesForPeriod(lines, false), taxRatePpm)
  const first = totalsFor(linesForPeriod(lines, true), taxRatePpm)
  const perTerm = periods === null ? null : cents(first.totalCents + perPeriod.totalCents * (periods - 1))
  return { perPeriod, firstPeriod: first, perTermCents: perTerm }
}
