import { z } from 'zod'
import { optionalText, PageQuery, type Page } from './common.ts'
import { TIME_OF_DAY } from '../domain/automatic-billing.ts'
import { NewPaymentMethodInput } from './signup.ts'

/** Shared by the API and the office web app's Billing page. */

/** Billing in advance goes at most this far: a run never bills more than a month ahead. */
export const MAX_BILL_AHEAD_DAYS = 31

const isoDate = z
  .string({ error: 'must be a date (YYYY-MM-DD)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date (YYYY-MM-DD)' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, {
    error: 'is not a real date',
  })

export const BillingThroughQuery = z.object({ through: isoDate.optional() })
export const StartRunInput = z.object({ through: isoDate.optional() })

export const InvoiceListQuery = PageQuery.extend({
  /** Invoice number, customer name or agreement name. */
  q: optionalText(200).optional(),
  status: z.enum(['open', 'paid', 'failed', 'void', 'refunded']).optional(),
  agreementId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'is not a valid id' }).optional(),
  customerId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'is not a valid id' }).optional(),
  /** Invoices a billing run created or charged (retries included). */
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'is not a valid id' }).optional(),
  /** Created on or after / on or before these company-local dates. */
  createdFrom: isoDate.optional(),
  createdTo: isoDate.optional(),
  /** true: what counts as billed (every status but void), the dashboard's billed tile with createdFrom/createdTo. */
  billed: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
})
export type InvoiceListQuery = z.infer<typeof InvoiceListQuery>

/** Payments received between two company-local dates (the dashboard's collected tile opens this month's). */
export const PaymentListQuery = PageQuery.extend({
  receivedFrom: isoDate.optional(),
  receivedTo: isoDate.optional(),
}).refine((q) => !q.receivedFrom || !q.receivedTo || q.receivedFrom <= q.receivedTo, { error: 'must not be before receivedFrom', path: ['receivedTo'] })
export type PaymentListQuery = z.infer<typeof PaymentListQuery>

export interface PaymentRowDto {
  id: string
  invoiceId: string
  invoiceNumber: number
  customerId: string
  customerName: string
  method: 'card' | 'ach' | 'offline'
  reference: string
  amountCents: number
  refundedCents: number
  status: 'approved' | 'voided' | 'refunded' | 'partially_refunded'
  /** What the payment still brings in: nothing when voided, else the amount less refunds. */
  keptCents: number
  receivedAt: string
}

/** An approved void or refund, dated by when it was made (not when its payment was received). */
export interface ReversalRowDto {
  id: string
  kind: 'void' | 'refund'
  amountCents: number
  reason: string
  resolvedAt: string
  paymentId: string
  paymentReceivedAt: string
  invoiceId: string
  invoiceNumber: number
  customerId: string
  customerName: string
}

/**
 * A page of payments and, over every match: what they still bring in (`keptCents`, refunds made
 * at any time subtracted); their amounts as received (`receivedCents`); the voids and refunds made
 * on these dates, whichever day their payments came in (`reversals`, newest 50 listed); and
 * `collectedCents`, the cash collected on these dates as the dashboard counts it (received less
 * reversed on these dates: the "Collected this month" tile equals it).
 */
export type PaymentPage = Page<PaymentRowDto> & {
  keptCents: number
  receivedCents: number
  collectedCents: number
  reversals: { items: ReversalRowDto[]; total: number; cents: number }
}

const cents = z.number({ error: 'must be a whole number of cents' }).int({ error: 'must be a whole number of cents' })

export const OfflinePaymentInput = z.object({
  amountCents: cents.min(1, { error: 'must be more than zero' }).max(100_000_000, { error: 'is too large' }),
  method: z.enum(['check', 'cash', 'bank_transfer', 'other'], { error: 'must be check, cash, bank_transfer or other' }),
  reference: optionalText(100).default(''),
  note: optionalText(1000).default(''),
  receivedOn: isoDate,
})
export type OfflinePaymentInput = z.infer<typeof OfflinePaymentInput>

export const RefundInput = z.object({
  /** Omitted: everything not yet refunded. */
  amountCents: cents.min(1, { error: 'must be more than zero' }).optional(),
  reason: optionalText(500).default(''),
})
export type RefundInput = z.infer<typeof RefundInput>

export const ReasonInput = z.object({ reason: optionalText(500).default('') })

