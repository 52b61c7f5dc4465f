import type { Cents } from '../domain/money.ts'

/**
 * What billing and sign-up need from a card/bank gateway. Vendor-neutral: amounts are cents,
 * ids are the gateway's opaque strings, and every call ends in one `ChargeOutcome`.
 *
 * Crash safety: call `newOrderId()`, persist it with the payment attempt, then charge with it.
 * If the outcome is `indeterminate`, resolve with `inquireByOrderId` — never by charging again.
 */
export interface PaymentGateway {
  /** A fresh order id for one charge attempt (unique, short, never mistakable for a card number). */
  newOrderId(): string

  /**
   * Stores a tokenized card for a customer's first sign-up (customer-initiated, cardholder
   * consents to recurring use). With `firstChargeCents` > 0 it is a sale that stores the card
   * only if approved; otherwise a $0 account verification.
   */
  verifyAndStoreCard(input: VerifyAndStoreCardInput): Promise<ChargeOutcome>

  /**
   * Stores a bank account (checking/savings) once the gateway accepts its routing number. Bank
   * accounts have no $0 verification; with `firstChargeCents` > 0 it debits and stores only if approved.
   */
  verifyAndStoreBankAccount(input: VerifyAndStoreBankAccountInput): Promise<ChargeOutcome>

  /** Charges a stored account; `initiator` sets the stored-credential indicators. */
  chargeProfile(input: ChargeProfileInput): Promise<ChargeOutcome>

  /** Looks a charge up by our order id: the reconciliation path for `indeterminate`. */
  inquireByOrderId(input: { orderId: string }): Promise<OrderLookup>

  /** Cancels an unsettled charge (full, or partial while only authorized). */
  void(input: { gatewayRef: string; amountCents?: Cents }): Promise<ChargeOutcome>

  /** Voids by our order id, for when the charge's gateway reference was never received. */
  voidByOrderId(input: { orderId: string }): Promise<ChargeOutcome>

  /** Refunds a settled charge (all of what remains, or `amountCents`). */
  refund(input: { gatewayRef: string; amountCents?: Cents; orderId?: string }): Promise<ChargeOutcome>

  /** Reads stored accounts (one, or all of the profile). */
  getProfile(input: { profileId: string; accountId?: string }): Promise<StoredLookup>

  /** Deletes stored accounts (one, or all of the profile). */
  deleteProfile(input: { profileId: string; accountId?: string }): Promise<ChargeOutcome>
}

export interface CardholderDetails {
  name?: string
  address?: string
  city?: string
  region?: string
  postalCode?: string
  country?: string
  email?: string
  phone?: string
}

export interface VerifyAndStoreCardInput {
  /** Token from the hosted tokenizer; we never handle card numbers. */
  token: string
  /** As the tokenizer gave it: MMYY or YYYYMM. */
  expiry: string
  orderId: string
  firstChargeCents?: Cents
  cvv?: string
  cardholder?: CardholderDetails
}

export interface VerifyAndStoreBankAccountInput {
  kind: 'checking' | 'savings'
  /** A tokenized `routing/account`, or the clear account number with `routingNumber`. */
  token?: string
  accountNumber?: string
  routingNumber?: string
  accountHolderName: string
  orderId: string
  firstChargeCents?: Cents
  cardholder?: Omit<CardholderDetails, 'name'>
}

/**
 * Who starts a charge on a stored account, which decides the stored-credential indicators:
 * - `scheduled_recurring`: our billing run on an agreement's schedule (merchant-initiated)
 * - `merchant_unscheduled`: a one-off charge we start (e.g. an extra visit)
 * - `customer`: the customer pays now with their stored account
 */
export type ChargeInitiator = 'scheduled_recurring' | 'merchant_unscheduled' | 'customer'

export interface ChargeProfileInput {
  profileId: string
  accountId: string
  /** Cards carry stored-credential indicators; bank accounts do not. */
  method: 'card' | 'bank_account'
  amountCents: Cents
  orderId: string
  initiator: ChargeInitiator
}

export type DeclineReason =
  | 'insufficient_funds'
  | 'expired_card'
  | 'do_not_honor'
  | 'lost_or_stolen'
  | 'invalid_account'
  | 'refer_to_issuer'
  | 'cvv_mismatch'
  | 'avs_mismatch'
  | 'stop_recurring'
  | 'invalid_request'
  | 'not_found'
  | 'not_allowed_in_state'
  | 'other'

