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
}
