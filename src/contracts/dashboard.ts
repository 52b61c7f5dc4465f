/**
 * The office dashboard (`GET /api/dashboard`): what an office opens every morning. Tiles are
 * numbers as of today (company-local); series are the last 12 months, oldest first, the last
 * being the month under way. Every tile names the list it opens (`links`).
 */
export interface DashboardDto {
  /** The company's date the figures are for. */
  today: string
  // Counts kept from the first dashboard.
  customers: number
  archivedCustomers: number
  locations: number
  plans: number
  users: number
  openQuotes: number
  pendingApprovals: number
  /** Agreements with status active (including next terms not begun yet). */
  activeAgreements: number
  suspendedAgreements: number
  failedInvoices: number
  tiles: DashboardTiles
  links: Record<keyof DashboardTiles, string>
  series: DashboardSeries
}

export interface DashboardTiles {
  /** Active and in their term today. */
  activeAgreements: number
  /** Monthly recurring revenue: recurring lines before tax, per month, of those agreements. */
  mrrCents: number
  billedThisMonthCents: number
  collectedThisMonthCents: number
  /** Unpaid failed invoices awaiting action, and what they owe. */
  failedPayments: number
  failedOwedCents: number
  pendingApprovals: number
  expiring30: number
  expiring60: number
  expiring90: number
  suspendedAgreements: number
  renewalsSentThisMonth: number
  renewalsAcceptedThisMonth: number
  todaysVisits: number
  quickbooksErrors: number
}

export interface DashboardSeries {
  /** `YYYY-MM`, 12 of them. */
  months: string[]
  /** At each month's end (the month under way: today). */
  mrrCents: number[]
  billedCents: number[]
  /** Payments received less refunds and voids (on the day they happen). */
  collectedCents: number[]
  /**
   * Terms that ended in each month: renewed vs expired; `rate` null when none ended. `sent`: renewal
   * notices and quotes sent with a link that month; `accepted`: renewals customers accepted that month.
   */
  renewals: { month: string; renewed: number; expired: number; rate: number | null; sent: number; accepted: number }[]
  /** Unpaid failed invoices now, by the gateway's reason. */
  failedByReason: { reason: string; count: number; owedCents: number }[]
  /** Invoices that failed in the last 12 months: paid since (recovered), written off or given up (lost), still being retried (pending). */
  failureOutcomes: { recovered: { count: number; cents: number }; lost: { count: number; cents: number }; pending: { count: number; cents: number } }
  /** Active agreements by plan (ad hoc ones under `planId` null). */
  agreementsByPlan: { planId: string | null; planName: string; count: number; mrrCents: number }[]
}

/**
 * The office's "today" (`GET /api/today`): what needs doing now, the most money at stake first.
 * `amountCents`: what a failed payment still owes; a sign-up's or a suspended agreement's bill
 * (recurring lines before tax); what a failed e-mail was about (its invoice's total, its
 * agreement's bill; 0 otherwise). `link` is where it is acted on.
 */
export interface TodayDto {
  today: string
  items: TodayItem[]
  /** Every matching thing per kind (the items are the first 25 of each). */
  totals: Record<TodayKind, { count: number; cents: number }>
}

export const TODAY_KINDS = ['approve_signup', 'failed_payment', 'reactivate', 'email_failed'] as const
export type TodayKind = (typeof TODAY_KINDS)[number]

export interface TodayItem {
  kind: TodayKind
  /** The agreement's, invoice's or e-mail's id. */
  id: string
  customerName: string | null
  /** "#12 Comfort Club", "Invoice 1043", an e-mail's subject. */
  label: string
  amountCents: number
  /** The company's date it began: signed, first failed, e-mail queued. */
  since: string
  /** The gateway's reason, the retry state, the e-mail's error and address. */
  note: string
  link: string
}
