import { z } from 'zod'
import { email, optionalText, PageQuery, requiredText } from './common.ts'
import {
  billingFrequencyField,
  billingIntervalMonthsField,
  intervalMonths,
  taxRatePpmField,
  termMonthsField,
  visitMonthsField,
  visitsPerTermField,
  type BillingFrequency,
} from './plans.ts'
import { PriceChangeInput } from './price-change.ts'
import type { PriceChange } from '../domain/renewal-terms.ts'

/** Quote shapes shared by the API and the office web app (issue 4). */

export const QUOTE_STATUSES = ['draft', 'sent', 'viewed', 'accepted', 'declined', 'expired'] as const
export type QuoteStatusName = (typeof QUOTE_STATUSES)[number]

export const MAX_OPTIONS = 3
export const MAX_EXTRA_LINES = 20

const moneyCents = (max = 10_000_000, maxText = '$100,000.00') =>
  z
    .number({ error: 'must be an amount in cents' })
    .int({ error: 'must be a whole number of cents' })
    .min(0, { error: 'cannot be negative' })
    .max(max, { error: `must be at most ${maxText}` })

/** A calendar date `YYYY-MM-DD` that exists (no Feb 30), between 2000 and 2099. */
export const isoDate = z
  .string({ error: 'is required' })
  .regex(/^20\d\d-\d\d-\d\d$/, { error: 'must be a date like 2027-03-31' })
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
  }, { error: 'is not a real calendar date' })

export const ExtraLineInput = z.object({
  description: requiredText(200),
  amountCents: moneyCents(),
  recurring: z.boolean({ error: 'must be true or false' }),
  taxable: z.boolean({ error: 'must be true or false' }),
})
export type ExtraLineInput = z.infer<typeof ExtraLineInput>

export const QuoteOptionInput = z.object({
  name: requiredText(120),
  description: optionalText(2000).default(''),
  planId: z.string().regex(/^pln_[0-9a-z]{26}$/, { error: 'is not a plan id' }).nullable().default(null),
  priceCents: moneyCents(),
  isTaxable: z.boolean({ error: 'must be true or false' }).default(false),
  billingFrequency: billingFrequencyField,
  billingIntervalMonths: billingIntervalMonthsField,
  termMonths: termMonthsField,
  visitsPerTerm: visitsPerTermField,
  visitMonths: visitMonthsField,
  extraLines: z.array(ExtraLineInput).max(MAX_EXTRA_LINES, { error: `must be at most ${MAX_EXTRA_LINES} lines` }).default([]),
  /** Offer automatic renewal (default: as the plan says; ad hoc options: no). */
  autoRenew: z.boolean({ error: 'must be true or false' }).optional(),
  /** The next term's price change when it renews (default: the plan's). */
  renewalChange: PriceChangeInput.optional(),
})
export type QuoteOptionInput = z.infer<typeof QuoteOptionInput>

export const QuoteInput = z
  .object({
    customerId: z.string({ error: 'is required' }).regex(/^cus_[0-9a-z]{26}$/, { error: 'is required' }),
    locationId: z.string({ error: 'is required' }).regex(/^loc_[0-9a-z]{26}$/, { error: 'is required' }),
    title: optionalText(200).default(''),
    startDate: isoDate,
    expiresOn: isoDate,
    taxRatePpm: taxRatePpmField,
    termsText: optionalText(20000).default(''),
    options: z
      .array(QuoteOptionInput, { error: 'must list the options' })
      .min(1, { error: 'must have at least one option' })
      .max(MAX_OPTIONS, { error: `must have at most ${MAX_OPTIONS} options` }),
  })
  .superRefine((q, ctx) => {
    q.options.forEach((o, i) => {
      const at = (field: string) => ['options', i, field]
      if (o.billingFrequency === 'every_n_months' && o.billingIntervalMonths === undefined)
        ctx.addIssue({ code: 'custom', path: at('billingIntervalMonths'), message: 'is required for every N months' })
      if (new Set(o.visitMonths).size !== o.visitMonths.length) ctx.addIssue({ code: 'custom', path: at('visitMonths'), message: 'must not repeat a month' })
      if (o.visitMonths.length > 0 && o.visitMonths.length !== o.visitsPerTerm && o.visitsPerTerm <= 12)
        ctx.addIssue({ code: 'custom', path: at('visitMonths'), message: 'must list one month per visit, or none' })
      const interval = intervalMonths(o)
      if (o.termMonths !== null && o.termMonths % interval !== 0)
        ctx.addIssue({ code: 'custom', path: at('termMonths'), message: `must be a multiple of the billing interval (${interval} months)` })
      if (o.termMonths !== null && o.visitMonths.length > 0 && o.termMonths < 12) {
        const covered = monthsCovered(q.startDate, o.termMonths)
        const outside = o.visitMonths.filter((m) => !covered.has(m))
        if (outside.length) ctx.addIssue({ code: 'custom', path: at('visitMonths'), message: 'must fall within the term' })
      }
      if (o.extraLines.length === 0 && o.priceCents === 0) ctx.addIssue({ code: 'custom', path: at('priceCents'), message: 'must be more than $0.00' })
      if (o.autoRenew && o.termMonths === null) ctx.addIssue({ code: 'custom', path: at('autoRenew'), message: 'needs a term: an agreement with no end date has nothing to renew' })
    })
    const names = q.options.map((o) => o.name.toLowerCase())
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['options', i, 'name'], message: 'must differ from the other options' })
    })
  })
