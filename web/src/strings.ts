import { DEFAULT_FORMAT, formatDate, formatDateTime as formatInstant, formatWeekdayDate, type CompanyFormat } from '../../src/domain/formatting.ts'
import { localDate } from '../../src/domain/time-zone.ts'

/** UI text used in more than one place. */

export const NAV = [
  { to: '/', label: 'Dashboard' },
  { to: '/customers', label: 'Customers' },
  { to: '/plans', label: 'Plans' },
  { to: '/quotes', label: 'Quotes' },
  { to: '/agreements', label: 'Agreements' },
  { to: '/billing', label: 'Billing' },
  { to: '/schedule', label: 'Schedule' },
  { to: '/technicians', label: 'Technicians' },
  { to: '/settings', label: 'Settings' },
] as const

/** The parts of the product that have no page yet, and what each will do. */
export const NOT_BUILT: Record<string, { title: string; purpose: string }> = {}

export const ROLE_LABELS = { admin: 'Admin', office: 'Office', technician: 'Technician' } as const

export const FREQUENCY_LABELS = {
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  semiannual: 'Semi-annual',
  annual: 'Annual',
  every_n_months: 'Every N months',
} as const

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

// The company's locale and time zone, set from the session before any signed-in page renders: dates and
// times read the same as in e-mails and PDFs, whatever zone the browser is in.
let company: CompanyFormat = DEFAULT_FORMAT
export const setCompanyFormat = (f: CompanyFormat) => void (company = f)

/** "2026-11-25" → "Nov 25, 2026" in the company's locale ("25 Nov 2026" in en-GB): every calendar date on a page. */
export const formatDay = (isoDate: string) => formatDate(isoDate, company.locale)

/** "2026-12-01" → "Tue, Dec 1" in the company's locale: a day's heading in a week. */
export const formatWeekday = (isoDate: string) => formatWeekdayDate(isoDate, company.locale)

/** "2026-11-25T12:55:00Z" → "Nov 25, 2026, 7:55 AM EST" in the company's zone. */
export const formatDateTime = (iso: string) => formatInstant(iso, company)

/** The company's date `days` from now (ISO `YYYY-MM-DD`): defaults of date fields, not the browser's date. */
export const companyToday = (days = 0) => localDate(new Date(Date.now() + days * 86_400_000), company.timeZone)
