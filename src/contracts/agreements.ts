import { z } from 'zod'
import { optionalText, PageQuery, requiredText } from './common.ts'
import type { PricedLineDto, TotalsDto } from './quotes.ts'
import type { PaymentMethodSummary } from '../domain/payment-method.ts'

/** Agreement shapes shared by the API and the office web app. */

export const AGREEMENT_STATUSES = ['pending_approval', 'active', 'suspended', 'rejected', 'closed'] as const
export type AgreementStatusName = (typeof AGREEMENT_STATUSES)[number]

export const AgreementListQuery = PageQuery.extend({
  q: optionalText(200).optional(),
  customerId: z.string().regex(/^cus_[0-9a-z]{26}$/, { error: 'is not a customer id' }).optional(),
  status: z.enum(AGREEMENT_STATUSES, { error: 'is not an agreement status' }).optional(),
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
  createdAt: string
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
  createdAt: string
}
