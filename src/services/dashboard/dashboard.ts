import { sql } from 'kysely'
import type { DashboardDto, DashboardSeries, DashboardTiles } from '../../contracts/dashboard.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { addMonthsIso } from '../../domain/iso-date.ts'
import { monthlyRecurringCents } from '../../domain/money.ts'
import { localDate, localInstant } from '../../domain/time-zone.ts'
import { IN_TERM, RENEWAL_ACCEPTED, RENEWAL_SENT } from '../agreements/agreement-list.ts'
import type { ServiceDeps } from '../deps.ts'
import { companyTimeZone } from '../settings/company-settings.ts'

/**
 * The dashboard's figures in a handful of queries run side by side, each fast at 100,000 agreements
 * and a million invoices: agreements through their trigger-kept tallies (by plan, status, dates and
 * billing interval; migration 0026); money by month from the trigger-written `money_ledger` (a few
 * rows per billing batch), failures from covering partial indexes on failed invoices. "Today" and
 * months are the company's. Monthly recurring revenue is integer cents: `monthlyRecurringCents`.
 */
export async function getDashboard(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<DashboardDto> {
  const db = deps.db
  const tz = await companyTimeZone(db)
  const now = deps.clock.now()
  const today = localDate(now, tz)
  const monthStart = `${today.slice(0, 7)}-01`
  const first = addMonthsIso(monthStart, -11)
  const months = Array.from({ length: 12 }, (_, i) => addMonthsIso(first, i).slice(0, 7))
  // Months as integers (year × 12 + month - 1), as agreements.start_month and end_month hold them.
  const monthIndex = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1
  // Agreements from their tallies (migration 0026: a few thousand rows, kept exact by a trigger,
  // stand for 100,000 agreements), twice: today's figures by plan and billing interval, and the
  // history by start and end month. Recurring cents stay summed per interval so that monthly
  // revenue is worked out exactly (monthlyRecurringCents) and rounded once per figure.
  const inTerm = IN_TERM(today)
  const expiring = (days: number) =>
    sql`coalesce(sum(n) filter (where status in ('active', 'suspended') and not has_next and open and end_date > ${today}::date and end_date <= ${addDays(today, days)}::date), 0)::int`
  const byPlanToday = sql<PlanGroup>`
    select plan_id, billing_interval_months as interval_months, coalesce(sum(n) filter (where status = 'active' and ${inTerm}), 0)::int as active,
      coalesce(sum(recurring_cents) filter (where status = 'active' and ${inTerm}), 0)::int8 as recurring_cents,
      coalesce(sum(n) filter (where status = 'active'), 0)::int as status_active, coalesce(sum(n) filter (where status = 'pending_approval'), 0)::int as pending,
      coalesce(sum(n) filter (where status = 'suspended'), 0)::int as suspended, ${expiring(30)} as e30, ${expiring(60)} as e60, ${expiring(90)} as e90
    from agreement_tallies a where status in ('pending_approval', 'active', 'suspended') group by 1, 2`
  const firstMonth = monthIndex(first)
  // The twelve months' local starts and the next month's: bucket i + 1 is months[i], 13 is later.
  const monthStarts = sql`array[${sql.join([...months, addMonthsIso(monthStart, 1).slice(0, 7)].map((m) => sql`${localInstant(`${m}-01`, tz)}::timestamptz`))}]`
  const history = sql<HistoryGroup>`
    select status, has_next, greatest(start_month, ${firstMonth}) as from_month, end_month as to_month, billing_interval_months as interval_months,
      sum(n)::int as n, sum(recurring_cents)::int8 as recurring_cents
    from agreement_tallies
    where status in ('active', 'suspended', 'closed', 'expired', 'renewed') and start_date <= ${today}::date and (end_month is null or end_month >= ${firstMonth})
    group by 1, 2, 3, 4, 5`
  // The queries run side by side on the pool (10 connections by default); the two 100,000-row
  // counts (customers, locations) on their own connections rather than one after the other.
  const [planGroups, historyRows, planRows, money, failed, outcomes, customerCount, locationCount, counts, offersSent, offersAccepted] = await Promise.all([
    byPlanToday.execute(db),
    history.execute(db),
    db.selectFrom('plans').select(['id', 'name']).execute(),
    sql<{ month: string; kind: 'billed' | 'collected'; cents: number }>`
      select to_char(day, 'YYYY-MM') as month, kind, sum(amount_cents)::float8 as cents
      from money_ledger where day >= ${first}::date and day <= ${today}::date group by 1, 2`.execute(db),
    sql<{ reason: string; count: number; owed: number }>`
      select coalesce(failure_code, 'unknown') as reason, count(*)::int as count, sum(total_cents - paid_cents)::float8 as owed
      from invoices where status = 'failed' group by 1 order by 2 desc, 1`.execute(db),
    sql<{ outcome: 'recovered' | 'lost' | 'pending'; count: number; cents: number }>`
      select case when status in ('paid', 'refunded') then 'recovered'
                  when status = 'void' or retry_state = 'exhausted' then 'lost' else 'pending' end as outcome,
        count(*)::int as count, sum(total_cents)::float8 as cents
      from invoices where first_failed_at >= ${localInstant(first, tz)} group by 1`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from customers`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from customer_locations where archived_at is null`.execute(db),
    sql<{ archivedCustomers: number; archivedLocations: number; plans: number; users: number; openQuotes: number; sent: number; accepted: number; visits: number; qbErrors: number }>`
      select c.archived as archived_customers,
        (select count(*) from customer_locations l where l.archived_at is null and l.customer_id in (select id from customers where archived_at is not null))::int as archived_locations,
        (select count(*) from plans where archived_at is null)::int as plans,
        (select count(*) from users where is_active)::int as users,
        (select count(*) from quotes where status in ('sent', 'viewed'))::int as open_quotes,
        (select count(distinct n.agreement_id) from renewal_notices n where ${RENEWAL_SENT(monthStart)})::int as sent,
        (select count(distinct n.agreement_id) from renewal_notices n where ${RENEWAL_ACCEPTED(monthStart)})::int as accepted,
        (select count(*) from work_orders where scheduled_start >= ${localInstant(today, tz)} and scheduled_start < ${localInstant(addDays(today, 1), tz)}
          and status not in ('cancelled'))::int as visits,
        (select count(*) from quickbooks_queue where status = 'failed')::int as qb_errors
      from (select count(*)::int as archived from customers where archived_at is not null) c`.execute(db),
    // Agreements sent a renewal notice or quote (with its link), and those accepted, by the company's
    // month: each instant falls in one of the twelve months' local starts (width_bucket, no time zone
    // conversion per row); distinct (month, agreement) pairs by hashing, then counted.
    sql<{ bucket: number; n: number }>`
      select bucket, count(*)::int as n from (select distinct width_bucket(sent_at, ${monthStarts}) as bucket, agreement_id from renewal_notices
        where token_hash is not null and sent_at >= ${localInstant(first, tz)}) x group by 1`.execute(db),
    sql<{ bucket: number; n: number }>`
      select bucket, count(*)::int as n from (select distinct width_bucket(accepted_at, ${monthStarts}) as bucket, agreement_id from renewal_notices
        where accepted_at >= ${localInstant(first, tz)}) x group by 1`.execute(db),
  ])
  const parts = (gs: { recurringCents: number; intervalMonths: number }[]) => monthlyRecurringCents(gs.map((g) => ({ cents: Number(g.recurringCents), intervalMonths: g.intervalMonths })))
  const planIds = [...new Set(planGroups.rows.map((g) => g.planId))]
  const plansToday = planIds.map((planId) => {
    const gs = planGroups.rows.filter((g) => g.planId === planId)
    return { planId, active: gs.reduce((s, g) => s + g.active, 0), mrr: parts(gs) }
  })
  const total = (k: 'active' | 'statusActive' | 'pending' | 'suspended' | 'e30' | 'e60' | 'e90') => planGroups.rows.reduce((s, g) => s + g[k], 0)
  const a = { active: total('active'), mrr: parts(planGroups.rows), statusActive: total('statusActive'), pending: total('pending'), suspended: total('suspended'), e30: total('e30'), e60: total('e60'), e90: total('e90') }
  const groups = historyRows.rows
  const renewed = (m: number, g: HistoryGroup) => g.toMonth === m && (g.status === 'renewed' || (g.hasNext && (g.status === 'active' || g.status === 'suspended')))
  const renewals = {
    rows: months.map((ym) => {
      const m = monthIndex(ym)
      return { month: ym, renewed: groups.filter((g) => renewed(m, g)).reduce((s, g) => s + g.n, 0), expired: groups.filter((g) => g.toMonth === m && g.status === 'expired').reduce((s, g) => s + g.n, 0) }
    }),
  }
  const plansById = new Map(planRows.map((p) => [p.id, p.name]))
  const byPlan = {
    rows: plansToday
      .filter((g) => g.active > 0)
      .map((g) => ({ planId: g.planId, planName: g.planId ? (plansById.get(g.planId) ?? null) : null, count: g.active, mrr: g.mrr }))
      .sort((x, y) => y.count - x.count || String(x.planName).localeCompare(String(y.planName))),
  }
  const c = counts.rows[0]!
  const moneyOf = (kind: 'billed' | 'collected') => months.map((m) => Math.round(money.rows.filter((r) => r.kind === kind && r.month === m).reduce((s, r) => s + Number(r.cents), 0)))
  const billed = moneyOf('billed')
  const collected = moneyOf('collected')
  const failedCount = failed.rows.reduce((s, r) => s + r.count, 0)
  const tiles: DashboardTiles = {
    activeAgreements: a.active,
    mrrCents: a.mrr,
    billedThisMonthCents: billed.at(-1)!,
    collectedThisMonthCents: collected.at(-1)!,
    failedPayments: failedCount,
    failedOwedCents: Math.round(failed.rows.reduce((s, r) => s + Number(r.owed), 0)),
    pendingApprovals: a.pending,
    expiring30: a.e30,
    expiring60: a.e60,
    expiring90: a.e90,
    suspendedAgreements: a.suspended,
    renewalsSentThisMonth: c.sent,
    renewalsAcceptedThisMonth: c.accepted,
    todaysVisits: c.visits,
    quickbooksErrors: c.qbErrors,
  }
  const outcome = (k: 'recovered' | 'lost' | 'pending') => {
    const r = outcomes.rows.find((x) => x.outcome === k)
    return { count: r?.count ?? 0, cents: Math.round(Number(r?.cents ?? 0)) }
  }
  const series: DashboardSeries = {
    months,
    mrrCents: mrrHistory(months.map(monthIndex), groups, tiles.mrrCents, parts),
    billedCents: billed,
    collectedCents: collected,
    renewals: months.map((m, i) => {
      const r = renewals.rows.find((x) => x.month === m)
      const renewed = r?.renewed ?? 0
      const expired = r?.expired ?? 0
      const offered = (r: { rows: { bucket: number; n: number }[] }) => r.rows.find((x) => x.bucket === i + 1)?.n ?? 0
      return { month: m, renewed, expired, rate: renewed + expired ? renewed / (renewed + expired) : null, sent: offered(offersSent), accepted: offered(offersAccepted) }
    }),
    failedByReason: failed.rows.map((r) => ({ reason: r.reason, count: r.count, owedCents: Math.round(Number(r.owed)) })),
    failureOutcomes: { recovered: outcome('recovered'), lost: outcome('lost'), pending: outcome('pending') },
    agreementsByPlan: byPlan.rows.map((r) => ({ planId: r.planId, planName: r.planName ?? 'No plan (ad hoc)', count: r.count, mrrCents: r.mrr })),
  }
  return {
    today,
    customers: customerCount.rows[0]!.n - c.archivedCustomers,
    archivedCustomers: c.archivedCustomers,
    // Live locations of customers not archived.
    locations: locationCount.rows[0]!.n - c.archivedLocations,
    plans: c.plans,
    users: c.users,
    openQuotes: c.openQuotes,
    pendingApprovals: a.pending,
    activeAgreements: a.statusActive,
    suspendedAgreements: a.suspended,
    failedInvoices: failedCount,
    tiles,
    links: {
      activeAgreements: '/agreements?status=active&inTerm=true',
      mrrCents: '/agreements?status=active&inTerm=true&sort=nextBillDate&dir=asc',
      billedThisMonthCents: `/billing/invoices?billed=true&createdFrom=${monthStart}&createdTo=${today}`,
      collectedThisMonthCents: `/billing/payments?receivedFrom=${monthStart}&receivedTo=${today}`,
      failedPayments: '/billing/failed',
      failedOwedCents: '/billing/failed',
      pendingApprovals: '/agreements?status=pending_approval',
      expiring30: '/agreements?expiringWithin=30&sort=endDate&dir=asc',
      expiring60: '/agreements?expiringWithin=60&sort=endDate&dir=asc',
      expiring90: '/agreements?expiringWithin=90&sort=endDate&dir=asc',
      suspendedAgreements: '/agreements?status=suspended',
      renewalsSentThisMonth: `/agreements?renewalSentFrom=${monthStart}&sort=endDate&dir=asc`,
      renewalsAcceptedThisMonth: `/agreements?renewalAcceptedFrom=${monthStart}&sort=endDate&dir=asc`,
      todaysVisits: `/schedule?view=day&date=${today}`,
      quickbooksErrors: '/settings/quickbooks',
    },
    series,
  }
}

/**
 * Recurring revenue at each month's end from agreements grouped by the month they began (or the
 * window's first) and ended: a group counts in month m when it began in or before m and ends
 * after it, its revenue summed exactly and rounded once. The month under way is today's figure.
 */
function mrrHistory(months: number[], groups: HistoryGroup[], current: number, mrr: (gs: HistoryGroup[]) => number): number[] {
  return months.map((m, i) => (i === months.length - 1 ? current : mrr(groups.filter((g) => g.fromMonth <= m && (g.toMonth === null || g.toMonth > m)))))
}

interface PlanGroup {
  planId: string | null
  intervalMonths: number
  active: number
  /** Recurring cents of the active agreements in term, per bill (not yet per month). */
  recurringCents: number
  statusActive: number
  pending: number
  suspended: number
  e30: number
  e60: number
  e90: number
}

interface HistoryGroup {
  status: string
  hasNext: boolean
  /** Year × 12 + month - 1. */
  fromMonth: number
  /** The month it ended (its exclusive end's); null while open-ended. */
  toMonth: number | null
  intervalMonths: number
  n: number
  recurringCents: number
}
