import { addMonthsIso } from './iso-date.ts'
import { cents, formatUsd, percentOf } from './money.ts'
import { totalsFor, type PricedLine } from './pricing.ts'
import { dateText, percentText } from './quote-text.ts'

/**
 * The next term of an agreement: its dates, its lines and its price. Pure. Rules:
 * - The next term starts the day the current one ends (`endDate`, exclusive), so it follows with
 *   no gap and no overlap: the old term's last period ends where the new term's first begins.
 *   Accepted after the old term has already ended (expired), it starts on the day of acceptance.
 * - It has the same length, billing interval, visits, tax and terms; one-time lines (a setup fee)
 *   are not repeated.
 * - A price change applies to the recurring lines: a percent (basis points, e.g. 500 = +5%) to
 *   each line, rounded half away from zero once per line; an amount (cents per bill, may be
 *   negative) to the first line (the plan price); the plan's current price replaces the first
 *   line's amount. No line goes below zero.
 */
export type PriceChange =
  | { kind: 'none' }
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'amount'; amountCents: number }
  | { kind: 'plan_price' }

export type RenewalChangeKind = PriceChange['kind']

/** The stored pair (kind, value) as a price change. */
export function priceChangeOf(kind: RenewalChangeKind, value: number): PriceChange {
  if (kind === 'percent') return { kind, basisPoints: value }
  if (kind === 'amount') return { kind, amountCents: value }
  return { kind }
}

/** The stored value of a price change (basis points, cents or 0). */
export const priceChangeValue = (c: PriceChange) => (c.kind === 'percent' ? c.basisPoints : c.kind === 'amount' ? c.amountCents : 0)

/** The next term's lines: recurring lines only, with the price change applied. `planPriceCents` is the plan's price now (null: no plan). */
export function renewedLines(lines: readonly PricedLine[], change: PriceChange, planPriceCents: number | null): PricedLine[] {
  const recurring = lines.filter((l) => l.recurring).map((l) => ({ ...l }))
  const first = recurring[0]
  if (change.kind === 'percent') {
    for (const l of recurring) l.amountCents = Math.max(0, l.amountCents + percentOf(cents(l.amountCents), change.basisPoints))
  } else if (first && change.kind === 'amount') first.amountCents = Math.max(0, first.amountCents + change.amountCents)
  else if (first && change.kind === 'plan_price' && planPriceCents !== null) first.amountCents = planPriceCents
  return recurring
}

/** What the customer pays per bill (recurring lines with tax) for a set of lines. */
export const perBillCents = (lines: readonly PricedLine[], taxRatePpm: number) => totalsFor(lines.filter((l) => l.recurring), taxRatePpm).totalCents

export interface NextTerm {
  startDate: string
  /** Exclusive end; null when the agreement is open-ended (no next term: it never ends). */
  endDate: string | null
  termMonths: number | null
}

/**
 * The next term's dates. `endDate` is the current term's exclusive end; `acceptedOn` the
 * company-local day it is accepted or renewed.
 */
export function nextTermDates(a: { endDate: string; termMonths: number | null; startDate: string }, acceptedOn: string): NextTerm {
  const startDate = acceptedOn > a.endDate ? acceptedOn : a.endDate
  const termMonths = a.termMonths ?? monthsBetween(a.startDate, a.endDate)
  return { startDate, endDate: addMonthsIso(startDate, termMonths), termMonths }
}

/** Whole months from `from` to `to` (at least 1): the length of a term whose end was set by date. */
function monthsBetween(from: string, to: string): number {
  const [y1, m1] = from.split('-').map(Number)
  const [y2, m2] = to.split('-').map(Number)
  return Math.max(1, (y2 - y1) * 12 + (m2 - m1))
}

/** "a 5% increase", "$10.00 more per bill", "the plan's current price", "the same price". */
export function priceChangeText(change: PriceChange): string {
  if (change.kind === 'percent')
    return change.basisPoints === 0 ? 'the same price' : `a ${percentText(Math.abs(change.basisPoints))} ${change.basisPoints > 0 ? 'increase' : 'decrease'}`
  if (change.kind === 'amount')
    return change.amountCents === 0 ? 'the same price' : `${formatUsd(Math.abs(change.amountCents))} ${change.amountCents > 0 ? 'more' : 'less'} per bill`
  if (change.kind === 'plan_price') return "the plan's current price"
  return 'the same price'
}

/** "per month", "every 3 months". */
export const everyText = (intervalMonths: number) => (intervalMonths === 1 ? 'per month' : `every ${intervalMonths} months`)

/**
 * The automatic-renewal terms a customer consents to (California BPC §17601(b): that it
 * continues until cancelled, the cancellation policy, the recurring charge and how it may
 * change, the renewal term's length, and no minimum purchase beyond the current term), shown
 * next to the consent checkbox and repeated in the acknowledgment email. Versioned by its hash.
 */
export function autoRenewTermsText(o: {
  companyName: string
  termMonths: number
  intervalMonths: number
  perBillCents: number
  change: PriceChange
  noticeDays: number
}): string {
  const price = `${formatUsd(o.perBillCents)} ${everyText(o.intervalMonths)}`
  const changeText = priceChangeText(o.change)
  const change =
    changeText === 'the same price'
      ? `at the same price (${price}, tax included)`
      : `at ${changeText} over the term before it (now ${price}, tax included); the exact price is in the reminder`
  return [
    `Automatic renewal: this agreement renews automatically for another ${o.termMonths}-month term at the end of each term, ${change}, and continues until you cancel.`,
    `Each renewal is charged to the payment method on file, ${everyText(o.intervalMonths)}.`,
    `We email you a reminder with the renewal price and how to cancel ${o.noticeDays} days before each term of a year or more ends.`,
    `Cancel any time before a term ends: turn off automatic renewal online from the link in any notice or receipt from ${o.companyName}, with no call needed; the current term then ends as agreed. There is no minimum purchase beyond the current term.`,
  ].join(' ')
}

/** "Renews on Mar 1, 2027 at $31.49 per month." */
export const renewsOnText = (startDate: string, perBill: number, intervalMonths: number) => `${dateText(startDate)} at ${formatUsd(perBill)} ${everyText(intervalMonths)}`