export const BillingSettingsInput = z.object({
  /** Suspend the agreement and its work orders when a payment fails (off by default). */
  suspendOnFailure: z.boolean({ error: 'must be true or false' }),
  /** Email the customer a link to update their payment details when a payment fails. */
  emailOnFailure: z.boolean({ error: 'must be true or false' }),
  /** Days after the first failure to retry declines that may clear (insufficient funds…). */
  retryDays: z
    .array(z.number().int().min(1, { error: 'must be 1 to 30 days' }).max(30, { error: 'must be 1 to 30 days' }), { error: 'must be a list of days' })
    .max(6, { error: 'at most 6 retries' }),
  /** Retries of gateway errors (nothing charged) before giving up. */
  maxSoonRetries: z.number().int().min(0, { error: 'must be 0 to 20' }).max(20, { error: 'must be 0 to 20' }),
  /** Charges in flight at once during a run. */
  concurrency: z.number().int().min(1, { error: 'must be 1 to 256' }).max(256, { error: 'must be 1 to 256' }),
  /** Run Bill all by itself every day at `autoBillTime` (HH:MM, company time zone); off by default. */
  autoBill: z.boolean({ error: 'must be true or false' }),
  autoBillTime: z.string({ error: 'must be a time like 06:00' }).regex(TIME_OF_DAY, { error: 'must be a time like 06:00 (24-hour)' }),
  /**
   * Billing in advance: a run may bill periods starting up to this many days after today (and
   * bills through there by default, the automatic run too); 0, the default, bills through today.
   */
  billAheadDays: z
    .number({ error: 'must be a whole number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(0, { error: 'must be 0 to 31 days' })
    .max(MAX_BILL_AHEAD_DAYS, { error: 'must be 0 to 31 days' })
    .default(0),
})

/** The company's billing rules, as stored, sent and edited (see services/billing/billing-settings.ts). */
export type BillingSettingsDto = z.output<typeof BillingSettingsInput>

export const PaymentUpdateParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'is not a valid link' }) })
/** The update-payment page: a new card or bank account, as the sign-up page takes them; `name` is the cardholder's. */
export const PaymentUpdateInput = z.object({
  paymentMethod: NewPaymentMethodInput,
  name: optionalText(200).default(''),
  postalCode: z.string().trim().regex(/^(\d{5}(-\d{4})?)?$/, { error: 'must be a ZIP code like 12345' }).default(''),
})
export type PaymentUpdateInput = z.infer<typeof PaymentUpdateInput>

/** What a billing run has done so far; kept on the run row and shown as its progress. */
export interface RunCounters {
  agreementsDue: number
  invoicesCreated: number
  invoicesToCharge: number
  charged: number
  approved: number
  declined: number
  errors: number
  unresolved: number
  recovered: number
  billedCents: number
  collectedCents: number
}

export interface RunDto extends RunCounters {
  id: string
  throughDate: string
  status: 'running' | 'completed' | 'failed' | 'interrupted'
  phase: string
  error: string | null
  startedAt: string
  finishedAt: string | null
  startedByName: string | null
  /** Started by the daily automatic billing, not by a person. */
  automatic: boolean
}

export interface InvoiceRowDto {
  id: string
  number: number
  customerId: string
  customerName: string
  agreementId: string
  agreementName: string
  periodStart: string
  periodLastDay: string
  totalCents: number
  paidCents: number
  refundedCents: number
  status: string
  failureCode: string | null
  createdAt: string
}

export interface FailedPaymentDto {
  invoiceId: string
  invoiceNumber: number
  customerId: string
  customerName: string
  agreementId: string
  agreementName: string
  agreementStatus: string
  amountCents: number
  reason: string
  reasonText: string
  message: string | null
  attempts: number
  retryState: string | null
  /** The company-local date of the next scheduled retry (a gateway-error retry: today, i.e. the next run). */
  nextRetryDate: string | null
  lastAttemptAt: string | null
}

/** A void or refund of one of the invoice's payments, as the invoice detail lists it (newest first). */
export interface PaymentReversalDto {
  id: string
  paymentId: string
  kind: 'void' | 'refund'
  amountCents: number
  /** `pending`: the gateway's answer was lost and is being confirmed from its records. */
  status: 'pending' | 'approved' | 'declined' | 'failed'
  /** Why it was declined or failed (the gateway's words); null while pending or once approved. */
  message: string | null
  reason: string
  createdAt: string
  resolvedAt: string | null
}

/** The answer of `POST /api/billing/reversals/:id/confirm`. */
export interface ReversalConfirmDto {
  id: string
  status: PaymentReversalDto['status']
}

/** What `POST …/payment-link` answers: the link went (or had gone moments ago) to `to`. */
export interface PaymentLinkSent {
  invoiceId: string
  invoiceNumber: number
  to: string
  sentAt: string
  /** True when this request sent nothing because a link went out moments ago. */
  alreadySent: boolean
}
