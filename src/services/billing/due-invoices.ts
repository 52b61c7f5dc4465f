import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { duePeriods, effectiveEndDate, periodAt, type BillingPeriod } from '../../domain/billing-calendar.ts'
import { newId } from '../../domain/ids.ts'
import { linesForPeriod, totalsFor, type PricedLine, type Totals } from '../../domain/pricing.ts'

/**
 * Which invoices are due (the billing calendar applied to active agreements), and creating
 * them. Creating is idempotent: invoices are unique per (agreement, period start), and the
 * agreement's cursor (`billed_periods`, `next_bill_date`) moves in the same transaction.
 */

/** The agreement columns billing needs. */
export interface BillableAgreement {
  id: string
  customerId: string
  name: string
  startDate: string
  billingIntervalMonths: number
  endDate: string | null
  termMonths: number | null
  lines: PricedLine[]
  taxRatePpm: number
  billedPeriods: number
}

export interface PlannedInvoice {
  agreement: BillableAgreement
  period: BillingPeriod
  lines: PricedLine[]
  totals: Totals
}

/** A cursor past every possible period: the agreement has nothing more to bill. */
export const NEVER = '9999-12-31'
// NOTE: a catch-up bills at most this many periods of one agreement per run (years of monthly
// periods); the next run continues from the cursor.
const MAX_PERIODS_PER_RUN = 120

/**
 * Active agreements with a period due by `through`, `batchSize` at a time, by id. Streams:
 * never more than one batch in memory.
 */
export async function* streamDueAgreements(db: Db, through: string, batchSize = 500): AsyncGenerator<BillableAgreement[]> {
  let after = ''
  for (;;) {
    const rows = await db
      .selectFrom('agreements')
      .select(['id', 'customerId', 'name', 'startDate', 'billingIntervalMonths', 'endDate', 'termMonths', 'lines', 'taxRatePpm', 'billedPeriods'])
      .where('status', '=', 'active')
      .where('id', '>', after)
      .where(sql<boolean>`coalesce(next_bill_date, start_date) <= ${through}`)
      .orderBy('id')
      .limit(batchSize)
      .execute()
    if (rows.length === 0) return
    after = rows.at(-1)!.id
    yield rows.map((r) => ({ ...r, lines: parseLines(r.lines) }))
    if (rows.length < batchSize) return
  }
}

function parseLines(value: unknown): PricedLine[] {
  const v = typeof value === 'string' ? (JSON.parse(value) as unknown) : value
  return Array.isArray(v) ? (v as PricedLine[]) : []
}

/** The invoices an agreement owes by `through`: one per unbilled due period, oldest first. */
export function planInvoices(a: BillableAgreement, through: string): PlannedInvoice[] {
  const schedule = { startDate: a.startDate, intervalMonths: a.billingIntervalMonths, endDate: effectiveEndDate(a.startDate, a.endDate, a.termMonths) }
  return duePeriods(schedule, through, a.billedPeriods, MAX_PERIODS_PER_RUN).map((period) => {
    const lines = linesForPeriod(a.lines, period.index === 0)
    return { agreement: a, period, lines, totals: totalsFor(lines, a.taxRatePpm) }
  })
}

function nextBillDate(a: BillableAgreement, billed: number): string {
  const schedule = { startDate: a.startDate, intervalMonths: a.billingIntervalMonths, endDate: effectiveEndDate(a.startDate, a.endDate, a.termMonths) }
  return periodAt(schedule, billed)?.start ?? NEVER
}

/**
 * Creates the due invoices of a batch of agreements in one transaction, queues each for
 * QuickBooks, and advances the agreements' cursors. Periods already invoiced (another run,
 * or a run before a crash) are skipped by the unique key. Returns what was created.
 */
export async function createDueInvoices(
  db: Db,
  agreements: BillableAgreement[],
  through: string,
  runId: string | null,
): Promise<{ created: number; billedCents: number }> {
  const plans = agreements.map((a) => ({ a, invoices: planInvoices(a, through) }))
  const rows = plans.flatMap(({ invoices }) =>
    invoices.map((p) => ({
      id: newId('inv'),
      agreementId: p.agreement.id,
      customerId: p.agreement.customerId,
      runId,
      periodIndex: p.period.index,
      periodStart: p.period.start,
      periodEnd: p.period.end,
      lines: JSON.stringify(p.lines),
      subtotalCents: p.totals.subtotalCents,
      taxCents: p.totals.taxCents,
      totalCents: p.totals.totalCents,
      // A period with nothing to pay is settled as it is created.
      ...(p.totals.totalCents === 0 ? { status: 'paid' as const } : {}),
    })),
  )
  return db.transaction().execute(async (tx) => {
    let created: { id: string; totalCents: number }[] = []
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500)
      created = created.concat(
        await tx
          .insertInto('invoices')
          .values(chunk)
          .onConflict((oc) => oc.columns(['agreementId', 'periodStart']).doNothing())
          .returning(['id', 'totalCents'])
          .execute(),
      )
    }
    if (created.length > 0) {
      await tx
        .insertInto('quickbooksQueue')
        .values(created.map((c) => ({ id: newId('qbo'), entityType: 'invoice' as const, entityId: c.id })))
        .onConflict((oc) => oc.columns(['entityType', 'entityId']).doNothing())
        .execute()
    }
    const moves = plans.map(({ a, invoices }) => {
      const billed = a.billedPeriods + invoices.length
      return { id: a.id, from: a.billedPeriods, billed, next: nextBillDate(a, billed) }
    })
    if (moves.length > 0) {
      const values = sql.join(moves.map((m) => sql`(${m.id}, ${m.from}::int, ${m.billed}::int, ${m.next}::date)`))
      // Only from the cursor we planned from: a concurrent run that moved it first wins.
      await sql`update agreements a set billed_periods = v.billed, next_bill_date = v.next, updated_at = now()
        from (values ${values}) as v(id, from_periods, billed, next)
        where a.id = v.id and a.billed_periods = v.from_periods`.execute(tx)
    }
    return { created: created.length, billedCents: created.reduce((s, c) => s + c.totalCents, 0) }
  })
}
