import type { ClosePlanDto, CloseAgreementInput } from '../../contracts/agreements.ts'
import { loadBrand } from '../email/brand.ts'
import type { Db } from '../../db/database.ts'
import { assertTransition } from '../../domain/agreement-status.ts'
import { addDays, effectiveEndDate, periodAt } from '../../domain/billing-calendar.ts'
import { conflict, notFound } from '../../domain/errors.ts'
import { dayBeforeIso } from '../../domain/iso-date.ts'
import { paidWithText } from '../../domain/payment-method.ts'
import { proratedRefund } from '../../domain/proration.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { refundPayment, voidInvoice } from '../billing/office-actions.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { agreementClosedEmail } from '../renewals/renewal-emails.ts'
import { companyToday, getSettings } from '../settings/company-settings.ts'
import { cancelRemainingVisitsTx } from './agreement-visits.ts'

/**
 * Closing an agreement (workflow 7), by the office with a reason, or on the customer's request
 * recorded by the office:
 * - `now`: service runs through today; billing stops; with `refund`, the unused days of the
 *   period under way are refunded (domain/proration.ts) through the gateway;
 * - `period_end`: service runs to the end of the period under way; billing stops there and the
 *   renewal job closes it that day.
 * Either way a period billed ahead (wholly after the end) is refunded in full if paid and voided
 * if not, the remaining visits are cancelled by the work-order rules, auto-renewal stops, the
 * customer is emailed, and QuickBooks gets the refunds (the reversals' queue entries).
 *
 * Money once: refunds go first, each exactly once (billing's reversal rules), then the closing is
 * recorded. A lease on the agreement makes a double click wait (409); a retry after a crash
 * recomputes what is still due from what has been refunded already, so nothing goes out twice.
 */
const LEASE_MS = 120_000

interface Target {
  id: string
  number: number
  status: 'pending_approval' | 'active' | 'suspended' | 'rejected' | 'closed' | 'expired' | 'renewed'
  startDate: string
  billingIntervalMonths: number
  endDate: string | null
  termMonths: number | null
}

async function loadTarget(db: Db, id: string): Promise<Target> {
  const a = await db.selectFrom('agreements').select(['id', 'number', 'status', 'startDate', 'billingIntervalMonths', 'endDate', 'termMonths']).where('id', '=', id).executeTakeFirst()
  if (!a) throw notFound('agreement', id)
  return { ...a, number: Number(a.number) }
}

/** The last day of service and the (exclusive) day billing stops. */
function endOf(a: Target, when: 'now' | 'period_end', today: string): { lastServiceDay: string; endDate: string } {
  const schedule = { startDate: a.startDate, intervalMonths: a.billingIntervalMonths, endDate: effectiveEndDate(a.startDate, a.endDate, a.termMonths) }
  if (today < a.startDate) return { lastServiceDay: dayBeforeIso(a.startDate), endDate: a.startDate }
  if (when === 'now') return { lastServiceDay: today, endDate: addDays(today, 1) }
  for (let i = 0; i < 10_000; i++) {
    const p = periodAt(schedule, i)
    if (!p) break
    if (p.start <= today && today < p.end) return { lastServiceDay: dayBeforeIso(p.end), endDate: p.end }
  }
  // Past its last period already (waiting for the renewal job): ends today.
  return { lastServiceDay: today, endDate: addDays(today, 1) }
}

