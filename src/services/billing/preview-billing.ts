import { lastDayOf } from '../../domain/billing-calendar.ts'
import type { ServiceDeps } from '../deps.ts'
import { planInvoices, streamDueAgreements } from './due-invoices.ts'
import { resolveThrough } from './run-billing.ts'

export interface PreviewRow {
  agreementId: string
  agreementName: string
  customerId: string
  periodStart: string
  periodLastDay: string
  subtotalCents: number
  taxCents: number
  totalCents: number
}

export interface BillingPreview {
  through: string
  agreements: number
  invoices: number
  totalCents: number
  /** Unpaid invoices from earlier runs the run would also charge (retries due, never charged). */
  alreadyInvoiced: { invoices: number; totalCents: number }
  /** The first `limit` rows; `truncated` when there are more. */
  rows: PreviewRow[]
  truncated: boolean
}

/** What a run through `through` would bill; reads only, charges nothing. */
export async function previewBilling(deps: ServiceDeps, input: { through?: string; limit?: number }): Promise<BillingPreview> {
  const through = await resolveThrough(deps, input.through)
  const limit = input.limit ?? 200
  const out: BillingPreview = { through, agreements: 0, invoices: 0, totalCents: 0, alreadyInvoiced: { invoices: 0, totalCents: 0 }, rows: [], truncated: false }
  for await (const batch of streamDueAgreements(deps.db, through)) {
    for (const a of batch) {
      const plans = planInvoices(a, through)
      if (plans.length === 0) continue
      out.agreements++
      for (const p of plans) {
        out.invoices++
        out.totalCents += p.totals.totalCents
        if (out.rows.length < limit) {
          out.rows.push({
            agreementId: a.id,
            agreementName: a.name,
            customerId: a.customerId,
            periodStart: p.period.start,
            periodLastDay: lastDayOf(p.period),
            subtotalCents: p.totals.subtotalCents,
            taxCents: p.totals.taxCents,
            totalCents: p.totals.totalCents,
          })
        } else out.truncated = true
      }
    }
  }
  const now = deps.clock.now()
  const owed = await deps.db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>(eb.ref('i.totalCents')), eb.lit(0)).as('cents')])
    .where('a.status', 'in', ['active', 'suspended'])
    .where('i.periodStart', '<=', through)
    .where((eb) =>
      eb.or([
        eb('i.status', '=', 'open'),
        eb.and([eb('i.status', '=', 'failed'), eb.or([eb('i.retryState', '=', 'soon'), eb.and([eb('i.retryState', '=', 'scheduled'), eb('i.nextRetryAt', '<=', now)])])]),
      ]),
    )
    .executeTakeFirstOrThrow()
  out.alreadyInvoiced = { invoices: Number(owed.n), totalCents: Number(owed.cents) }
  return out
}