export type QuoteInput = z.infer<typeof QuoteInput>

/** The calendar months (1-12) touched by `months` months from `start`. */
function monthsCovered(start: string, months: number): Set<number> {
  const first = Number(start.slice(5, 7))
  return new Set(Array.from({ length: months }, (_, i) => ((first - 1 + i) % 12) + 1))
}

/** What the quote list sorts by: when it was written, when it was last sent (never-sent last), its expiry, number, customer. */
export const QUOTE_SORTS = ['createdAt', 'sentAt', 'expiresOn', 'number', 'customer'] as const

export const QuoteListQuery = PageQuery.extend({
  q: optionalText(200).optional(),
  customerId: z.string().regex(/^cus_[0-9a-z]{26}$/, { error: 'is not a customer id' }).optional(),
  status: z.enum(QUOTE_STATUSES, { error: 'is not a quote status' }).optional(),
  sort: z.enum(QUOTE_SORTS, { error: `must be one of ${QUOTE_SORTS.join(', ')}` }).default('createdAt'),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
})
export type QuoteListQuery = z.infer<typeof QuoteListQuery>

export const SendQuoteInput = z.object({
  /** Defaults to the customer's primary contact's email. */
  to: email.optional(),
})

export const RevisionQuery = z.object({
  revision: z.coerce.number({ error: 'must be a revision number' }).int().min(1).max(1000).optional(),
})

export interface PricedLineDto {
  description: string
  amountCents: number
  recurring: boolean
  taxable: boolean
}

export interface TotalsDto {
  subtotalCents: number
  taxableCents: number
  taxCents: number
  totalCents: number
}

export interface QuoteOptionDto {
  id: string
  position: number
  planId: string | null
  name: string
  description: string
  priceCents: number
  isTaxable: boolean
  billingFrequency: BillingFrequency
  billingIntervalMonths: number
  termMonths: number | null
  visitsPerTerm: number
  visitMonths: number[]
  extraLines: PricedLineDto[]
  /** The plan price line first, then the extra lines: what the agreement will bill. */
  lines: PricedLineDto[]
  /** Automatic renewal is offered (the customer may consent at sign-up), with this price change. */
  autoRenew: boolean
  renewalChange: PriceChange
  totals: {
    perPeriod: TotalsDto
    firstPeriod: TotalsDto
    /** Null when open-ended. */
    perTermCents: number | null
    periodsPerTerm: number | null
  }
}

export interface QuoteRevisionDto {
  revision: number
  locationId: string
  location: { label: string; line1: string; line2: string; city: string; region: string; postalCode: string }
  title: string
  startDate: string
  expiresOn: string
  taxRatePpm: number
  termsText: string
  recipientEmail: string | null
  createdAt: string
  sentAt: string | null
  options: QuoteOptionDto[]
}

export interface QuoteDto {
  id: string
  number: number
  customerId: string
  customerName: string
  status: QuoteStatusName
  currentRevision: number
  acceptedOptionId: string | null
  agreementId: string | null
  sentAt: string | null
  viewedAt: string | null
  respondedAt: string | null
  declineReason: string
  createdAt: string
  updatedAt: string
  /** The revision asked for (the current one by default). */
  revision: QuoteRevisionDto
  revisions: { revision: number; sentAt: string | null; createdAt: string }[]
}

export interface QuoteSummaryDto {
  id: string
  number: number
  customerId: string
  customerName: string
  title: string
  status: QuoteStatusName
  currentRevision: number
  expiresOn: string
  optionCount: number
  createdAt: string
  /** When the quote was last emailed; null for one never sent. */
  sentAt: string | null
  /**
   * Each bill of the accepted option, else of the cheapest option of the current revision (`from` when
   * the options differ), tax included; null for a quote without options.
   */
  amount: { perPeriodCents: number; billingFrequency: BillingFrequency; billingIntervalMonths: number; from: boolean } | null
}