/** What closing would do now: the end, each refund and void, the visits cancelled. Changes nothing. */
export async function planClose(deps: ServiceDeps, id: string, o: { when: 'now' | 'period_end'; refund: boolean }): Promise<ClosePlanDto> {
  const a = await loadTarget(deps.db, id)
  assertTransition(a.status, 'close')
  const today = await companyToday(deps)
  const { lastServiceDay, endDate } = endOf(a, o.when, today)
  const invoices = await deps.db
    .selectFrom('invoices')
    .select(['id', 'number', 'status', 'periodStart', 'periodEnd', 'totalCents', 'paidCents', 'refundedCents'])
    .where('agreementId', '=', id)
    .where('status', '!=', 'void')
    .where('periodEnd', '>', endDate)
    .orderBy('periodStart')
    .execute()
  const plan: ClosePlanDto = { agreementId: id, when: o.when, lastServiceDay, endDate, refunds: [], refundCents: 0, voidInvoices: [], unpaidInvoices: [], visitsCancelled: 0 }
  for (const inv of invoices) {
    const paid = Number(inv.paidCents)
    const ahead = inv.periodStart >= endDate
    if (paid === 0 && (inv.status === 'open' || inv.status === 'failed')) {
      if (ahead) plan.voidInvoices.push({ invoiceId: inv.id, invoiceNumber: Number(inv.number), totalCents: Number(inv.totalCents) })
      else plan.unpaidInvoices.push({ invoiceId: inv.id, invoiceNumber: Number(inv.number), owedCents: Number(inv.totalCents) - paid })
      continue
    }
    if (!ahead && !(o.when === 'now' && o.refund)) continue
    // The share owed back of what was paid, less what has been refunded already (by us before a crash, or by the office).
    const share = proratedRefund({ paidCents: paid, periodStart: inv.periodStart, periodEnd: inv.periodEnd, lastServiceDay })
    let due = Math.max(0, share.refundCents - Number(inv.refundedCents))
    // A payment of several periods (a catch-up) counts here for this period's part of it.
    const payments = await deps.db
      .selectFrom('paymentInvoices as pi')
      .innerJoin('payments as p', 'p.id', 'pi.paymentId')
      .select(['p.id', 'pi.amountCents', 'pi.refundedCents'])
      .where('pi.invoiceId', '=', inv.id)
      .where('p.status', 'in', ['approved', 'partially_refunded'])
      .orderBy('p.receivedAt', 'desc')
      .orderBy('p.id', 'desc')
      .execute()
    for (const p of payments) {
      const left = Number(p.amountCents) - Number(p.refundedCents)
      const amount = Math.min(left, due)
      if (amount <= 0) continue
      due -= amount
      plan.refunds.push({ paymentId: p.id, invoiceId: inv.id, invoiceNumber: Number(inv.number), periodStart: inv.periodStart, periodEnd: inv.periodEnd, paidCents: paid, refundCents: amount, unusedDays: share.unusedDays, periodDays: share.periodDays })
      plan.refundCents += amount
    }
  }
  const visits = await deps.db
    .selectFrom('workOrders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('agreementId', '=', id)
    .where('status', 'in', ['open', 'scheduled', 'dispatched', 'on_the_way', 'suspended'])
    .$if(o.when === 'period_end', (q) => q.where('windowStart', '>=', endDate))
    .executeTakeFirstOrThrow()
  plan.visitsCancelled = Number(visits.n)
  return plan
}

/** Closes the agreement as `input` says; returns what was done. */
export async function closeAgreement(deps: ServiceDeps, id: string, input: CloseAgreementInput, actor: ActorId): Promise<ClosePlanDto & { status: string }> {
  const a = await loadTarget(deps.db, id)
  assertTransition(a.status, 'close')
  const now = deps.clock.now()
  const claimed = await deps.db
    .updateTable('agreements')
    .set({ closingUntil: new Date(now.getTime() + LEASE_MS) })
    .where('id', '=', id)
    .where('status', 'in', ['active', 'suspended'])
    // A closing scheduled for the period's end may still be brought forward to now.
    .$if(input.when === 'period_end', (q) => q.where('closeOn', 'is', null))
    .where((eb) => eb.or([eb('closingUntil', 'is', null), eb('closingUntil', '<', now)]))
    .executeTakeFirst()
  if (Number(claimed.numUpdatedRows) !== 1) {
    const again = await loadTarget(deps.db, id)
    assertTransition(again.status, 'close')
    throw conflict('agreement_closing', `Agreement #${a.number} is being closed or already closes at the end of its period`)
  }
  try {
    const plan = await planClose(deps, id, input)
    const reason = input.reason || (input.requestedBy === 'customer' ? 'Closed at the customer’s request' : 'Closed by the office')
    for (const r of plan.refunds) await refundPayment(deps, r.paymentId, { amountCents: r.refundCents, reason: `Agreement #${a.number} closed: ${r.unusedDays} of ${r.periodDays} days unused` }, actor, { invoiceId: r.invoiceId })
    for (const v of plan.voidInvoices) await voidInvoice(deps, v.invoiceId, `Agreement #${a.number} closed before this period`, actor)
    const status = await recordClose(deps, a, plan, { ...input, reason }, actor)
    deps.kickOutbox?.()
    return { ...plan, status }
  } finally {
    await deps.db.updateTable('agreements').set({ closingUntil: null }).where('id', '=', id).execute()
  }
}

async function recordClose(deps: ServiceDeps, a: Target, plan: ClosePlanDto, input: CloseAgreementInput, actor: ActorId): Promise<string> {
  const settings = await getSettings(deps)
  const now = deps.clock.now()
  const today = await companyToday(deps)
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('agreements').select(['status', 'customerId', 'name', 'renewedById', 'renewalOfId', 'startDate']).where('id', '=', a.id).forUpdate().executeTakeFirstOrThrow()
    const to = assertTransition(row.status, 'close')
    const common = { endDate: plan.endDate, autoRenew: false, closeReason: input.reason, closeRequestedBy: input.requestedBy, updatedAt: now }
    if (input.when === 'now') {
      await tx.updateTable('agreements').set({ ...common, status: to, statusReason: input.reason, closedAt: now, endedOn: plan.endDate, closeOn: null }).where('id', '=', a.id).execute()
    } else await tx.updateTable('agreements').set({ ...common, closeOn: plan.endDate }).where('id', '=', a.id).execute()
    const visits = await cancelRemainingVisitsTx(tx, { agreementId: a.id, fromDate: input.when === 'now' ? null : plan.endDate, reason: `The agreement closes: ${input.reason}`, actor, now })
    // A next term not yet begun goes too; a term that was itself a renewal frees its predecessor to expire.
    if (row.renewedById) await closeUnstartedTx(tx, row.renewedById, today, input.reason, actor, now)
    if (row.renewalOfId && row.startDate > today) await tx.updateTable('agreements').set({ renewedById: null }).where('id', '=', row.renewalOfId).where('renewedById', '=', a.id).execute()
    await recordAuditEvent(tx, {
      entityType: 'agreement', entityId: a.id, action: input.when === 'now' ? 'agreement.closed' : 'agreement.close_scheduled', actorUserId: actor,
      details: { reason: input.reason, requestedBy: input.requestedBy, lastServiceDay: plan.lastServiceDay, refundCents: plan.refundCents, refunds: plan.refunds.map((r) => ({ paymentId: r.paymentId, cents: r.refundCents })), invoicesVoided: plan.voidInvoices.map((v) => v.invoiceId), visitsCancelled: visits },
    })
    const c = await tx
      .selectFrom('customers as c')
      .select(['c.name'])
      .select((eb) => eb.selectFrom('customerContacts as k').select('k.email').whereRef('k.customerId', '=', 'c.id').where('k.email', 'is not', null).orderBy('k.isPrimary', 'desc').orderBy('k.id').limit(1).as('email'))
      .where('c.id', '=', row.customerId)
      .executeTakeFirstOrThrow()
    if (c.email) {
      const pm = plan.refunds.length
        ? await tx.selectFrom('payments as p').leftJoin('chargeAttempts as t', 't.id', 'p.attemptId').leftJoin('paymentMethods as m', 'm.id', 't.paymentMethodId').select(['m.kind', 'm.brand', 'm.last4']).where('p.id', '=', plan.refunds[0]!.paymentId).executeTakeFirst()
        : undefined
      const email = agreementClosedEmail({
        brand: await loadBrand(tx, deps.publicUrl), customerName: c.name, agreementNumber: a.number, agreementName: row.name, lastServiceDay: plan.lastServiceDay,
        now: input.when === 'now', refundCents: plan.refundCents, refundedTo: pm?.kind && pm.last4 ? paidWithText({ kind: pm.kind, brand: pm.brand, last4: pm.last4 }) : null,
      })
      await enqueueEmail(tx, { kind: 'agreement.closed', to: c.email, ...email, relatedType: 'agreement', relatedId: a.id })
    }
    return input.when === 'now' ? to : row.status
  })
}

/** Closes a next term that has not started yet (its predecessor is closing). */
async function closeUnstartedTx(tx: Db, id: string, today: string, reason: string, actor: ActorId, now: Date): Promise<void> {
  const next = await tx.selectFrom('agreements').select(['status', 'startDate']).where('id', '=', id).forUpdate().executeTakeFirst()
  if (!next || next.startDate <= today || (next.status !== 'active' && next.status !== 'suspended')) return
  await tx.updateTable('agreements').set({ status: 'closed', statusReason: reason, closedAt: now, endedOn: next.startDate, endDate: next.startDate, autoRenew: false, updatedAt: now }).where('id', '=', id).execute()
  await cancelRemainingVisitsTx(tx, { agreementId: id, fromDate: null, reason: `The agreement closes: ${reason}`, actor, now })
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.closed', actorUserId: actor, details: { reason, before: 'its start' } })
}
