import { sql, type Expression, type SqlBool } from 'kysely'
import type { AgreementFilter, AgreementListQuery, AgreementPage, AgreementSort, AgreementSummaryDto } from '../../contracts/agreements.ts'
import type { Db } from '../../db/database.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { validationError } from '../../domain/errors.ts'
import { periodAndTermTotals, type PricedLine } from '../../domain/pricing.ts'
import { localDayStart } from '../../db/company-day.ts'
import { asNumberSearch, likeContains } from '../../db/like.ts'
import { NEVER } from '../billing/due-invoices.ts'

/**
 * The office's agreements list: one filter (`AgreementFilter`) shared by the page, the CSV export
 * and "all matching" in bulk renewals; sorted, with keyset paging (a cursor of the last row's sort
 * value and id), so page 4,000 costs what page 1 does. `today` is the company's date.
 */

/** A term's end as the indexes read it (open-ended: never). */
const END = sql`coalesce(a.end_date, '9999-12-31'::date)`

/** The sort expressions; each has an index that serves `(value, id)` order. */
const SORTS: Record<AgreementSort, { expr: ReturnType<typeof sql>; cast: string }> = {
  createdAt: { expr: sql`a.created_at`, cast: 'timestamptz' },
  number: { expr: sql`a.number`, cast: 'bigint' },
  customer: { expr: sql`lower(c.name)`, cast: 'text' },
  endDate: { expr: END, cast: 'date' },
  nextBillDate: { expr: sql`coalesce(a.next_bill_date, a.start_date)`, cast: 'date' },
  startDate: { expr: sql`a.start_date`, cast: 'date' },
}

/** The term includes `today`: begun and not ended (what the dashboard counts as active and in its MRR). */
export const IN_TERM = (today: string) => sql`a.start_date <= ${today}::date and (a.end_date is null or a.end_date > ${today}::date)`
/** Renewal notices (alias n) sent with their link, or accepted, since a company-local date: the dashboard's renewals tiles. */
export const RENEWAL_SENT = (from: string) => sql`n.token_hash is not null and n.sent_at >= ${localDayStart(from)}`
export const RENEWAL_ACCEPTED = (from: string) => sql`n.accepted_at >= ${localDayStart(from)}`

/** The conditions of a filter on `agreements as a` (nothing else needs joining). */
export function filterConditions(f: AgreementFilter, today: string): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = []
  if (f.customerId) where.push(sql<SqlBool>`a.customer_id = ${f.customerId}`)
  if (f.status === 'payment_failed') where.push(sql<SqlBool>`a.id in (select i.agreement_id from invoices i where i.status = 'failed')`)
  else if (f.status) where.push(sql<SqlBool>`a.status = ${f.status}`)
  if (f.expiringWithin !== undefined)
    where.push(sql<SqlBool>`a.status in ('active', 'suspended') and a.renewed_by_id is null and a.close_on is null
      and ${END} > ${today}::date and ${END} <= ${addDays(today, f.expiringWithin)}::date`)
  if (f.planId) where.push(sql<SqlBool>`a.plan_id = ${f.planId}`)
  if (f.billingIntervalMonths !== undefined) where.push(sql<SqlBool>`a.billing_interval_months = ${f.billingIntervalMonths}`)
  if (f.nextBillFrom) where.push(sql<SqlBool>`coalesce(a.next_bill_date, a.start_date) >= ${f.nextBillFrom}::date`)
  if (f.nextBillTo) where.push(sql<SqlBool>`coalesce(a.next_bill_date, a.start_date) <= ${f.nextBillTo}::date`)
  if (f.autoRenew !== undefined) where.push(sql<SqlBool>`a.auto_renew = ${f.autoRenew}`)
  if (f.inTerm !== undefined) where.push(sql<SqlBool>`${f.inTerm ? sql`` : sql`not`} (${IN_TERM(today)})`)
  if (f.renewalSentFrom) where.push(sql<SqlBool>`a.id in (select n.agreement_id from renewal_notices n where ${RENEWAL_SENT(f.renewalSentFrom)})`)
  if (f.renewalAcceptedFrom) where.push(sql<SqlBool>`a.id in (select n.agreement_id from renewal_notices n where ${RENEWAL_ACCEPTED(f.renewalAcceptedFrom)})`)
  if (f.q) {
    // The customer's search text as copied onto the agreement (migration 0024), the agreement's
    // name and its number: each has its own index on agreements, OR-ed in one bitmap scan.
    const text = f.q.trim()
    const n = asNumberSearch(text)
    where.push(sql<SqlBool>`(a.customer_search_text like ${likeContains(text)}
      or lower(a.name) like ${likeContains(text)}${n !== null ? sql` or a.number = ${n}` : sql``})`)
  }
  return where
}

const and = (where: Expression<SqlBool>[]) => (where.length ? sql<SqlBool>`${sql.join(where, sql` and `)}` : sql<SqlBool>`true`)

/** Agreements matching the filter (the base of the list, the export and bulk selections). */
export function matching(db: Db, f: AgreementFilter, today: string) {
  return db
    .selectFrom('agreements as a')
    .innerJoin('customers as c', 'c.id', 'a.customerId')
    .where(and(filterConditions(f, today)))
}

interface Cursor {
  sort: AgreementSort
  dir: 'asc' | 'desc'
  value: string
  id: string
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.sort, c.dir, c.value, c.id])).toString('base64url')

