import type { BillingSettings } from './billing-settings.ts'

/**
 * What a charge is and how it can end: the types every step of a charge's life (charge.ts)
 * and its recording (record-outcome.ts) share.
 */

export interface PaymentMethodOnFile {
  id: string
  kind: 'card' | 'ach'
  profileId: string
  acctId: string
  brand: string | null
  last4: string
  isActive: boolean
}

/** One invoice of a charge and what the charge asks for it. */
export interface ChargePart {
  invoiceId: string
  amountCents: number
}

/**
 * What one gateway charge pays: every invoice of one agreement that is due (a catch-up of six
 * periods is one charge), or the one invoice the office retries. One order id, one transaction,
 * one payment, one receipt.
 */
export interface ChargeTarget {
  /** The first (oldest) invoice: the attempt's and the payment's `invoice_id`. */
  invoiceId: string
  /** Every invoice paid by the charge, oldest first (the first is `invoiceId`). */
  invoices: ChargePart[]
  /** What is still owed, over all of them: total minus paid. */
  amountCents: number
  paymentMethod: PaymentMethodOnFile | null
}

/** A charge target of one invoice. */
export const singleTarget = (invoiceId: string, amountCents: number, paymentMethod: PaymentMethodOnFile | null): ChargeTarget => ({
  invoiceId,
  invoices: [{ invoiceId, amountCents }],
  amountCents,
  paymentMethod,
})

/** A charge target of several invoices (oldest first) of one agreement. */
export function groupTarget(parts: ChargePart[], paymentMethod: PaymentMethodOnFile | null): ChargeTarget {
  return { invoiceId: parts[0]!.invoiceId, invoices: parts, amountCents: parts.reduce((s, p) => s + p.amountCents, 0), paymentMethod }
}

/** Default: the client read timeout plus a margin: after this long, "not found" at the gateway means never sent. */
export const DEFAULT_SETTLE_WINDOW_MS = 45_000

export interface ChargeContext {
  runId: string | null
  settings: BillingSettings
  /** After this long a "not found" inquiry means the charge never reached the gateway. */
  settleWindowMs: number
  /**
   * Called when the gateway refuses our credentials or merchant account: every further charge
   * would fail the same way, so a run stops claiming instead of failing invoices one by one.
   */
  halt?: (reason: string) => void
}

/** How one charge (or resolution) ended, for the run's counters. */
export type ChargeResult =
  | { kind: 'approved'; amountCents: number }
  | { kind: 'declined' }
  | { kind: 'retryable'; afterMs: number }
  | { kind: 'error' }
  | { kind: 'unresolved' }
  /** Nothing done: already paid, or another attempt is in flight. */
  | { kind: 'skipped' }
  /** A pending attempt turned out never to have reached the gateway: the invoice may be charged again. */
  | { kind: 'not_sent' }

/** A target whose pending attempt was inserted: charge it with this order id. */
export interface ClaimedCharge {
  orderId: string
  target: ChargeTarget & { paymentMethod: PaymentMethodOnFile }
}

/** A target the gateway can be asked to charge: an active payment method and something owed. */
export const isChargeable = (t: ChargeTarget): t is ClaimedCharge['target'] => t.paymentMethod !== null && t.paymentMethod.isActive && t.amountCents > 0
