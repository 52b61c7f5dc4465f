import { z } from 'zod'
import type { CompanyFormat } from '../domain/formatting.ts'
import { AgreementFilter, PriceChangeInput } from './agreements.ts'
import { requiredText } from './common.ts'
import type { PricedLineDto } from './quotes.ts'
import { BankPaymentInput, CardPaymentInput } from './signup.ts'
import type { PriceChange } from '../domain/renewal-terms.ts'

/** Renewal notices, renewal quotes, the hosted renewal pages and renewal settings (issue 12). */

const agreementId = z.string().regex(/^agr_[0-9a-z]{26}$/, { error: 'must be agreement ids' })

/** Which agreements: chosen ones (at most 1,000), or all matching a list filter. */
export const RenewalSelection = z.union(
  [
    z.object({ ids: z.array(agreementId, { error: 'must be a list of agreement ids' }).min(1, { error: 'must choose at least one agreement' }).max(1000, { error: 'must be at most 1,000 agreements (use all matching)' }) }),
    z.object({ filter: AgreementFilter }),
  ],
  { error: 'must be { ids: [...] } or { filter: {...} }' },
)
export type RenewalSelection = z.infer<typeof RenewalSelection>

/**
 * `notice`: the agreement ends on a date, what happens next, a link to renew at the next term's
 * configured price. `quote`: a renewal quote for the next term with `priceChange` (default none).
 */
export const RenewalRequest = z.object({
  kind: z.enum(['notice', 'quote'], { error: 'must be notice or quote' }),
  selection: RenewalSelection,
  priceChange: PriceChangeInput.optional(),
})
export type RenewalRequest = z.infer<typeof RenewalRequest>

export const RenewalPreviewInput = RenewalRequest.extend({
  /** How many agreements to preview in full (with the email); the totals count them all. */
  limit: z.number({ error: 'must be a number' }).int().min(1).max(200, { error: 'must be at most 200' }).default(20),
})

export const RenewalSendInput = RenewalRequest.extend({
  /** Made once per dialog by the client: a retry or a second click with it sends nothing again. */
  idempotencyKey: z.string({ error: 'is required' }).regex(/^[A-Za-z0-9_-]{16,100}$/, { error: 'must be 16-100 letters, digits, - or _' }),
})

export interface RenewalPreviewItem {
  agreementId: string
  number: number
  customerName: string
  name: string
  /** The current term's last day. */
  lastDay: string
  startDate: string
  endDate: string
  oldPerBillCents: number
  newPerBillCents: number
  intervalMonths: number
  changeText: string
  recipient: string
  email: { subject: string; text: string; html: string }
}

export interface RenewalSkip {
  agreementId: string
  number: number
  reason: string
}

export interface RenewalPreviewDto {
  kind: 'notice' | 'quote'
  /** Agreements selected (after the filter). */
  selected: number
  /** Of them, how many would get an email. */
  sendable: number
  items: RenewalPreviewItem[]
  /** Why the others would not (first 200). */
  skipped: RenewalSkip[]
}

export interface RenewalSendResultDto {
  batchId: string
  sent: number
  skipped: number
  /** True when this key was used before: nothing new was sent. */
  replayed: boolean
}

export interface RenewalNoticeDto {
  id: string
  kind: 'notice' | 'quote' | 'reminder' | 'auto_renew_notice'
  termEnd: string
  daysBefore: number | null
  startDate: string
  oldPerBillCents: number
  newPerBillCents: number
  priceChange: PriceChange
  status: 'sent' | 'opened' | 'accepted' | 'superseded' | 'expired'
  recipient: string | null
  sentAt: string
  openedAt: string | null
  acceptedAt: string | null
  newAgreementId: string | null
  signerName: string | null
  createdByName: string | null
}

export const RenewalSettingsInput = z.object({
  reminderDays: z
    .array(z.number({ error: 'must be numbers of days' }).int({ error: 'must be whole days' }).min(1, { error: 'must be at least 1 day' }).max(365, { error: 'must be at most 365 days' }), { error: 'must be a list of days' })
    .max(6, { error: 'must be at most 6 reminders' })
    .refine((d) => new Set(d).size === d.length, { error: 'must not repeat a day' }),
  autoRenewNoticeDays: z.number({ error: 'must be a number of days' }).int({ error: 'must be whole days' }).min(15, { error: 'must be at least 15 days (the law: 15 to 45)' }).max(45, { error: 'must be at most 45 days (the law: 15 to 45)' }),
})
export type RenewalSettingsDto = z.infer<typeof RenewalSettingsInput>

/** The customer's hosted renewal page (`/renew/<token>`). */
export interface PublicRenewalView {
  state: 'open' | 'accepted' | 'expired' | 'replaced'
  companyName: string
  /** The company's locale and time zone: the page writes dates as the office app and the e-mails do (it has no session). */
  format: CompanyFormat
  customerName: string
  agreement: { number: number; name: string; lastDay: string; location: string }
  offer: {
    kind: 'notice' | 'quote' | 'reminder' | 'auto_renew_notice'
    startDate: string
    endDate: string | null
    termMonths: number | null
    intervalMonths: number
    lines: PricedLineDto[]
    oldPerBillCents: number
    perBillCents: number
    changeText: string
    termsText: string
    /** Offered: the new term renews automatically with the customer's consent. */
    autoRenew: boolean
    autoRenewTerms: string | null
  }
  /** The card or bank account the agreement is billed to now (brand and last four only). */
  onFile: { kind: 'card' | 'ach'; brand: string | null; last4: string; expiry: string | null } | null
  tokenizerUrl: string
  tokenizerOrigin: string
  newAgreementNumber: number | null
}

export const RenewalTokenParams = z.object({ token: z.string().max(200, { error: 'is not a valid link' }) })

export const AcceptRenewalInput = z.object({
  signerName: requiredText(120),
  consent: z.literal(true, { error: 'must be ticked to sign' }),
  /** Consent to automatic renewal of the new term (only when offered; never required). */
  autoRenewConsent: z.boolean({ error: 'must be true or false' }).default(false),
  paymentMethod: z.discriminatedUnion('kind', [z.object({ kind: z.literal('on_file') }), CardPaymentInput, BankPaymentInput], {
    error: 'is required: use the payment method on file or add a card or bank account',
  }),
})
export type AcceptRenewalInput = z.infer<typeof AcceptRenewalInput>

/** The customer's manage-renewal page (`/auto-renewal/<token>`, linked from every notice and receipt). */
export interface ManageRenewalView {
  companyName: string
  /** The company's locale and time zone: the page writes dates as the office app and the e-mails do (it has no session). */
  format: CompanyFormat
  customerName: string
  agreement: { number: number; name: string; status: string; lastDay: string | null }
  autoRenew: boolean
  /** When on: the date and price it renews at. */
  renewsOn: string | null
  renewalPerBillCents: number | null
  intervalMonths: number
  turnedOffAt: string | null
}
