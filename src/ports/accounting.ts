import type { Cents } from '../domain/money.ts'

/** A calendar date, `YYYY-MM-DD`. */
type IsoDate = string

/**
 * What Servicebook needs from an accounting system (QuickBooks Online today). Vendor-neutral:
 * amounts are cents, dates ISO calendar dates, records are known by the ledger's opaque ids,
 * and every call ends in one `AccountingOutcome`.
 *
 * Exactly-once pushes: persist a request id with the queued work and pass it on every try.
 * After `indeterminate`, look the record up by our reference (`findInvoiceByNumber`,
 * `findPaymentByReference`) before creating again: request-id replay is not guaranteed by the
 * vendor. `rate_limited` and `retryable` mean nothing was stored.
 */
export interface AccountingLedger {
  /** The connected company (its name, for the office to see what it is connected to). */
  company(): Promise<AccountingOutcome<LedgerCompany>>

  /** A customer by the ledger id stored earlier, else by e-mail, else by display name (inactive included). */
  findCustomer(match: { ledgerId?: string; email?: string; displayName?: string }): Promise<AccountingOutcome<LedgerCustomer | null>>
  /**
   * Many customers in a few requests (a push round's worth): active ones with any of these
   * e-mails, and any (inactive included) with one of these display names. Callers match locally,
   * e-mail first, as `findCustomer` does.
   */
  findCustomers(match: { emails: string[]; displayNames: string[] }): Promise<AccountingOutcome<LedgerCustomer[]>>
  createCustomer(input: NewLedgerCustomer, options: WriteOptions): Promise<AccountingOutcome<LedgerCustomer>>
  /** Makes an inactive customer active again (a matched customer we bill again). Idempotent. */
  reactivateCustomer(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerCustomer>>

  findInvoiceByNumber(number: string): Promise<AccountingOutcome<LedgerInvoice | null>>
  createInvoice(input: NewLedgerInvoice, options: WriteOptions): Promise<AccountingOutcome<LedgerInvoice>>

  /** A payment of a customer whose memo carries our reference (e.g. our payment id). */
  findPaymentByReference(match: { customerLedgerId: string; reference: string }): Promise<AccountingOutcome<LedgerPayment | null>>
  createPayment(input: NewLedgerPayment, options: WriteOptions): Promise<AccountingOutcome<LedgerPayment>>
  /** Voids a payment (kept, zeroed; its invoice is owed again). */
  voidPayment(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerPayment>>

  /** Voids an invoice (kept, zeroed, its payments unapplied). Idempotent. */
  voidInvoice(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerInvoice>>

  /**
   * Money paid back to a customer after a refund at the gateway: a refund receipt (not a credit
   * memo: the money has already left, so nothing stays owed to the customer).
   */
  findRefundByReference(match: { customerLedgerId: string; reference: string }): Promise<AccountingOutcome<LedgerRefund | null>>
  createRefund(input: NewLedgerRefund, options: WriteOptions): Promise<AccountingOutcome<LedgerRefund>>

  /** Payments dated from..to inclusive, for reconciliation. */
  listPayments(range: { from: IsoDate; to: IsoDate }): Promise<AccountingOutcome<LedgerPayment[]>>
}

export interface WriteOptions {
  /** Idempotency key for this write; the same on every retry of the same work (≤ 50 characters). */
  requestId: string
}

export interface LedgerCompany {
  realmId: string
  name: string
}

export interface LedgerCustomer {
  ledgerId: string
  displayName: string
  email: string | null
  isActive: boolean
}

export interface NewLedgerCustomer {
  displayName: string
  email?: string
  phone?: string
  companyName?: string
  /** Our id (e.g. `cus_…`), kept in the ledger's notes so the record traces back. */
  reference: string
}

export interface LedgerInvoice {
  ledgerId: string
  number: string
  customerLedgerId: string
  totalCents: Cents
  balanceCents: Cents
  isVoided: boolean
}

export interface NewLedgerInvoice {
  customerLedgerId: string
  /** Our invoice number (becomes DocNumber; ≤ 21 characters). */
  number: string
  issueDate: IsoDate
  dueDate: IsoDate
  lines: { description: string; amountCents: Cents; itemLedgerId: string }[]
  email?: string
  reference: string
}

export interface LedgerPayment {
  ledgerId: string
  customerLedgerId: string
  amountCents: Cents
  date: IsoDate
  invoiceLedgerIds: string[]
  /** The gateway's reference (check number, card retref…). */
  gatewayRef: string | null
  memo: string | null
  isVoided: boolean
}

export interface NewLedgerPayment {
  customerLedgerId: string
  invoiceLedgerId: string
  amountCents: Cents
  /** A payment of several invoices: what it applies to each (they sum to `amountCents`); absent: all to `invoiceLedgerId`. */
  lines?: { invoiceLedgerId: string; amountCents: Cents }[]
  date: IsoDate
  gatewayRef?: string
  methodLedgerId?: string
  depositAccountLedgerId?: string
  reference: string
}

export interface LedgerRefund {
  ledgerId: string
  customerLedgerId: string
  amountCents: Cents
  date: IsoDate
  gatewayRef: string | null
  memo: string | null
}

export interface NewLedgerRefund {
  customerLedgerId: string
  amountCents: Cents
  date: IsoDate
  /** The item the refunded amount comes off (the agreement service item). */
  itemLedgerId: string
  description: string
  /** Where the money left from (Undeposited Funds or the bank account). */
  depositAccountLedgerId: string
  gatewayRef?: string
  methodLedgerId?: string
  reference: string
}

/** The ledger's own words about a refusal, kept for the office (message) and for support (code). */
export interface LedgerFault {
  code: string
  message: string
  detail: string
  element: string | null
}

export type AccountingOutcome<T> =
  | { status: 'ok'; value: T }
  /** A record with that name or number already exists (QuickBooks 6240, 6140): look it up and adopt it. */
  | { status: 'duplicate'; fault: LedgerFault }
  /** Someone changed the record since it was read (5010): read it again and re-apply. */
  | { status: 'stale'; fault: LedgerFault }
  /** Too many requests; nothing was done. Try again no sooner than `retryAfterMs`. */
  | { status: 'rate_limited'; retryAfterMs: number; message: string }
  /** The connection's tokens are refused even after one refresh (or the grant is gone): reconnect. */
  | { status: 'unauthorized'; needsReconnect: boolean; message: string }
  /** Nothing was done (server error on a read, or the request never left); the same call may be repeated. */
  | { status: 'retryable'; retryAfterMs: number; message: string }
  /** A write whose answer was lost: it may have been stored. Look it up before writing again. */
  | { status: 'indeterminate'; requestId: string; message: string }
  /** The ledger refused the request as it stands (missing field, bad reference…): needs a person or a fix. */
  | { status: 'invalid'; fault: LedgerFault; httpStatus: number }
