import { sql } from 'kysely'
import type { TodayDto, TodayItem, TodayKind } from '../../contracts/dashboard.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { declineReasonText } from '../../domain/decline-text.ts'
import { dateText } from '../../domain/quote-text.ts'
import { localDate, localInstant } from '../../domain/time-zone.ts'
import type { ServiceDeps } from '../deps.ts'
import { companyTimeZone } from '../settings/company-settings.ts'

/** Items of each kind the list shows (the totals count them all). */
const PER_KIND = 25
/** Failed e-mails older than this are history, not today's work. */
const EMAIL_DAYS = 30

const RETRY: Record<string, string> = {
  needs_payment_method: 'needs a new card or bank account',
  exhausted: 'retries used up',
  soon: 'retried again soon',
}

/**
 * What the office needs to do now, the most money at stake first:
 * - sign-ups waiting for approval (at stake: their bill);
 * - unpaid invoices after a failed charge (what they still owe), with the reason and the retry state;
 * - suspended agreements that can be reactivated: nothing unpaid and a failed invoice paid since
 *   (their bill; a hand-suspended agreement without a failure is not listed);
 * - e-mails the outbox gave up on in the last 30 days and not sent again since (their invoice's total or
 *   their agreement's bill).
 * Each kind is one indexed query of at most 25 rows plus its totals; dates are the company's.
 */
export async function getToday(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<TodayDto> {
  const db = deps.db
  const tz = await companyTimeZone(db)
  const today = localDate(deps.clock.now(), tz)
  const emailsSince = localInstant(addDays(today, -EMAIL_DAYS), tz)
  const label = sql<string>`'#' || a.number || ' ' || a.name`
  type Row = { id: string; customerName: string | null; label: string; amount: number; since: Date; note: string; link: string; total: number; sum: number }
  type FailedRow = Row & { failureMessage: string | null; failureCode: string | null; retryState: string | null; nextRetry: string | null }
  // Each kind: its rows, the most at stake first, with the kind's count and sum over all rows (window functions).
  const kind = <R extends Row>(rows: ReturnType<typeof sql<R>>) => rows.execute(db).then((r) => r.rows)
  const [approvals, failed, reactivate, emails] = await Promise.all([
    kind(sql<Row>`
      select a.id, c.name as customer_name, ${label} as label, a.recurring_cents::float8 as amount, a.created_at as since, '' as note,
        '/agreements/' || a.id as link, count(*) over ()::int as total, sum(a.recurring_cents) over ()::float8 as sum
      from agreements a join customers c on c.id = a.customer_id
      where a.status = 'pending_approval' order by a.recurring_cents desc, a.created_at limit ${PER_KIND}`),
    kind(sql<FailedRow>`
      select i.id, c.name as customer_name, 'Invoice ' || i.number as label, (i.total_cents - i.paid_cents)::float8 as amount,
        coalesce(i.first_failed_at, i.created_at) as since, '' as note, i.failure_message, i.failure_code, i.retry_state, i.next_retry_date::text as next_retry,
        '/billing/invoices/' || i.id as link, count(*) over ()::int as total, sum(i.total_cents - i.paid_cents) over ()::float8 as sum
      from invoices i join customers c on c.id = i.customer_id
      where i.status = 'failed' order by i.total_cents - i.paid_cents desc, i.first_failed_at limit ${PER_KIND}`),
    kind(sql<Row>`
      select a.id, c.name as customer_name, ${label} as label, a.recurring_cents::float8 as amount, a.updated_at as since, '' as note,
        '/agreements/' || a.id as link, count(*) over ()::int as total, sum(a.recurring_cents) over ()::float8 as sum
      from agreements a join customers c on c.id = a.customer_id
      where a.status = 'suspended'
        and not exists (select 1 from invoices u where u.agreement_id = a.id and u.status = 'failed')
        and exists (select 1 from invoices p where p.agreement_id = a.id and p.first_failed_at is not null and p.status in ('paid', 'refunded'))
      order by a.recurring_cents desc, a.updated_at limit ${PER_KIND}`),
    kind(sql<Row>`
      select e.id, coalesce(ic.name, ac.name) as customer_name, e.subject as label,
        coalesce(i.total_cents, a.recurring_cents, 0)::float8 as amount, e.created_at as since,
        e.to_address || coalesce(': ' || e.last_error, '') as note, '/settings/emails?status=failed' as link,
        count(*) over ()::int as total, sum(coalesce(i.total_cents, a.recurring_cents, 0)) over ()::float8 as sum
      from email_outbox e
        left join invoices i on e.related_type = 'invoice' and i.id = e.related_id
        left join customers ic on ic.id = i.customer_id
        left join agreements a on e.related_type = 'agreement' and a.id = e.related_id
        left join customers ac on ac.id = a.customer_id
      where e.status = 'failed' and e.created_at >= ${emailsSince}
        and not exists (select 1 from email_outbox s where s.status = 'sent' and s.kind = e.kind and s.to_address = e.to_address
          and s.related_id is not distinct from e.related_id and s.created_at > e.created_at)
      order by 4 desc, e.created_at limit ${PER_KIND}`),
  ])
  const item = (k: TodayKind) => (r: Row): TodayItem => ({
    kind: k, id: r.id, customerName: r.customerName, label: r.label, amountCents: Math.round(Number(r.amount)), since: localDate(new Date(r.since), tz), note: r.note, link: r.link,
  })
  const totals = (rows: Row[]) => ({ count: rows[0]?.total ?? 0, cents: Math.round(Number(rows[0]?.sum ?? 0)) })
  const items = [
    ...approvals.map(item('approve_signup')),
    ...failed.map((r) => ({ ...item('failed_payment')(r), note: failureNote(r) })),
    ...reactivate.map(item('reactivate')),
    ...emails.map(item('email_failed')),
  ].sort((x, y) => y.amountCents - x.amountCents || x.since.localeCompare(y.since))
  return {
    today,
    items,
    totals: { approve_signup: totals(approvals), failed_payment: totals(failed), reactivate: totals(reactivate), email_failed: totals(emails) },
  }
}

/** "Insufficient funds · retry on Jun 18, 2026": the gateway's message (or its reason in words), then what happens next. */
function failureNote(r: { failureMessage: string | null; failureCode: string | null; retryState: string | null; nextRetry: string | null }): string {
  const why = r.failureMessage || (r.failureCode ? declineReasonText(r.failureCode) : '')
  const next = r.retryState === 'scheduled' ? (r.nextRetry ? `retry on ${dateText(r.nextRetry)}` : 'retry scheduled') : r.retryState ? (RETRY[r.retryState] ?? r.retryState.replace(/_/g, ' ')) : ''
  return [why, next].filter(Boolean).join(' · ')
}