function decodeCursor(raw: string, sort: AgreementSort, dir: 'asc' | 'desc'): Cursor {
  try {
    const [s, d, value, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[]
    if (s === sort && d === dir && typeof value === 'string' && typeof id === 'string') return { sort, dir, value, id }
  } catch {
    // falls through to the 422
  }
  throw validationError({ cursor: 'does not belong to this list and order; start again from the first page' })
}

/** The rows of one keyset page in the list's order; `forExport` adds the columns a spreadsheet wants. */
async function pageRows(db: Db, q: AgreementFilter & { sort: AgreementSort; dir: 'asc' | 'desc'; cursor?: string | undefined; offset?: number }, limit: number, today: string) {
  const s = SORTS[q.sort]
  const dir = q.dir === 'asc' ? sql`asc` : sql`desc`
  let rows = matching(db, q, today)
    .innerJoin('customerLocations as l', 'l.id', 'a.locationId')
    .leftJoin('plans as p', 'p.id', 'a.planId')
    .select(['a.id', 'a.number', 'a.customerId', 'c.name as customerName', 'a.name', 'a.status', 'a.startDate', 'a.endDate', 'a.billingIntervalMonths'])
    .select(['a.lines', 'a.taxRatePpm', 'a.planId', 'p.name as planName', 'a.autoRenew', 'a.nextBillDate', 'a.renewedById', 'a.closeOn', 'a.createdAt'])
    .select(['l.line1', 'l.city', 'l.region', 'l.postalCode', 'a.recurringCents'])
    .select(sql<string>`(${s.expr})::text`.as('sortValue'))
    .orderBy(sql`${s.expr} ${dir}`)
    .orderBy(sql`a.id ${dir}`)
    .limit(limit)
  if (q.cursor) {
    const c = decodeCursor(q.cursor, q.sort, q.dir)
    rows = rows.where(sql<SqlBool>`(${s.expr}, a.id) ${q.dir === 'asc' ? sql`>` : sql`<`} (${c.value}::${sql.raw(s.cast)}, ${c.id})`)
  } else if (q.offset) rows = rows.offset(q.offset)
  const found = await rows.execute()
  const cursorAfter = (i: number) => encodeCursor({ sort: q.sort, dir: q.dir, value: found[i]!.sortValue, id: found[i]!.id })
  return { found, cursorAfter }
}

/** One page of the list. With `cursor`, the page after it; otherwise page `page` (offset; kept for old links). */
export async function listAgreements(db: Db, q: AgreementListQuery, today: string): Promise<AgreementPage> {
  // The filters read agreements only (a search goes through its own subquery): no join to count.
  const count = db.selectFrom('agreements as a').where(and(filterConditions(q, today))).select((eb) => eb.fn.countAll<number>().as('n'))
  const [{ found, cursorAfter }, total] = await Promise.all([
    pageRows(db, { ...q, offset: q.cursor ? 0 : (q.page - 1) * q.pageSize }, q.pageSize + 1, today),
    count.executeTakeFirstOrThrow(),
  ])
  const more = found.length > q.pageSize
  return {
    items: found.slice(0, q.pageSize).map(summaryOf),
    total: Number(total.n),
    page: q.cursor ? 0 : q.page,
    pageSize: q.pageSize,
    nextCursor: more ? cursorAfter(q.pageSize - 1) : null,
  }
}

const parseLines = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as PricedLine[]

/** The list's row shape from the selected columns. */
export function summaryOf(
  r: { id: string; number: number; customerId: string; customerName: string; name: string; status: AgreementSummaryDto['status'] } & {
    startDate: string; endDate: string | null; billingIntervalMonths: number; lines: unknown; taxRatePpm: number; planId: string | null
    planName: string | null; autoRenew: boolean; nextBillDate: string | null; renewedById: string | null; closeOn: string | null; createdAt: Date
  },
): AgreementSummaryDto {
  const next = r.nextBillDate ?? r.startDate
  return {
    id: r.id,
    number: Number(r.number),
    customerId: r.customerId,
    customerName: r.customerName,
    name: r.name,
    status: r.status,
    startDate: r.startDate,
    endDate: r.endDate,
    billingIntervalMonths: r.billingIntervalMonths,
    perPeriodCents: periodAndTermTotals(parseLines(r.lines), r.taxRatePpm, null).perPeriod.totalCents,
    planId: r.planId,
    planName: r.planName,
    autoRenew: r.autoRenew,
    nextBillDate: next === NEVER || ['closed', 'expired', 'renewed', 'rejected'].includes(r.status) ? null : next,
    renewedById: r.renewedById,
    closeOn: r.closeOn,
    createdAt: r.createdAt.toISOString(),
  }
}

/** A row of the CSV export: the list's columns plus the service location and recurring amount. */
export type ExportRow = AgreementSummaryDto & { location: string; recurringCents: number }

/**
 * Every matching agreement, `batchSize` rows at a time in the list's order (keyset), for the
 * streamed CSV export and bulk sends: never more than one batch in memory.
 */
export async function* streamAgreements(db: Db, f: AgreementFilter & { sort: AgreementSort; dir: 'asc' | 'desc' }, today: string, batchSize = 1000): AsyncGenerator<ExportRow[]> {
  let cursor: string | undefined
  for (;;) {
    const { found, cursorAfter } = await pageRows(db, { ...f, cursor }, batchSize, today)
    if (found.length) yield found.map((r) => ({ ...summaryOf(r), location: `${r.line1}, ${r.city}, ${r.region} ${r.postalCode}`, recurringCents: Number(r.recurringCents) }))
    if (found.length < batchSize) return
    cursor = cursorAfter(found.length - 1)
  }
}
