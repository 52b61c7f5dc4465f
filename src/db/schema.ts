import type { ColumnType, Generated } from 'kysely'

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
  taxRateBp: Generated<number>
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

export type AgreementStatus = 'pending_approval' | 'active' | 'suspended' | 'rejected' | 'closed'

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
  taxRateBp: Generated<number>
  termsText: Generated<string>
  paymentMethodId: string | null
  approvedAt: Date | null
  approvedBy: string | null
  closedAt: Date | null
  createdAt: CreatedAt
  updatedAt: UpdatedAt
}

export type WorkOrderStatus = 'open' | 'scheduled' | 'dispatched' | 'completed' | 'cancelled' | 'suspended'

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
  /** JSON array of { filename, contentType, contentBase64 }. */
  attachments: Json
  relatedType: string | null
  relatedId: string | null
  status: Generated<'pending' | 'sent' | 'failed'>
  attempts: Generated<number>
  nextAttemptAt: Generated<Date>
  lastError: string | null
  sentAt: Date | null
  createdAt: CreatedAt
}
