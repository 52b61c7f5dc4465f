import { sql } from 'kysely'
import type { DashboardDto, DashboardSeries, DashboardTiles } from '../../contracts/dashboard.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { addMonthsIso } from '../../domain/iso-date.ts'
import { localDate, localInstant } from '../../domain/time-zone.ts'
import { IN_TERM, RENEWAL_ACCEPTED, RENEWAL_SENT } from '../agreements/agreement-list.ts'
import type { ServiceDeps } from '../deps.ts'
import { companyTimeZone } from '../settings/company-settings.ts'

/**
 * The dashboard's figures in a handful of queries, each a single pass that stays fast at 100,000
 * agreements and a million invoices: agreements are read once, grouped by what the tiles and charts
 * tell apart (status, plan, in term today, expiring bucket, start and end month); money by month
 * comes from the trigger-written `money_ledger` (a few rows per billing batch), failures from
 * covering partial indexes on failed invoices. "Today" and months are the company's.
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
  // Agreements twice, each pass a parallel aggregate over a covering index: today's figures by plan,
  // and the history by start and end month.
  const inTerm = IN_TERM(today)
  const expiring = (days: number) =>
    sql`count(*) filter (where status in ('active', 'suspended') and renewed_by_id is null and close_on is null and end_date > ${today}::date and end_date <= ${addDays(today, days)}::date)::int`
  const byPlanToday = sql<PlanGroup>`
    select plan_id, count(*) filter (where status = 'active' and ${inTerm})::int as active,
      coalesce(sum(recurring_cents::float8 / billing_interval_months) filter (where status = 'active' and ${inTerm}), 0)::float8 as mrr,
      count(*) filter (where status = 'active')::int as status_active, count(*) filter (where status = 'pending_approval')::int as pending,
      count(*) filter (where status = 'suspended')::int as suspended, ${expiring(30)} as e30, ${expiring(60)} as e60, ${expiring(90)} as e90
    from agreements a where status in ('pending_approval', 'active', 'suspended') group by 1`
  const firstMonth = monthIndex(first)
  const history = sql<HistoryGroup>`
    select status, renewed_by_id is not null as has_next, greatest(start_month, ${firstMonth}) as from_month, end_month as to_month,
      count(*)::int as n, sum(recurring_cents::float8 / billing_interval_months)::float8 as mrr
    from agreements
    where status in ('active', 'suspended', 'closed', 'expired', 'renewed') and start_date <= ${today}::date and (end_month is null or end_month >= ${firstMonth})
    group by 1, 2, 3, 4`
  const [planGroups, historyRows, planRows, money, failed, outcomes, counts, offers] = await Promise.all([
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
    sql<{
      customers: number; archivedCustomers: number; locations: number; plans: number; users: number; openQuotes: number
      sent: number; accepted: number; visits: number; qbErrors: number
    }>`
      select (select count(*) from customers)::int - c.archived as customers, c.archived as archived_customers,
        ((select count(*) from customer_locations where archived_at is null)
          - (select count(*) from customer_locations l where l.archived_at is null and l.customer_id in (select id from customers where archived_at is not null)))::int as locations,
        (select count(*) from plans where archived_at is null)::int as plans,
        (select count(*) from users where is_active)::int as users,
        (select count(*) from quotes where status in ('sent', 'viewed'))::int as open_quotes,
        (select count(distinct n.agreement_id) from renewal_notices n where ${RENEWAL_SENT(monthStart)})::int as sent,
        (select count(distinct n.agreement_id) from renewal_notices n where ${RENEWAL_ACCEPTED(monthStart)})::int as accepted,
        (select count(*) from work_orders where scheduled_start >= ${localInstant(today, tz)} and scheduled_start < ${localInstant(addDays(today, 1), tz)}
          and status not in ('cancelled'))::int as visits,
        (select count(*) from quickbooks_queue where status = 'failed')::int as qb_errors
      from (select count(*)::int as archived from customers where archived_at is not null) c`.execute(db),
    // Agreements sent a renewal notice or quote (with its link), and those accepted, by the company's month.
    sql<{ month: string; sent: number; accepted: number }>`
      select m as month, count(distinct agreement_id) filter (where kind = 'sent')::int as sent, count(distinct agreement_id) filter (where kind = 'accepted')::int as accepted
      from (select to_char(sent_at at time zone ${tz}, 'YYYY-MM') as m, 'sent' as kind, agreement_id from renewal_notices where token_hash is not null and sent_at >= ${localInstant(first, tz)}
            union all
            select to_char(accepted_at at time zone ${tz}, 'YYYY-MM'), 'accepted', agreement_id from renewal_notices where accepted_at >= ${localInstant(first, tz)}) x
      group by 1`.execute(db),
  ])
  const plansToday = planGroups.rows.map((g) => ({ ...g, mrr: Number(g.mrr) }))
  const total = (k: Exclude<keyof PlanGroup, 'planId'>) => plansToday.reduce((s, g) => s + Number(g[k]), 0)
  const a = { active: total('active'), mrr: total('mrr'), statusActive: total('statusActive'), pending: total('pending'), suspended: total('suspended'), e30: total('e30'), e60: total('e60'), e90: total('e90') }
  const groups = historyRows.rows.map((g) => ({ ...g, mrr: Number(g.mrr) }))
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
    mrrCents: Math.round(Number(a.mrr)),
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
    mrrCents: mrrHistory(months.map(monthIndex), groups, tiles.mrrCents),
    billedCents: billed,
    collectedCents: collected,
    renewals: months.map((m) => {
      const r = renewals.rows.find((x) => x.month === m)
      const renewed = r?.renewed ?? 0
      const expired = r?.expired ?? 0
      const o = offers.rows.find((x) => x.month === m)
      return { month: m, renewed, expired, rate: renewed + expired ? renewed / (renewed + expired) : null, sent: o?.sent ?? 0, accepted: o?.accepted ?? 0 }
    }),
    failedByReason: failed.rows.map((r) => ({ reason: r.reason, count: r.count, owedCents: Math.round(Number(r.owed)) })),
    failureOutcomes: { recovered: outcome('recovered'), lost: outcome('lost'), pending: outcome('pending') },
    agreementsByPlan: byPlan.rows.map((r) => ({ planId: r.planId, planName: r.planName ?? 'No plan (ad hoc)', count: r.count, mrrCents: Math.round(Number(r.mrr)) })),
  }
  return {
    today,
    customers: c.customers,
    archivedCustomers: c.archivedCustomers,
    locations: c.locations,
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
 * after it. The month under way is today's figure.
 */
function mrrHistory(months: number[], groups: HistoryGroup[], current: number): number[] {
  return months.map((m, i) =>
    i === months.length - 1 ? current : Math.round(groups.filter((g) => g.fromMonth <= m && (g.toMonth === null || g.toMonth > m)).reduce((s, g) => s + Number(g.mrr), 0)),
  )
}

interface PlanGroup {
  planId: string | null
  active: number
  mrr: number
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
  n: number
  mrr: number
}
