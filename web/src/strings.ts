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

/** "2026-11-25T07:55:00Z" → "Nov 25, 2026, 7:55 AM" in the browser's zone. */
export const formatDateTime = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })
