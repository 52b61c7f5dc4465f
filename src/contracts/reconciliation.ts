import { z } from 'zod'

/** Shared by the API and the office web app's Reconciliation page. */

const isoDate = z
  .string({ error: 'must be a date (YYYY-MM-DD)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date (YYYY-MM-DD)' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, { error: 'is not a real date' })

/** Company-local days, both included; default the 7 days up to today. */
export const ReconcileInput = z.object({ from: isoDate.optional(), to: isoDate.optional() })
export type ReconcileInput = z.infer<typeof ReconcileInput>

export type MismatchKindDto = 'charged_not_recorded' | 'recorded_not_charged' | 'amount_differs' | 'not_in_ledger' | 'ledger_not_in_books' | 'bank_payment_returned'

export interface ReconcileSideDto {
  count: number
  cents: number
}

export interface ReconciliationDto {
  from: string
  to: string
  days: { day: string; gateway: ReconcileSideDto | null; books: ReconcileSideDto; ledger: ReconcileSideDto | null; mismatches: number }[]
  mismatches: {
    kind: MismatchKindDto
    day: string
    message: string
    link: { label: string; href: string }
    paymentId: string | null
    invoiceNumber: string | null
    gatewayRef: string | null
    ledgerId: string | null
    bookCents: number | null
    otherCents: number | null
  }[]
  returnsApplied: number
  ledgerConnected: boolean
  warnings: string[]
}
