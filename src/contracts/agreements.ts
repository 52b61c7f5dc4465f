import { z } from 'zod'
import { optionalText, PageQuery, requiredText } from './common.ts'
import { PriceChangeInput } from './price-change.ts'
import type { PricedLineDto, TotalsDto } from './quotes.ts'
import type { PaymentMethodSummary } from '../domain/payment-method.ts'
import type { PriceChange } from '../domain/renewal-terms.ts'

/** Agreement shapes shared by the API and the office web app. */

export const AGREEMENT_STATUSES = ['pending_approval', 'active', 'suspended', 'rejected', 'closed', 'expired', 'renewed'] as const
export type AgreementStatusName = (typeof AGREEMENT_STATUSES)[number]
/** List filter statuses: the agreement statuses, plus `payment_failed` (an unpaid failed invoice). */
export const AGREEMENT_FILTER_STATUSES = [...AGREEMENT_STATUSES, 'payment_failed'] as const
export const AGREEMENT_SORTS = ['createdAt', 'number', 'customer', 'endDate', 'nextBillDate', 'startDate'] as const
export type AgreementSort = (typeof AGREEMENT_SORTS)[number]

const queryDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2027-03-31' }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { error: 'is not a real calendar date' })
const queryBool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true')

/**
 * Which agreements (the list, its CSV export, and "all matching" in bulk renewals). Values come
 * from a query string or JSON alike. Open-ended agreements never match `expiringWithin`.
 */
export const AgreementFilter = z.object({
  q: optionalText(200).optional(),
  customerId: z.string().regex(/^cus_[0-9a-z]{26}$/, { error: 'is not a customer id' }).optional(),
  status: z.enum(AGREEMENT_FILTER_STATUSES, { error: 'is not an agreement status' }).optional(),
  /** Active or suspended, not renewed, with the term ending within this many days (from today). */
  expiringWithin: z.coerce.number({ error: 'must be a number of days' }).int({ error: 'must be a whole number of days' }).min(0, { error: 'cannot be negative' }).max(3650, { error: 'must be at most 3650 days' }).optional(),
  planId: z.string().regex(/^pln_[0-9a-z]{26}$/, { error: 'is not a plan id' }).optional(),
  billingIntervalMonths: z.coerce.number({ error: 'must be a number of months' }).int({ error: 'must be a whole number of months' }).min(1, { error: 'must be at least 1 month' }).max(60, { error: 'must be at most 60 months' }).optional(),
  nextBillFrom: queryDate.optional(),
  nextBillTo: queryDate.optional(),
  autoRenew: z.union([z.boolean(), queryBool], { error: 'must be true or false' }).optional(),
  /** True: the term includes today (begun, not ended), what the dashboard's active and MRR tiles count; false: the others. */
  inTerm: z.union([z.boolean(), queryBool], { error: 'must be true or false' }).optional(),
  /** Sent a renewal notice or quote (with its link) on or after this company-local date. */
  renewalSentFrom: queryDate.optional(),
  /** A renewal accepted on or after this company-local date. */
  renewalAcceptedFrom: queryDate.optional(),
})
export type AgreementFilter = z.infer<typeof AgreementFilter>

export const AgreementListQuery = PageQuery.extend(AgreementFilter.shape).extend({
  sort: z.enum(AGREEMENT_SORTS, { error: `must be one of ${AGREEMENT_SORTS.join(', ')}` }).default('createdAt'),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
  /** The `nextCursor` of the previous page (keyset paging; `page` is ignored when given). */
  cursor: z.string().max(300, { error: 'is not a valid cursor' }).regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a valid cursor' }).optional(),
})
export type AgreementListQuery = z.infer<typeof AgreementListQuery>

export const AgreementExportQuery = AgreementFilter.extend({
  sort: z.enum(AGREEMENT_SORTS, { error: `must be one of ${AGREEMENT_SORTS.join(', ')}` }).default('createdAt'),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
})

export const RejectAgreementInput = z.object({ reason: requiredText(1000) })

