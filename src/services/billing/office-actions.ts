import { sql } from 'kysely'
import type { OfflinePaymentInput, RefundInput } from '../../contracts/billing.ts'
import type { Db } from '../../db/database.ts'
import { businessDate } from '../../domain/billing-calendar.ts'
import { assertTransition } from '../../domain/agreement-status.ts'
import { AppError, conflict, notAllowed, notFound, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { cents } from '../../domain/money.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { getSettings } from '../settings/company-settings.ts'
import { loadInvoiceContext, queueReceipt } from './billing-emails.ts'
import { getBillingSettings } from './billing-settings.ts'
import { chargeOnce, resolveAttempt, type ChargeContext, type ChargeResult, type ChargeTarget } from './charge-invoice.ts'
import { DEFAULT_SETTLE_WINDOW_MS } from './run-billing.ts'
import { reactivateAgreementTx, suspendAgreementTx } from './suspension.ts'

/**
 * What the office does about one invoice or agreement: charge again now, record a payment
 * received outside the gateway, void or refund a payment through the gateway, suspend,
 * reactivate or close an agreement. Everything lands in the audit trail.
 */

async function chargeContext(deps: ServiceDeps): Promise<ChargeContext> {
  return { runId: null, settings: await getBillingSettings(deps.db), settleWindowMs: DEFAULT_SETTLE_WINDOW_MS }
}

/** The invoice as a charge target (what is owed, the agreement's payment method). */
async function targetFor(db: Db, invoiceId: string): Promise<ChargeTarget & { status: string }> {
  const r = await db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .leftJoin('paymentMethods as pm', 'pm.id', 'a.paymentMethodId')
    .select(['i.id', 'i.status', sql<number>`i.total_cents - i.paid_cents`.as('owed'), 'pm.id as pmId', 'pm.kind', 'pm.profileId', 'pm.acctId', 'pm.brand', 'pm.last4', 'pm.isActive'])
    .where('i.id', '=', invoiceId)
    .executeTakeFirst()
  if (!r) throw notFound('invoice', invoiceId)
  return {
    invoiceId: r.id,
    status: r.status,
    amountCents: Number(r.owed),
    paymentMethod: r.pmId ? { id: r.pmId, kind: r.kind!, profileId: r.profileId!, acctId: r.acctId!, brand: r.brand, last4: r.last4!, isActive: r.isActive! } : null,
  }
}

/**
 * Charges an unpaid invoice now (office "Retry", or a new card from the customer). An attempt
 * whose fate is unknown is resolved first; while it stays unknown nothing is charged (409).
 */
export async function chargeInvoiceNow(deps: ServiceDeps, invoiceId: string, actor: ActorId, source: 'office' | 'customer'): Promise<ChargeResult> {
  const ctx = await chargeContext(deps)
  const pending = await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', invoiceId).where('status', '=', 'pending').execute()
  for (const p of pending) await resolveAttempt(deps, p.id, ctx)
  const target = await targetFor(deps.db, invoiceId)
  if (target.status !== 'open' && target.status !== 'failed') throw notAllowed('invoice_not_unpaid', `Invoice is ${target.status}; only unpaid invoices can be charged`)
  const still = await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', invoiceId).where('status', '=', 'pending').executeTakeFirst()
  if (still) throw conflict('charge_in_flight', 'A charge for this invoice is still being confirmed with the gateway; try again in a minute')
  await recordAuditEvent(deps.db, { entityType: 'invoice', entityId: invoiceId, action: 'invoice.charge_requested', actorUserId: actor, details: { source } })
  const result = await chargeOnce(deps, target, ctx, true)
  if (result.kind === 'skipped') throw conflict('charge_in_flight', 'The invoice was just paid or is being charged')
  return result
}

/** Records a check, cash or transfer received for an invoice; sends the receipt. */
export async function recordOfflinePayment(deps: ServiceDeps, invoiceId: string, input: OfflinePaymentInput, actor: ActorId) {
  const target = await targetFor(deps.db, invoiceId)
  if (target.status !== 'open' && target.status !== 'failed') throw notAllowed('invoice_not_unpaid', `Invoice is ${target.status}; only unpaid invoices take payments`)
  if (input.amountCents > target.amountCents) throw validationError({ amountCents: `must be at most the ${target.amountCents} cents still owed` })
  const ctx = await loadInvoiceContext(deps.db, invoiceId)
  const now = deps.clock.now()
  const paymentId = newId('pay')
  await deps.db.transaction().execute(async (tx) => {
    // Lock the invoice first: a charge claim locks it too, so either the claim waits and then
    // sees the invoice paid, or its pending attempt is visible here.
    await tx.selectFrom('invoices').select('id').where('id', '=', invoiceId).forUpdate().execute()
    // Refused while a gateway charge of the same invoice is in flight: it might be approved.
    const inFlight = await tx.selectFrom('chargeAttempts').select('id').where('invoiceId', '=', invoiceId).where('status', '=', 'pending').executeTakeFirst()
    if (inFlight) throw conflict('charge_in_flight', 'A card charge for this invoice is being confirmed; record the payment once it has failed')
    const upd = await tx
      .updateTable('invoices')
      .set({
        paidCents: sql`paid_cents + ${input.amountCents}::bigint`,
        status: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then 'paid' else status end`,
        retryState: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else retry_state end`,
        nextRetryAt: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else next_retry_at end`,
        paidAt: now,
        updatedAt: now,
      })
      .where('id', '=', invoiceId)
      .where('status', 'in', ['open', 'failed'])
      .where(sql<boolean>`total_cents - paid_cents >= ${input.amountCents}::bigint`)
      .returning(['customerId'])
      .executeTakeFirst()
    if (!upd) throw conflict('invoice_changed', 'The invoice changed meanwhile; reload it')
    await tx
      .insertInto('payments')
      .values({
        id: paymentId, invoiceId, customerId: upd.customerId, attemptId: null, method: 'offline', amountCents: input.amountCents, gatewayRef: null,
        authCode: null, reference: `${input.method}${input.reference ? `: ${input.reference}` : ''}`, note: input.note,
        receivedAt: new Date(`${input.receivedOn}T12:00:00Z`), recordedBy: actor,
      })
      .execute()
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'payment', entityId: paymentId }).onConflict((oc) => oc.doNothing()).execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: invoiceId, action: 'invoice.paid_offline', actorUserId: actor, details: { paymentId, amountCents: input.amountCents, method: input.method } })
    if (ctx) await queueReceipt(tx, ctx, input.amountCents, input.method.replace('_', ' '), input.receivedOn, `Paid by ${input.method.replace('_', ' ')} on ${input.receivedOn}`)
  })
  deps.kickOutbox?.()
  return { paymentId }
}

async function loadPayment(db: Db, paymentId: string) {
  const p = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst()
  if (!p) throw notFound('payment', paymentId)
  return p
}

/** Voids a payment (card: through the gateway, while unsettled); the invoice is void: nothing is owed. */
export async function voidPayment(deps: ServiceDeps, paymentId: string, reason: string, actor: ActorId) {
  const p = await loadPayment(deps.db, paymentId)
  if (p.status !== 'approved' || Number(p.refundedCents) > 0) throw notAllowed('payment_not_voidable', `A ${p.status.replace('_', ' ')} payment cannot be voided`)
  if (p.method !== 'offline') {
    const out = await deps.gateway.void({ gatewayRef: p.gatewayRef! })
    if (out.status !== 'approved') throw gatewayRefused('void', out)
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('payments').set({ status: 'voided' }).where('id', '=', paymentId).execute()
    await tx.updateTable('invoices').set({ status: 'void', paidCents: sql`paid_cents - ${p.amountCents}::bigint`, retryState: null, nextRetryAt: null, updatedAt: now }).where('id', '=', p.invoiceId).execute()
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'void', entityId: paymentId }).onConflict((oc) => oc.doNothing()).execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: p.invoiceId, action: 'payment.voided', actorUserId: actor, details: { paymentId, amountCents: p.amountCents, reason } })
  })
  return { paymentId, status: 'voided' as const }
}

/** Refunds all or part of a settled card payment through the gateway (offline ones are just recorded). */
export async function refundPayment(deps: ServiceDeps, paymentId: string, input: RefundInput, actor: ActorId) {
  const p = await loadPayment(deps.db, paymentId)
  const left = Number(p.amountCents) - Number(p.refundedCents)
  if (p.status === 'voided' || left <= 0) throw notAllowed('payment_not_refundable', 'Nothing is left to refund on this payment')
  const amount = input.amountCents ?? left
  if (amount > left) throw validationError({ amountCents: `must be at most the ${left} cents not yet refunded` })
  let refundRef = newId('qbo')
  if (p.method !== 'offline') {
    const out = await deps.gateway.refund({ gatewayRef: p.gatewayRef!, amountCents: cents(amount), orderId: deps.gateway.newOrderId() })
    if (out.status !== 'approved') throw gatewayRefused('refund', out)
    refundRef = out.gatewayRef ?? refundRef
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (tx) => {
    const full = amount === left
    await tx.updateTable('payments').set({ refundedCents: sql`refunded_cents + ${amount}::bigint`, status: full ? 'refunded' : 'partially_refunded' }).where('id', '=', paymentId).execute()
    await tx
      .updateTable('invoices')
      .set({ refundedCents: sql`refunded_cents + ${amount}::bigint`, status: sql`case when refunded_cents + ${amount}::bigint >= paid_cents then 'refunded' else status end`, updatedAt: now })
      .where('id', '=', p.invoiceId)
      .execute()
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'refund', entityId: `${paymentId}:${refundRef}` }).onConflict((oc) => oc.doNothing()).execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: p.invoiceId, action: 'payment.refunded', actorUserId: actor, details: { paymentId, amountCents: amount, reason: input.reason, gatewayRef: refundRef } })
  })
  return { paymentId, refundedCents: amount }
}

function gatewayRefused(what: 'void' | 'refund', out: { status: string; message?: string }): AppError {
  const message = 'message' in out && out.message ? out.message : out.status
  if (out.status === 'declined') return notAllowed(`${what}_declined`, `The gateway refused the ${what}: ${message}${what === 'void' ? ' (a settled payment must be refunded instead)' : ''}`)
  return new AppError('integration', `${what}_failed`, `The ${what} could not be confirmed with the gateway (${message}); check the payment before trying again`)
}

/** Suspends an agreement and its work orders by hand. */
export async function suspendAgreement(deps: ServiceDeps, agreementId: string, reason: string, actor: ActorId) {
  const workOrders = await deps.db.transaction().execute((tx) => suspendAgreementTx(tx, agreementId, reason || 'Suspended by the office', actor, deps.clock.now()))
  return { agreementId, status: 'suspended' as const, workOrders }
}

/** One click: the agreement and its work orders are active again, once nothing is left unpaid. */
export async function reactivateAgreement(deps: ServiceDeps, agreementId: string, actor: ActorId) {
  const workOrders = await deps.db.transaction().execute(async (tx) => {
    const unpaid = await tx.selectFrom('invoices').select(['number']).where('agreementId', '=', agreementId).where('status', '=', 'failed').execute()
    if (unpaid.length > 0) {
      throw notAllowed('agreement_has_unpaid_invoices', `Invoice ${unpaid.map((u) => u.number).join(', ')} is still unpaid: collect it (new card, retry or offline payment) first`)
    }
    return reactivateAgreementTx(tx, agreementId, actor, deps.clock.now())
  })
  return { agreementId, status: 'active' as const, workOrders }
}

/** Closes an agreement: billing stops, future visits are cancelled. */
export async function closeAgreement(deps: ServiceDeps, agreementId: string, reason: string, actor: ActorId) {
  const now = deps.clock.now()
  const today = businessDate(now, (await getSettings(deps)).timeZone)
  return deps.db.transaction().execute(async (tx) => {
    const a = await tx.selectFrom('agreements').select(['status']).where('id', '=', agreementId).forUpdate().executeTakeFirst()
    if (!a) throw notFound('agreement', agreementId)
    const to = assertTransition(a.status, 'close')
    await tx.updateTable('agreements').set({ status: to, statusReason: reason, closedAt: now, updatedAt: now }).where('id', '=', agreementId).execute()
    const cancelled = await tx
      .updateTable('workOrders')
      .set({ status: 'cancelled', statusBeforeSuspension: null, updatedAt: now })
      .where('agreementId', '=', agreementId)
      .where('status', 'in', ['open', 'scheduled', 'suspended'])
      .where('windowStart', '>=', today)
      .executeTakeFirst()
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: agreementId, action: 'agreement.closed', actorUserId: actor, details: { reason, workOrdersCancelled: Number(cancelled.numUpdatedRows) } })
    return { agreementId, status: 'closed' as const, workOrdersCancelled: Number(cancelled.numUpdatedRows) }
  })
}
