import type { ColumnType, Generated, Kysely } from 'kysely'

/** Table types as seen through Kysely's CamelCasePlugin (columns are snake_case in SQL). */
type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>
type Json = ColumnType<unknown, string, string>

export interface UsersTable {
  id: string
  email: string
  name: string
  role: 'admin' | 'office' | 'technician'
  passwordHash: string
  isActive: Generated<boolean>
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export interface SessionsTable {
  id: string
  userId: string
  csrfToken: string
  createdAt: CreatedAt
  expiresAt: Date
}

export interface AuditEventsTable {
  id: string
  entityType: string
  entityId: string
  action: string
  actorUserId: string | null
  details: Json
  createdAt: CreatedAt
}

export interface CompanySettingsTable {
  id: Generated<number>
  companyName: string
  timeZone: string
  email: string | null
  phone: string | null
  logoBase64: string | null
  logoContentType: 'image/png' | 'image/jpeg' | null
  /** Postal address, one line per line (e-mail footers, documents); '' when not set. */
  address: Generated<string>
  /** BCP 47 locale of dates and numbers shown to people, e.g. `en-US`. */
  locale: Generated<string>
  updatedAt: UpdatedAt
}

export interface CustomersTable {
  id: string
  name: string
  companyName: string | null
  notes: Generated<string>
  searchText: Generated<string>
  archivedAt: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export interface CustomerLocationsTable {
  id: string
  customerId: string
  label: Generated<string>
  line1: string
  line2: Generated<string>
  city: string
  region: string
  postalCode: string
  country: Generated<string>
  accessNotes: Generated<string>
  archivedAt: Date | null
  createdAt: CreatedAt
}

export interface CustomerContactsTable {
  id: string
  customerId: string
  name: string
  email: string | null
  phone: string | null
  isPrimary: Generated<boolean>
  createdAt: CreatedAt
}

export interface PlansTable {
  id: string
  name: string
  description: Generated<string>
  priceCents: ColumnType<number, number, number>
  currency: Generated<string>
  billingFrequency: 'monthly' | 'quarterly' | 'semiannual' | 'annual' | 'every_n_months'
  billingIntervalMonths: number
  termMonths: number | null
  visitsPerTerm: Generated<number>
  visitMonths: Generated<number[]>
  termsText: Generated<string>
  isTaxable: Generated<boolean>
  taxRatePpm: Generated<number>
  archivedAt: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  auditEvents: AuditEventsTable
  companySettings: CompanySettingsTable
  customers: CustomersTable
  customerLocations: CustomerLocationsTable
  customerContacts: CustomerContactsTable
  plans: PlansTable
  paymentMethods: PaymentMethodsTable
  agreements: AgreementsTable
  workOrders: WorkOrdersTable
  notifications: NotificationsTable
  emailOutbox: EmailOutboxTable
}

export interface PaymentMethodsTable {
  id: string
  customerId: string
  kind: 'card' | 'ach'
  gateway: Generated<string>
  profileId: string
  acctId: string
  /** The gateway's token (never a card number). */
  token: string
  last4: string
  brand: string | null
  accountType: 'ECHK' | 'ESAV' | null
  /** MMYY for cards. */
  expiry: string | null
  holderName: Generated<string>
  isActive: Generated<boolean>
  createdAt: CreatedAt
}

export type AgreementStatus = 'pending_approval' | 'active' | 'suspended' | 'rejected' | 'closed' | 'expired' | 'renewed'

export interface AgreementsTable {
  id: string
  number: Generated<number>
  customerId: string
  locationId: string
  quoteId: string | null
  planId: string | null
  name: string
  status: AgreementStatus
  statusReason: Generated<string>
  billingIntervalMonths: number
  /** ISO date (YYYY-MM-DD). */
  startDate: string
  termMonths: number | null
  /** ISO date: the day after the last covered day, or null when open-ended. */
  endDate: string | null
  visitsPerTerm: Generated<number>
  visitMonths: Generated<number[]>
  /** JSON array of AgreementLine (src/domain/pricing.ts). */
  lines: Json
  taxRatePpm: Generated<number>
  termsText: Generated<string>
  paymentMethodId: string | null
  approvedAt: Date | null
  approvedBy: string | null
  closedAt: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

/** `open` = unscheduled; `suspended` = on hold because the agreement is suspended (src/domain/work-order-status.ts). */
export type WorkOrderStatus = 'open' | 'scheduled' | 'dispatched' | 'on_the_way' | 'in_progress' | 'completed' | 'cancelled' | 'suspended'

export interface WorkOrdersTable {
  id: string
  agreementId: string | null
  customerId: string
  locationId: string
  description: string
  windowStart: string
  windowEnd: string
  status: WorkOrderStatus
  statusBeforeSuspension: WorkOrderStatus | null
  technicianId: string | null
  scheduledStart: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export interface NotificationsTable {
  id: string
  kind: string
  title: string
  body: Generated<string>
  link: string | null
  /** The agreement the notification is about (what is still to do is derived from it). */
  subjectId: Generated<string | null>
  readAt: Date | null
  createdAt: CreatedAt
}

export interface EmailOutboxTable {
  id: string
  kind: string
  toAddress: string
  subject: string
  html: string
  textBody: string
  /** JSON array of { filename, contentType, contentBase64 } or { filename, contentType, renderer, params } (drawn when sent). */
  attachments: Json
  /** The e-mail's content (`EmailContent`) when its HTML is drawn at delivery (`html` is then ''); null otherwise. */
  content: Json | null
  relatedType: string | null
  relatedId: string | null
  status: Generated<'pending' | 'sent' | 'failed'>
  attempts: Generated<number>
  nextAttemptAt: Generated<Date>
  /** The server instance holding the claim (instance-liveness.ts); cleared when the try is recorded. */
  claimedBy: Generated<string | null>
  lastError: string | null
  sentAt: Date | null
  createdAt: CreatedAt
}

// Quotes and sign-up (issue 4, migration 0003). Merged into `Database` above.
export interface Database {
  quotes: QuotesTable
  quoteRevisions: QuoteRevisionsTable
  quoteOptions: QuoteOptionsTable
  quoteLinks: QuoteLinksTable
  quoteSignatures: QuoteSignaturesTable
}

export type QuoteStatus = 'draft' | 'sent' | 'viewed' | 'accepted' | 'declined' | 'expired'

export interface QuotesTable {
  id: string
  number: Generated<number>
  customerId: string
  status: QuoteStatus
  currentRevision: Generated<number>
  acceptedOptionId: string | null
  sentAt: Date | null
  viewedAt: Date | null
  respondedAt: Date | null
  declineReason: Generated<string>
  createdBy: string | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

/** What the customer is shown; frozen once `sentAt` is set. */
export interface QuoteRevisionsTable {
  quoteId: string
  revision: number
  locationId: string
  title: Generated<string>
  /** ISO dates (YYYY-MM-DD). */
  startDate: string
  expiresOn: string
  taxRatePpm: Generated<number>
  termsText: Generated<string>
  recipientEmail: string | null
  createdBy: string | null
  createdAt: CreatedAt
  sentAt: Date | null
}

export interface QuoteOptionsTable {
  id: string
  quoteId: string
  revision: number
  position: number
  planId: string | null
  name: string
  description: Generated<string>
  priceCents: ColumnType<number, number, number>
  isTaxable: Generated<boolean>
  billingFrequency: 'monthly' | 'quarterly' | 'semiannual' | 'annual' | 'every_n_months'
  billingIntervalMonths: number
  termMonths: number | null
  visitsPerTerm: Generated<number>
  visitMonths: Generated<number[]>
  /** JSON array of PricedLine (src/domain/pricing.ts): the extra lines after the plan price. */
  extraLines: Json
}

export interface QuoteLinksTable {
  id: string
  quoteId: string
  revision: number
  /** SHA-256 (hex) of the token; the token itself is only in the email. */
  tokenHash: string
  expiresAt: Date
  /** A short lease while one request verifies the payment method (double-submit guard). */
  processingUntil: Date | null
  usedAt: Date | null
  revokedAt: Date | null
  createdAt: CreatedAt
}

export interface QuoteSignaturesTable {
  id: string
  quoteId: string
  revision: number
  optionId: string
  linkId: string
  signerName: string
  consent: boolean
  signedAt: Date
  ipAddress: string
  userAgent: Generated<string>
  termsSha256: string
  documentSha256: string
  createdAt: CreatedAt
}

// Billing (issue 5, migration 0004). Merged into `Database` and `AgreementsTable` above.
export interface Database {
  invoices: InvoicesTable
  chargeAttempts: ChargeAttemptsTable
  payments: PaymentsTable
  billingRuns: BillingRunsTable
  quickbooksQueue: QuickbooksQueueTable
  billingSettings: BillingSettingsTable
  paymentUpdateLinks: PaymentUpdateLinksTable
}

// One charge for several invoices (migration 0015). Merged into `Database` above.
export interface Database {
  chargeAttemptInvoices: ChargeAttemptInvoicesTable
  paymentAllocations: PaymentAllocationsTable
  /** View: every payment's invoices (its allocations, or its one invoice for the whole amount). */
  paymentInvoices: PaymentInvoicesView
}

export interface ChargeAttemptInvoicesTable {
  attemptId: string
  invoiceId: string
  amountCents: number
  /** The attempt is pending (kept by a trigger on charge_attempts). */
  pending: Generated<boolean>
}

export interface PaymentAllocationsTable {
  paymentId: string
  invoiceId: string
  amountCents: number
  refundedCents: Generated<number>
}

export interface PaymentInvoicesView {
  paymentId: string
  invoiceId: string
  amountCents: number
  refundedCents: number
  /** Has its own payment_allocations row (a payment of several invoices). */
  allocated: boolean
}

// Voids and refunds (migration 0006). Merged into `Database` above.
export interface Database {
  paymentReversals: PaymentReversalsTable
}

export interface AgreementsTable {
  /** How many periods have been invoiced (the billing calendar's cursor). */
  billedPeriods: Generated<number>
  /** Start of the next unbilled period; null = `startDate` (nothing billed yet). */
  nextBillDate: string | null
}

export type InvoiceStatus = 'open' | 'paid' | 'failed' | 'void' | 'refunded'
export type RetryState = 'scheduled' | 'soon' | 'needs_payment_method' | 'exhausted'

export interface InvoicesTable {
  id: string
  number: Generated<number>
  agreementId: string
  customerId: string
  runId: string | null
  periodIndex: number
  /** ISO dates; `periodEnd` is exclusive. */
  periodStart: string
  periodEnd: string
  /** JSON array of PricedLine (src/domain/pricing.ts). */
  lines: Json
  subtotalCents: number
  taxCents: number
  totalCents: number
  paidCents: Generated<number>
  refundedCents: Generated<number>
  status: Generated<InvoiceStatus>
  failureCode: string | null
  failureMessage: string | null
  retryState: RetryState | null
  /** The company-local date a scheduled retry is due (charged by that day's run); null when none. */
  nextRetryDate: string | null
  failedAttempts: Generated<number>
  firstFailedAt: Date | null
  paidAt: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export type ChargeAttemptStatus = 'pending' | 'approved' | 'declined' | 'retryable' | 'not_sent' | 'error'

export interface ChargeAttemptsTable {
  /** The order id sent to the gateway. */
  id: string
  invoiceId: string
  runId: string | null
  paymentMethodId: string | null
  amountCents: number
  status: Generated<ChargeAttemptStatus>
  resolvedBy: 'response' | 'inquiry' | null
  gatewayRef: string | null
  authCode: string | null
  respstat: string | null
  respcode: string | null
  resptext: string | null
  respproc: string | null
  declineReason: string | null
  message: string | null
  sentAt: Generated<Date>
  resolvedAt: Date | null
  /** The server instance that claimed it (migration 0023); null before that. */
  claimedBy: string | null
}

export interface PaymentsTable {
  id: string
  invoiceId: string
  customerId: string
  attemptId: string | null
  method: 'card' | 'ach' | 'offline'
  amountCents: number
  refundedCents: Generated<number>
  status: Generated<'approved' | 'voided' | 'refunded' | 'partially_refunded'>
  gatewayRef: string | null
  authCode: string | null
  reference: Generated<string>
  note: Generated<string>
  recordedBy: string | null
  receivedAt: Generated<Date>
  createdAt: CreatedAt
}

export type BillingRunStatus = 'running' | 'completed' | 'failed' | 'interrupted'

export interface BillingRunsTable {
  id: string
  throughDate: string
  status: BillingRunStatus
  startedBy: string | null
  /** The business day an automatic run was for; null for runs someone started. */
  automaticFor: string | null
  host: Generated<string>
  pid: Generated<number>
  /** The server instance holding the run's lease (instance-liveness.ts); null = released, any server resumes it. */
  owner: string | null
  /** Other instances charging the run's invoices now (migration 0023; run-share.ts). */
  helpers: Generated<string[]>
  heartbeatAt: Generated<Date>
  phase: Generated<string>
  agreementsDue: Generated<number>
  invoicesCreated: Generated<number>
  invoicesToCharge: Generated<number>
  charged: Generated<number>
  approved: Generated<number>
  declined: Generated<number>
  errors: Generated<number>
  unresolved: Generated<number>
  recovered: Generated<number>
  billedCents: Generated<number>
  collectedCents: Generated<number>
  error: string | null
  startedAt: Generated<Date>
  finishedAt: Date | null
}

export interface QuickbooksQueueTable {
  id: string
  /** `void`: a payment's void (entity id: the payment); `invoice_void`: an invoice's (migration 0009). */
  entityType: 'customer' | 'invoice' | 'payment' | 'refund' | 'void' | 'invoice_void'
  entityId: string
  /** `waiting`: held until the office reconnects QuickBooks (migration 0012). */
  status: Generated<'queued' | 'sent' | 'failed' | 'waiting'>
  attempts: Generated<number>
  /** QuickBooks' own message for the last failure. */
  lastError: string | null
  nextAttemptAt: Generated<Date>
  /** The server instance holding the claim (instance-liveness.ts); cleared when the try is recorded. */
  claimedBy: Generated<string | null>
  createdAt: CreatedAt
  sentAt: Date | null
  /** The requestid every try of this entry sends (suffixed per write); migration 0012. */
  requestId: string | null
  /** QuickBooks' fault code (e.g. 6240) or our own (`not_found`…) for the last failure. */
  errorCode: string | null
  /** What the office can do about the last failure. */
  fixHint: string | null
}

export interface BillingSettingsTable {
  id: Generated<number>
  suspendOnFailure: Generated<boolean>
  emailOnFailure: Generated<boolean>
  retryDays: Generated<number[]>
  maxSoonRetries: Generated<number>
  concurrency: Generated<number>
  /** Bill all runs by itself every day at `autoBillTime` (HH:MM, company time zone). */
  autoBill: Generated<boolean>
  autoBillTime: Generated<string>
  /** Billing in advance: a run may bill periods starting up to this many days after today (0 to 31). */
  billAheadDays: Generated<number>
  updatedAt: UpdatedAt
}

export interface PaymentUpdateLinksTable {
  tokenHash: string
  invoiceId: string
  expiresAt: Date
  usedAt: Date | null
  createdAt: CreatedAt
}

export type PaymentReversalStatus = 'pending' | 'approved' | 'declined' | 'failed'

export interface PaymentReversalsTable {
  /** Refunds: the order id sent to the gateway. */
  id: string
  paymentId: string
  invoiceId: string
  kind: 'void' | 'refund'
  amountCents: number
  status: Generated<PaymentReversalStatus>
  /** Refunds: the refund's own retref; voids: the payment's. */
  gatewayRef: string | null
  message: string | null
  reason: Generated<string>
  requestedBy: string | null
  createdAt: Generated<Date>
  resolvedAt: Date | null
}

// Scheduling (issue 11, migration 0010). Merged into `Database`, `WorkOrdersTable`, `AgreementsTable`
// and `CustomerLocationsTable` above.
export interface Database {
  technicians: TechniciansTable
  scheduleChanges: ScheduleChangesTable
  schedulingSettings: SchedulingSettingsTable
}

export interface WorkOrdersTable {
  /** Agreement visits: 1-based number over the agreement's life; unique per agreement (the visit planner's key). */
  visitSeq: number | null
  durationMinutes: Generated<number>
  priority: Generated<VisitPriority>
  notes: Generated<string>
  requiredSkill: string | null
  scheduledEnd: Date | null
  actualStart: Date | null
  actualEnd: Date | null
  completionNotes: Generated<string>
  /** Why it was cancelled. */
  statusReason: Generated<string>
  /** Set when reactivation brought the visit back to a slot that has passed or now conflicts; cleared by rescheduling. */
  rescheduleReason: string | null
  /** Bumped by a trigger on every update (optimistic concurrency for the board). */
  version: Generated<number>
  createdBy: string | null
}

export type VisitPriority = 'low' | 'normal' | 'high' | 'urgent'

export interface AgreementsTable {
  /** Every visit whose window starts before this date exists (the next one starts here); null = not planned yet. */
  visitsPlannedUntil: string | null
}

export interface CustomerLocationsTable {
  latitude: number | null
  longitude: number | null
}

export interface TechniciansTable {
  /** The user (role technician) this profile belongs to. */
  userId: string
  color: Generated<string>
  skills: Generated<string[]>
  /** JSON WorkingHours (src/domain/scheduling/availability.ts). */
  workingHours: Json
  /** JSON DayOff[]. */
  daysOff: Json
  homeLine1: Generated<string>
  homeCity: Generated<string>
  homeRegion: Generated<string>
  homePostalCode: Generated<string>
  homeLatitude: number | null
  homeLongitude: number | null
  isActive: Generated<boolean>
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

/** Written by triggers on work_orders and technicians: the board's changes feed. */
export interface ScheduleChangesTable {
  id: Generated<number>
  /** The writing transaction's id (xid8, as text). */
  txid: Generated<string>
  entity: 'visit' | 'technician'
  entityId: string
  changedAt: Generated<Date>
}

export interface SchedulingSettingsTable {
  id: Generated<number>
  onTheWayEmail: Generated<boolean>
  /** Changes from transactions below this id were pruned; an older cursor must reload. */
  changesPrunedBelow: Generated<string>
  updatedAt: UpdatedAt
}

// Renewals, auto-renewal, closing and the dashboard (issue 12, migration 0011). Merged into
// `Database`, `AgreementsTable`, `PlansTable`, `QuoteOptionsTable` and `QuoteSignaturesTable` above.
export interface Database {
  renewalSettings: RenewalSettingsTable
  renewalBatches: RenewalBatchesTable
  renewalNotices: RenewalNoticesTable
  moneyLedger: MoneyLedgerTable
}

/** How the next term's price changes: none, a percent (value in basis points), an amount per bill (cents), or the plan's price then. */
export type RenewalChangeKind = 'none' | 'percent' | 'amount' | 'plan_price'

export interface AgreementsTable {
  autoRenew: Generated<boolean>
  /** When the customer consented to automatic renewal (signature); required while `autoRenew`. */
  autoRenewConsentAt: Date | null
  autoRenewOffBy: 'customer' | 'office' | null
  renewalChangeKind: Generated<RenewalChangeKind>
  renewalChangeValue: Generated<number>
  /** The agreement this one is the next term of. */
  renewalOfId: string | null
  /** The next term that takes over at `endDate`. */
  renewedById: string | null
  /** Closing scheduled at the end of the current period (billing already stops there: `endDate`). */
  closeOn: string | null
  closeReason: Generated<string>
  closeRequestedBy: 'office' | 'customer' | null
  /** A short lease while one request closes the agreement (refunds go out first; a double click waits). */
  closingUntil: Date | null
  /** The company-local date it stopped (closed, expired or renewed). */
  endedOn: string | null
  /** Sum of the recurring lines per bill, before tax (generated from `lines`). */
  recurringCents: ColumnType<number, never, never>
  /** Year × 12 + month - 1 of the start, and of the end (ended, else planned; null when open-ended): generated. */
  startMonth: ColumnType<number, never, never>
  endMonth: ColumnType<number | null, never, never>
  /** A copy of the customer's `search_text`, written by triggers only (migration 0024): the list's customer search. */
  customerSearchText: ColumnType<string, never, never>
}

export interface PlansTable {
  autoRenew: Generated<boolean>
  renewalChangeKind: Generated<RenewalChangeKind>
  renewalChangeValue: Generated<number>
}

export interface QuoteOptionsTable {
  autoRenew: Generated<boolean>
  renewalChangeKind: Generated<RenewalChangeKind>
  renewalChangeValue: Generated<number>
}

export interface QuoteSignaturesTable {
  autoRenewConsent: Generated<boolean>
  /** SHA-256 of the automatic-renewal terms shown beside the consent, when offered. */
  autoRenewTermsSha256: string | null
}

export interface RenewalSettingsTable {
  id: Generated<number>
  /** Days before a term ends that a renewal reminder goes out (e.g. 60, 30, 7). */
  reminderDays: Generated<number[]>
  /** Days before an auto-renewing term of a year or more ends that the legal notice goes out (15–45). */
  autoRenewNoticeDays: Generated<number>
  /** Key of the customers' manage-renewal links (HMAC); never leaves the server. */
  linkKey: Generated<string>
  updatedAt: UpdatedAt
}

export interface RenewalBatchesTable {
  id: string
  idempotencyKey: string
  kind: 'notice' | 'quote'
  requestSha256: string
  status: Generated<'running' | 'completed'>
  sent: Generated<number>
  skipped: Generated<number>
  createdBy: string | null
  createdAt: CreatedAt
  finishedAt: Date | null
}

export type RenewalNoticeKind = 'notice' | 'quote' | 'reminder' | 'auto_renew_notice'
export type RenewalNoticeStatus = 'sent' | 'opened' | 'accepted' | 'superseded' | 'expired'

export interface RenewalNoticesTable {
  id: string
  agreementId: string
  kind: RenewalNoticeKind
  /** The end (exclusive) of the term it is about. */
  termEnd: string
  daysBefore: number | null
  batchId: string | null
  /** SHA-256 of the renew link's token; null when it offers no renewal. */
  tokenHash: string | null
  expiresAt: Date | null
  /** The offered next term. */
  startDate: string
  termMonths: number | null
  billingIntervalMonths: number
  /** JSON array of PricedLine. */
  lines: Json
  /** JSON PriceChange (src/domain/renewal-price.ts). */
  priceChange: Json
  oldPeriodCents: number
  newPeriodCents: number
  autoRenew: Generated<boolean>
  status: Generated<RenewalNoticeStatus>
  recipient: string | null
  emailId: string | null
  sentAt: Date
  openedAt: Date | null
  acceptedAt: Date | null
  processingUntil: Date | null
  newAgreementId: string | null
  paymentMethodId: string | null
  signerName: string | null
  signedIp: string | null
  signedUserAgent: string | null
  termsSha256: string | null
  documentSha256: string | null
  autoRenewConsent: boolean | null
  createdBy: string | null
}

export interface MoneyLedgerTable {
  id: Generated<number>
  day: string
  kind: 'billed' | 'collected'
  amountCents: number
}

// QuickBooks Online (issue 10, migration 0012). Merged into `Database` above.
export interface Database {
  quickbooksConnections: QuickbooksConnectionsTable
  quickbooksOauthStates: QuickbooksOauthStatesTable
  quickbooksLinks: QuickbooksLinksTable
}

export interface QuickbooksConnectionsTable {
  id: Generated<number>
  realmId: string
  companyName: Generated<string>
  /** AES-256-GCM sealed (token-crypto.ts), bound to the realm id. */
  accessTokenSealed: string
  refreshTokenSealed: string
  accessExpiresAt: Date
  refreshExpiresAt: Date
  status: Generated<'connected' | 'needs_reconnect'>
  statusMessage: string | null
  serviceItemId: string | null
  depositAccountId: string | null
  cardMethodId: string | null
  bankMethodId: string | null
  /** `line`: sales tax as its own invoice line on the service item; `none`: tax not sent (QuickBooks' automated tax decides). */
  taxHandling: Generated<'line' | 'none'>
  /** The item sales tax lines use (income account: Sales Tax Payable). */
  taxItemId: string | null
  connectedBy: string | null
  connectedAt: Generated<Date>
  refreshedAt: Date | null
  lastPushAt: Date | null
  updatedAt: UpdatedAt
}

export interface QuickbooksOauthStatesTable {
  state: string
  sessionId: string
  createdAt: CreatedAt
}

export interface QuickbooksLinksTable {
  entityType: 'customer' | 'invoice' | 'payment' | 'void' | 'refund' | 'invoice_void'
  entityId: string
  realmId: string
  qboType: string
  qboId: string
  syncedAt: CreatedAt
}

/** A database handle (or a transaction): what every query takes. */
export type Db = Kysely<Database>
