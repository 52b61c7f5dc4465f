import { z } from 'zod'
import { optionalText, PageQuery, requiredText } from './common.ts'
import { MAX_TAX_RATE_PPM } from '../domain/tax-rate.ts'
import type { PriceChange } from '../domain/renewal-terms.ts'
import { PriceChangeInput } from './price-change.ts'

export const BILLING_FREQUENCIES = ['monthly', 'quarterly', 'semiannual', 'annual', 'every_n_months'] as const
export type BillingFrequency = (typeof BILLING_FREQUENCIES)[number]

/** Months between bills for the fixed frequencies. */
export const FREQUENCY_MONTHS: Record<Exclude<BillingFrequency, 'every_n_months'>, number> = {
  monthly: 1,
  quarterly: 3,
  semiannual: 6,
  annual: 12,
}

/** Field rules shared by plan templates and quote options (one wording of every error). */
export const billingFrequencyField = z.enum(BILLING_FREQUENCIES, { error: 'must be monthly, quarterly, semiannual, annual or every_n_months' })
export const billingIntervalMonthsField = z
  .number({ error: 'must be a number of months' })
  .int({ error: 'must be a whole number of months' })
  .min(1, { error: 'must be at least 1 month' })
  .max(60, { error: 'must be at most 60 months' })
  .optional()
export const termMonthsField = z
  .number({ error: 'must be a number of months' })
  .int({ error: 'must be a whole number of months' })
  .min(1, { error: 'must be at least 1 month' })
  .max(120, { error: 'must be at most 120 months (10 years)' })
  .nullable()
export const visitsPerTermField = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'cannot be negative' })
  .max(52, { error: 'must be at most 52' })
  .default(0)
export const visitMonthsField = z
  .array(z.number({ error: 'must be a month 1-12' }).int().min(1, { error: 'must be a month 1-12' }).max(12, { error: 'must be a month 1-12' }))
  .max(12)
  .default([])
/** A sales tax rate in millionths of the amount: 8.875% is 88750 (exact to 0.0001%; see domain/tax-rate.ts). */
export const taxRatePpmField = z
  .number({ error: 'must be a rate in millionths (8.875% is 88750)' })
  .int({ error: 'must be a whole number of millionths (8.875% is 88750)' })
  .min(0, { error: 'cannot be negative' })
  .max(MAX_TAX_RATE_PPM, { error: 'must be at most 100%' })
  .default(0)

export const PlanInput = z
  .object({
    name: requiredText(200),
    description: optionalText(2000).default(''),
    priceCents: z
      .number({ error: 'must be an amount in cents' })
      .int({ error: 'must be a whole number of cents' })
      .min(0, { error: 'cannot be negative' })
      .max(10_000_000, { error: 'must be at most $100,000.00' }),
    billingFrequency: billingFrequencyField,
    billingIntervalMonths: billingIntervalMonthsField,
    termMonths: termMonthsField,
    visitsPerTerm: visitsPerTermField,
    visitMonths: visitMonthsField,
    termsText: optionalText(20000).default(''),
    isTaxable: z.boolean().default(false),
    taxRatePpm: taxRatePpmField,
    /** Agreements from this plan offer automatic renewal (the customer consents at sign-up). */
    autoRenew: z.boolean({ error: 'must be true or false' }).default(false),
    /** The next term's price change when it renews. */
    renewalChange: PriceChangeInput.default({ kind: 'none' }),
  })
  .superRefine((plan, ctx) => {
    if (plan.autoRenew && plan.termMonths === null)
      ctx.addIssue({ code: 'custom', path: ['autoRenew'], message: 'needs a term: an agreement with no end date has nothing to renew' })
    if (plan.billingFrequency === 'every_n_months' && plan.billingIntervalMonths === undefined)
      ctx.addIssue({ code: 'custom', path: ['billingIntervalMonths'], message: 'is required for every N months' })
    if (new Set(plan.visitMonths).size !== plan.visitMonths.length)
      ctx.addIssue({ code: 'custom', path: ['visitMonths'], message: 'must not repeat a month' })
    if (plan.visitMonths.length > 0 && plan.visitMonths.length !== plan.visitsPerTerm && plan.visitsPerTerm <= 12)
      ctx.addIssue({ code: 'custom', path: ['visitMonths'], message: 'must list one month per visit, or none' })
    if (plan.isTaxable && plan.taxRatePpm === 0)
      ctx.addIssue({ code: 'custom', path: ['taxRatePpm'], message: 'is required when the plan is taxable' })
    const interval = intervalMonths(plan)
    if (plan.termMonths !== null && plan.termMonths % interval !== 0)
      ctx.addIssue({ code: 'custom', path: ['termMonths'], message: `must be a multiple of the billing interval (${interval} months)` })
  })
export type PlanInput = z.infer<typeof PlanInput>

/** The billing interval in months for a frequency (and its N for every_n_months). */
export function intervalMonths(plan: { billingFrequency: BillingFrequency; billingIntervalMonths?: number | null }): number {
  return plan.billingFrequency === 'every_n_months' ? (plan.billingIntervalMonths ?? 1) : FREQUENCY_MONTHS[plan.billingFrequency]
}

export const PlanListQuery = PageQuery.extend({
  q: optionalText(200).optional(),
  archived: z.enum(['true', 'false']).default('false'),
})

export interface PlanDto {
  id: string
  name: string
  description: string
  priceCents: number
  currency: string
  billingFrequency: BillingFrequency
  billingIntervalMonths: number
  termMonths: number | null
  visitsPerTerm: number
  visitMonths: number[]
  termsText: string
  isTaxable: boolean
  taxRatePpm: number
  autoRenew: boolean
  renewalChange: PriceChange
  archivedAt: string | null
  createdAt: string
  updatedAt: string
}
