import { lastDayOf } from '../../domain/billing-calendar.ts'
import { cardExpiredOn, type PaymentMethodSummary } from '../../domain/payment-method.ts'
import type { ServiceDeps } from '../deps.ts'
import { planInvoices, streamDueAgreements } from './due-invoices.ts'
import { resolveThrough } from './run-billing.ts'

export interface PreviewRow {
  agreementId: string
  agreementName: string
  customerId: string
  customerName: string
  /** What the charge will go to; null when nothing is on file. */
  paymentMethod: PaymentMethodSummary | null
  /** Why this charge will fail as things stand: the office can ask for new details first. */
  warning: PreviewWarning | null
  periodStart: string
  periodLastDay: string
  subtotalCents: number
  taxCents: number
  totalCents: number
}

export type PreviewWarning = 'no_payment_method' | 'card_expired'

export interface BillingPreview {
  through: string
  /** The company's today, the billing-ahead days (Billing settings) and so the latest date a run may bill through. */
  today: string
  billAheadDays: number
  latestThrough: string
  agreements: number
  invoices: number
  totalCents: number
  /** Unpaid invoices from earlier runs the run would also charge (retries due, never charged). */
  alreadyInvoiced: { invoices: number; totalCents: number }
  /** Agreements (of all, not only the rows shown) whose new invoices will fail as things stand. */
  warnings: Record<PreviewWarning, number>
  /** The first `limit` rows; `truncated` when there are more. */
  rows: PreviewRow[]
  truncated: boolean
}

/** What a run through `through` would bill; reads only, charges nothing. It may look past the date a run may bill through. */
export async function previewBilling(deps: ServiceDeps, input: { through?: string; limit?: number }): Promise<BillingPreview> {
  const { through, today, billAheadDays, latestThrough } = await resolveThrough(deps, input.through, 'preview')
  const limit = input.limit ?? 200
  const out: BillingPreview = {
    through,
    today,
    billAheadDays,
    latestThrough,
    agreements: 0,
    invoices: 0,
    totalCents: 0,
    alreadyInvoiced: { invoices: 0, totalCents: 0 },
    warnings: { no_payment_method: 0, card_expired: 0 },
    rows: [],
    truncated: false,
  }
  for await (const batch of streamDueAgreements(deps.db, through)) {
    const payers = await payersOf(deps, batch.map((a) => a.id))
    for (const a of batch) {
      const plans = planInvoices(a, through)
      if (plans.length === 0) continue
      out.agreements++
      const payer = payers.get(a.id)
      const paymentMethod = payer?.paymentMethod ?? null
      // Charged today (the run's date), not on `through`: a card good today is tried today.
      const warning: PreviewWarning | null = !paymentMethod ? 'no_payment_method' : cardExpiredOn(paymentMethod.expiry, today) ? 'card_expired' : null
      if (warning) out.warnings[warning]++
      for (const p of plans) {
        out.invoices++
        out.totalCents += p.totals.totalCents
        if (out.rows.length < limit) {
          out.rows.push({
            agreementId: a.id,
            agreementName: a.name,
            customerId: a.customerId,
            customerName: payer?.customerName ?? '',
            paymentMethod,
            warning,
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
  const owed = await deps.db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>(eb.ref('i.totalCents')), eb.lit(0)).as('cents')])
    .where('a.status', 'in', ['active', 'suspended'])
    .where('i.periodStart', '<=', through)
    .where((eb) =>
      eb.or([
        eb('i.status', '=', 'open'),
        eb.and([eb('i.status', '=', 'failed'), eb.or([eb('i.retryState', '=', 'soon'), eb.and([eb('i.retryState', '=', 'scheduled'), eb('i.nextRetryDate', '<=', today)])])]),
      ]),
    )
    .executeTakeFirstOrThrow()
  out.alreadyInvoiced = { invoices: Number(owed.n), totalCents: Number(owed.cents) }
  return out
}

/** Customer names and the payment methods on file of a batch of agreements, by agreement id. */
async function payersOf(deps: ServiceDeps, agreementIds: string[]): Promise<Map<string, { customerName: string; paymentMethod: PaymentMethodSummary | null }>> {
  if (agreementIds.length === 0) return new Map()
  const rows = await deps.db
    .selectFrom('agreements as a')
    .innerJoin('customers as c', 'c.id', 'a.customerId')
    .leftJoin('paymentMethods as pm', 'pm.id', 'a.paymentMethodId')
    .select(['a.id', 'c.name as customerName', 'pm.kind', 'pm.brand', 'pm.accountType', 'pm.last4', 'pm.expiry', 'pm.holderName'])
    .where('a.id', 'in', agreementIds)
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      {
        customerName: r.customerName,
        paymentMethod: r.kind && r.last4 ? { kind: r.kind, brand: r.brand, accountType: r.accountType, last4: r.last4, expiry: r.expiry, holderName: r.holderName ?? '' } : null,
      },
    ]),
  )
}