export interface AgreementSummaryDto {
  id: string
  number: number
  customerId: string
  customerName: string
  name: string
  status: AgreementStatusName
  startDate: string
  endDate: string | null
  billingIntervalMonths: number
  perPeriodCents: number
  planId: string | null
  planName: string | null
  autoRenew: boolean
  /** First day of the next unbilled period; null when nothing more is billed. */
  nextBillDate: string | null
  renewedById: string | null
  closeOn: string | null
  createdAt: string
}

/** A list page: `nextCursor` fetches the next one (null at the end); `total` counts every match. */
export interface AgreementPage {
  items: AgreementSummaryDto[]
  total: number
  page: number
  pageSize: number
  nextCursor: string | null
}

export interface WorkOrderDto {
  id: string
  description: string
  windowStart: string
  windowEnd: string
  status: string
  locationId: string
}

export interface AgreementDto {
  id: string
  number: number
  customerId: string
  customerName: string
  location: { id: string; label: string; line1: string; line2: string; city: string; region: string; postalCode: string }
  quoteId: string | null
  quoteNumber: number | null
  name: string
  status: AgreementStatusName
  statusReason: string
  billingIntervalMonths: number
  startDate: string
  termMonths: number | null
  endDate: string | null
  visitsPerTerm: number
  visitMonths: number[]
  lines: PricedLineDto[]
  taxRatePpm: number
  termsText: string
  totals: { perPeriod: TotalsDto; firstPeriod: TotalsDto; perTermCents: number | null }
  paymentMethod: PaymentMethodSummary | null
  /** Invoices unpaid after a failed payment, oldest first: while any remain a suspended agreement cannot be reactivated. */
  failedInvoices: { id: string; number: number; owedCents: number }[]
  signature: {
    signerName: string
    signedAt: string
    ipAddress: string
    userAgent: string
    termsSha256: string
    documentSha256: string
    revision: number
    optionName: string
  } | null
  approvedAt: string | null
  approvedByName: string | null
  workOrders: WorkOrderDto[]
  autoRenew: boolean
  autoRenewConsentAt: string | null
  autoRenewOffBy: 'customer' | 'office' | null
  renewalChange: PriceChange
  renewalOf: { id: string; number: number } | null
  renewedBy: { id: string; number: number; startDate: string } | null
  nextBillDate: string | null
  closeOn: string | null
  closeReason: string
  endedOn: string | null
  createdAt: string
}

export { PriceChangeInput }

export const AutoRenewInput = z.object({
  autoRenew: z.boolean({ error: 'must be true or false' }),
  change: PriceChangeInput.default({ kind: 'none' }),
})

export const CloseAgreementInput = z.object({
  reason: optionalText(500).default(''),
  /** `now` (default): billing stops today, future visits are cancelled; `period_end`: at the end of the current period. */
  when: z.enum(['now', 'period_end'], { error: 'must be now or period_end' }).default('now'),
  /** Closing now: refund the unused part of the current period (prorated) and any period paid ahead. */
  refund: z.boolean({ error: 'must be true or false' }).default(false),
  requestedBy: z.enum(['office', 'customer'], { error: 'must be office or customer' }).default('office'),
})
export type CloseAgreementInput = z.infer<typeof CloseAgreementInput>
export const ClosePreviewQuery = z.object({
  when: z.enum(['now', 'period_end'], { error: 'must be now or period_end' }).default('now'),
  refund: queryBool.default(false),
})

/** What closing would do (and, once done, did): when billing stops, refunds, invoices voided, visits cancelled. */
export interface ClosePlanDto {
  agreementId: string
  when: 'now' | 'period_end'
  /** The last day of service (company-local). */
  lastServiceDay: string
  /** Billing stops here (exclusive). */
  endDate: string
  refunds: { paymentId: string; invoiceId: string; invoiceNumber: number; periodStart: string; periodEnd: string; paidCents: number; refundCents: number; unusedDays: number; periodDays: number }[]
  refundCents: number
  voidInvoices: { invoiceId: string; invoiceNumber: number; totalCents: number }[]
  /** Unpaid invoices of periods already under way: left for the office to collect or void. */
  unpaidInvoices: { invoiceId: string; invoiceNumber: number; owedCents: number }[]
  visitsCancelled: number
}