/** What to do after a decline. */
export type RetryAdvice =
  /** Try the same account again, no sooner than `afterMs` from now. */
  | { kind: 'retry_later'; afterMs: number }
  /** The account or its details must change (new card, corrected expiry/CVV) before retrying. */
  | { kind: 'update_payment_method' }
  /** Never retry this request. */
  | { kind: 'do_not_retry' }

/** The vendor's own codes, kept for support and audit. */
export interface GatewayCodes {
  respstat?: string
  respcode?: string
  resptext?: string
  respproc?: string
}

export type ChargeOutcome = Approved | Declined | Retryable | Indeterminate | Misconfigured

export interface Approved {
  status: 'approved'
  orderId: string | null
  /** The gateway's reference (CardPointe `retref`): key for void, refund and inquiry; null for storing without a charge. */
  gatewayRef: string | null
  authCode: string | null
  /** Approved amount; less than requested on a partial approval. */
  amountCents: Cents
  isPartial: boolean
  token: string | null
  lastFour: string | null
  /** MMYY. */
  expiry: string | null
  profileId: string | null
  accountId: string | null
  codes: GatewayCodes
}

export interface Declined {
  status: 'declined'
  orderId: string | null
  gatewayRef: string | null
  reason: DeclineReason
  retry: RetryAdvice
  message: string
  codes: GatewayCodes & { declineCategory?: string; merchAdviceCode?: string }
}

/** Nothing was charged; the same request may be sent again (after `afterMs`). */
export interface Retryable {
  status: 'retryable'
  orderId: string | null
  gatewayRef: string | null
  afterMs: number
  message: string
  codes: GatewayCodes
}

/** The request may have reached the gateway; resolve with `inquireByOrderId`, not by re-charging. */
export interface Indeterminate {
  status: 'indeterminate'
  orderId: string | null
  message: string
}

/** Credentials, merchant id or URL are wrong, or we sent something the gateway cannot read. */
export interface Misconfigured {
  status: 'misconfigured'
  message: string
  httpStatus: number | null
  codes: GatewayCodes
}

/** A transaction as an inquiry reports it. */
export interface GatewayTransaction {
  gatewayRef: string
  outcome: Approved | Declined | Retryable
  /** Settlement state as the gateway words it, e.g. "Authorized", "Queued for Capture", "Voided". */
  settlementStatus: string | null
  isVoidable: boolean
  isRefundable: boolean
}

export type OrderLookup =
  /** The gateway never saw this order id: charging again with it is safe. */
  | { status: 'not_found'; orderId: string }
  /** `charge` is the approved one if any, else the latest attempt. */
  | { status: 'found'; orderId: string; charge: Approved | Declined | Retryable; transactions: GatewayTransaction[] }
  /** The lookup itself failed; try later. */
  | { status: 'unavailable'; orderId: string; cause: Retryable | Indeterminate | Misconfigured }

export interface StoredAccount {
  profileId: string
  accountId: string
  /** Card brand (VISA, MC, …) or ECHK/ESAV. */
  accountType: string
  token: string
  lastFour: string
  expiry: string | null
  isDefault: boolean
}

export type StoredLookup =
  | { status: 'found'; accounts: StoredAccount[] }
  | { status: 'not_found' }
  | { status: 'unavailable'; cause: Retryable | Indeterminate | Misconfigured }

/**
 * What reconciliation reads from the gateway: what settled, and what reached (or left) the
 * merchant's bank account, by the gateway's own calendar dates (`YYYY-MM-DD`). Read-only.
 */
export interface SettlementReports {
  /** Transactions in the settlement batches closed on `date`; empty when none closed. */
  settledOn(date: string): Promise<GatewayReport<SettledTransaction[]>>
  /** Deposits and bank returns reported for `date`; empty before the gateway has them. */
  fundedOn(date: string): Promise<GatewayReport<FundingEntry[]>>
}

export type GatewayReport<T> =
  | { status: 'ok'; value: T }
  /** The report could not be read now (gateway down, rate limit, credentials); nothing is known. */
  | { status: 'unavailable'; message: string }

export interface SettledTransaction {
  gatewayRef: string
  /** Our order id when the gateway reports it. */
  orderId: string | null
  batchId: string
  settledOn: string
  amountCents: Cents
  /** False when the processor rejected it at settlement. */
  accepted: boolean
}

export type FundingEntry =
  /** Money deposited for a settled transaction (refunds negative). */
  | { kind: 'deposit'; gatewayRef: string; fundedOn: string; amountCents: Cents }
  /** A bank (ACH) debit the customer's bank sent back: `amountCents` is what was taken back (positive). */
  | { kind: 'bank_return'; gatewayRef: string; returnedOn: string; amountCents: Cents; returnCode: string; returnReason: string }
