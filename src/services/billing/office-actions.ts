import { formatDate } from '../../domain/formatting.ts'
import { usd } from '../../domain/quote-text.ts'
import { sql, type Selectable } from 'kysely'
import type { OfflinePaymentInput, RefundInput } from '../../contracts/billing.ts'
import type { Db } from '../../db/database.ts'
import type { PaymentReversalStatus, PaymentReversalsTable } from '../../db/schema.ts'
import { localInstant } from '../../domain/time-zone.ts'
import { AppError, conflict, notAllowed, notFound, unreachable, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { cents, formatUsd } from '../../domain/money.ts'
import type { ChargeOutcome } from '../../ports/payment-gateway.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { loadInvoiceContext, queueReceipt } from './billing-emails.ts'
import { getBillingSettings } from './billing-settings.ts'
import { chargeOnce, resolveAttempt } from './charge.ts'
import { DEFAULT_SETTLE_WINDOW_MS, groupTarget, singleTarget, type ChargeContext, type ChargeResult, type ChargeTarget } from './charge-types.ts'
import { reactivateAgreementTx, suspendAgreementTx } from './suspension.ts'

/**
 * What the office does about one invoice or agreement: charge again now, record a payment
 * received outside the gateway, void or refund a payment through the gateway, void an unpaid
 * invoice, suspend, reactivate or close an agreement. Everything lands in the audit trail.
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
  const pm = r.pmId ? { id: r.pmId, kind: r.kind!, profileId: r.profileId!, acctId: r.acctId!, brand: r.brand, last4: r.last4!, isActive: r.isActive! } : null
  return { ...singleTarget(r.id, Number(r.owed), pm), status: r.status }
}

/** Pending charge attempts covering any of these invoices (a charge of several invoices covers each). */
function pendingCharges(db: Db, invoiceIds: string[]) {
  return db.selectFrom('chargeAttemptInvoices').select('attemptId as id').distinct().where('invoiceId', 'in', invoiceIds).where('pending', '=', true).execute()
}

/**
 * Charges an unpaid invoice now (office "Retry", or a new card from the customer). An attempt
 * whose fate is unknown is resolved first; while it stays unknown nothing is charged (409).
 */
export async function chargeInvoiceNow(deps: ServiceDeps, invoiceId: string, actor: ActorId, source: 'office' | 'customer'): Promise<ChargeResult> {
  const ctx = await chargeContext(deps)
  for (const p of await pendingCharges(deps.db, [invoiceId])) await resolveAttempt(deps, p.id, ctx)
  const target = await targetFor(deps.db, invoiceId)
  if (target.status !== 'open' && target.status !== 'failed') throw notAllowed('invoice_not_unpaid', `Invoice is ${target.status}; only unpaid invoices can be charged`)
  const [still] = await pendingCharges(deps.db, [invoiceId])
  if (still) throw conflict('charge_in_flight', 'A charge for this invoice is still being confirmed with the gateway; try again in a minute')
  await recordAuditEvent(deps.db, { entityType: 'invoice', entityId: invoiceId, action: 'invoice.charge_requested', actorUserId: actor, details: { source } })
  const result = await chargeOnce(deps, target, ctx, true)
  if (result.kind === 'skipped') {
    // Nothing to charge it to (its failure is already recorded), or paid or claimed meanwhile.
    if (!target.paymentMethod?.isActive) throw notAllowed('no_payment_method', 'There is no active card or bank account on file: send the customer the payment link, or record a payment')
    throw conflict('charge_in_flight', 'The invoice was just paid or is being charged')
  }
  return result
}

/**
 * Charges every unpaid invoice of an agreement now, as one charge (a customer's new card pays
 * all the periods owed in one transaction with one receipt). Attempts whose fate is unknown
 * are resolved first; while one stays unknown nothing is charged (409).
 */
export async function chargeAgreementNow(deps: ServiceDeps, agreementId: string, actor: ActorId, source: 'office' | 'customer'): Promise<ChargeResult> {
  const ctx = await chargeContext(deps)
  const unpaid = async () =>
    deps.db.selectFrom('invoices').select(['id', sql<number>`total_cents - paid_cents`.as('owed')]).where('agreementId', '=', agreementId).where('status', 'in', ['open', 'failed']).orderBy('periodStart').orderBy('id').execute()
  const before = await unpaid()
  if (before.length === 0) return { kind: 'skipped' }
  for (const p of await pendingCharges(deps.db, before.map((i) => i.id))) await resolveAttempt(deps, p.id, ctx)
  const owed = (await unpaid()).filter((i) => Number(i.owed) > 0)
  if (owed.length === 0) return { kind: 'skipped' }
  if ((await pendingCharges(deps.db, owed.map((i) => i.id))).length) throw conflict('charge_in_flight', 'A charge for this agreement is still being confirmed with the gateway; try again in a minute')
  const { paymentMethod } = await targetFor(deps.db, owed[0]!.id)
  for (const i of owed) await recordAuditEvent(deps.db, { entityType: 'invoice', entityId: i.id, action: 'invoice.charge_requested', actorUserId: actor, details: { source } })
  const result = await chargeOnce(deps, groupTarget(owed.map((i) => ({ invoiceId: i.id, amountCents: Number(i.owed) })), paymentMethod), ctx, true)
  if (result.kind === 'skipped') throw conflict('charge_in_flight', 'The invoices were just paid or are being charged')
  return result
}

/** Records a check, cash or transfer received for an invoice; sends the receipt. */
export async function recordOfflinePayment(deps: ServiceDeps, invoiceId: string, input: OfflinePaymentInput, actor: ActorId) {
  const target = await targetFor(deps.db, invoiceId)
  if (target.status !== 'open' && target.status !== 'failed') throw notAllowed('invoice_not_unpaid', `Invoice is ${target.status}; only unpaid invoices take payments`)
  if (input.amountCents > target.amountCents) throw validationError({ amountCents: `must be at most ${usd(target.amountCents)}, what is still owed` })
  const ctx = await loadInvoiceContext(deps.db, invoiceId, deps)
  const now = deps.clock.now()
  const paymentId = newId('pay')
  await deps.db.transaction().execute(async (tx) => {
    // Lock the invoice first: a charge claim locks it too, so either the claim waits and then
    // sees the invoice paid, or its pending attempt is visible here.
    await tx.selectFrom('invoices').select('id').where('id', '=', invoiceId).forUpdate().execute()
    // Refused while a gateway charge of the same invoice is in flight: it might be approved.
    const [inFlight] = await pendingCharges(tx, [invoiceId])
    if (inFlight) throw conflict('charge_in_flight', 'A card charge for this invoice is being confirmed; record the payment once it has failed')
    const upd = await tx
      .updateTable('invoices')
      .set({
        paidCents: sql`paid_cents + ${input.amountCents}::bigint`,
        status: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then 'paid' else status end`,
        retryState: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else retry_state end`,
        nextRetryDate: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else next_retry_date end`,
        // Paid in full: why an earlier charge failed (or was partial) no longer applies.
        failureCode: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else failure_code end`,
        failureMessage: sql`case when paid_cents + ${input.amountCents}::bigint >= total_cents then null else failure_message end`,
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
        // Noon of the day received, in the company's zone: its date reads back as that day anywhere.
        receivedAt: localInstant(input.receivedOn, ctx?.timeZone ?? 'UTC', '12:00'), recordedBy: actor,
      })
      .execute()
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'payment', entityId: paymentId }).onConflict((oc) => oc.doNothing()).execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: invoiceId, action: 'invoice.paid_offline', actorUserId: actor, details: { paymentId, amountCents: input.amountCents, method: input.method } })
    if (ctx) await queueReceipt(tx, ctx, input.amountCents, input.method.replace('_', ' '), input.receivedOn, `Paid by ${input.method.replace('_', ' ')} on ${formatDate(input.receivedOn, ctx.brand.locale)}`)
  })
  deps.kickOutbox?.()
  return { paymentId }
}

async function loadPayment(db: Db, paymentId: string) {
  const p = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst()
  if (!p) throw notFound('payment', paymentId)
  return p
}

/*
 * Voids and refunds, exactly once like charges: (1) the reversal is inserted `pending` in its
 * own committed statement (a refund's id is the order id the gateway gets); (2) the gateway is
 * called with no transaction open; (3) the outcome is recorded in one transaction, every update
 * conditional on the reversal still being pending. An unknown outcome stays pending and is
 * settled from the gateway's records (`resolveReversal`) before the payment may be reversed
 * again; the unique pending index lets one reversal per payment be in flight.
 */

type Reversal = Pick<Selectable<PaymentReversalsTable>, 'id' | 'paymentId' | 'invoiceId' | 'kind' | 'amountCents' | 'reason' | 'requestedBy'>

/**
 * Voids a payment (card: through the gateway, while unsettled). Only the payment is undone: its
 * invoice owes that amount again (see `applyReversal`); voiding the invoice is `voidInvoice`.
 */
export async function voidPayment(deps: ServiceDeps, paymentId: string, reason: string, actor: ActorId) {
  await settlePendingReversals(deps, paymentId)
  const p = await loadPayment(deps.db, paymentId)
  if (p.status !== 'approved' || Number(p.refundedCents) > 0) throw notAllowed('payment_not_voidable', `A ${p.status.replace('_', ' ')} payment cannot be voided`)
  // Its invoices will owe the amount again: not while a charge for what they owe now is in flight.
  const [charging] = await pendingCharges(deps.db, (await partsOf(deps.db, paymentId)).map((x) => x.invoiceId))
  if (charging) throw conflict('charge_in_flight', 'A card charge for this invoice is being confirmed; void the payment once it is settled')
  // Ids come from the gateway's order-id generator for every kind (unique, never card-like).
  const r: Reversal = { id: deps.gateway.newOrderId(), paymentId, invoiceId: p.invoiceId, kind: 'void', amountCents: Number(p.amountCents), reason, requestedBy: actor }
  if (p.method === 'offline') await recordOfflineReversal(deps, r)
  else {
    await claimReversal(deps, r)
    await finishReversal(deps, r, await sendReversal(() => deps.gateway.void({ gatewayRef: p.gatewayRef! })), p.gatewayRef)
  }
  return { paymentId, status: 'voided' as const }
}

/**
 * Voids an unpaid invoice: nothing is owed any more and its retries stop (billed by mistake, a
 * period the customer does not owe). Refused while any of its payments stands (void or refund
 * them first: a void invoice keeps no money) or a charge of it is being confirmed.
 */
export async function voidInvoice(deps: ServiceDeps, invoiceId: string, reason: string, actor: ActorId) {
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (tx) => {
    // Locked first, as a charge claim and every payment recording lock it.
    const inv = await tx.selectFrom('invoices').select('status').where('id', '=', invoiceId).forUpdate().executeTakeFirst()
    if (!inv) throw notFound('invoice', invoiceId)
    if (inv.status !== 'open' && inv.status !== 'failed') throw notAllowed('invoice_not_voidable', `Invoice is ${inv.status}; only unpaid invoices can be voided`)
    const [inFlight] = await pendingCharges(tx, [invoiceId])
    if (inFlight) throw conflict('charge_in_flight', 'A card charge for this invoice is being confirmed; void the invoice once it has failed')
    const standing = await tx
      .selectFrom('paymentInvoices as pi')
      .innerJoin('payments as p', 'p.id', 'pi.paymentId')
      .select(['pi.amountCents', 'pi.refundedCents'])
      .where('pi.invoiceId', '=', invoiceId)
      .where('p.status', 'in', ['approved', 'partially_refunded'])
      .where(sql<boolean>`pi.amount_cents > pi.refunded_cents`)
      .execute()
    const kept = standing.reduce((sum, p) => sum + Number(p.amountCents) - Number(p.refundedCents), 0)
    if (standing.length > 0) throw notAllowed('invoice_has_payments', `${formatUsd(kept)} paid on this invoice still stands: void or refund those payments first`)
    await tx.updateTable('invoices').set({ status: 'void', retryState: null, nextRetryDate: null, updatedAt: now }).where('id', '=', invoiceId).execute()
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'invoice_void', entityId: invoiceId }).onConflict((oc) => oc.doNothing()).execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: invoiceId, action: 'invoice.voided', actorUserId: actor, details: { reason } })
  })
  return { invoiceId, status: 'void' as const }
}

/** Refunds all or part of a settled card payment through the gateway (offline ones are just recorded). */
export async function refundPayment(deps: ServiceDeps, paymentId: string, input: RefundInput, actor: ActorId, opts: { invoiceId?: string } = {}) {
  await settlePendingReversals(deps, paymentId)
  const p = await loadPayment(deps.db, paymentId)
  const left = Number(p.amountCents) - Number(p.refundedCents)
  if (p.status === 'voided' || left <= 0) throw notAllowed('payment_not_refundable', 'Nothing is left to refund on this payment')
  const amount = input.amountCents ?? left
  if (amount > left) throw validationError({ amountCents: `must be at most ${usd(left)}, what is left to refund` })
  // A card payment is refundable once it has settled (overnight); before that the gateway
  // answers "Txn not settled". Asked first: the whole amount is voided instead, part is refused.
  if (p.method !== 'offline' && p.attemptId && p.gatewayRef && (await settlementOf(deps, p.attemptId, p.gatewayRef)) === 'unsettled') {
    return refundUnsettled(deps, p, amount, input.reason, actor)
  }
  // A payment of several invoices: the refund comes off `opts.invoiceId` first (closing an agreement refunds a period's share).
  const r: Reversal = { id: deps.gateway.newOrderId(), paymentId, invoiceId: opts.invoiceId ?? p.invoiceId, kind: 'refund', amountCents: amount, reason: input.reason, requestedBy: actor }
  if (p.method === 'offline') await recordOfflineReversal(deps, r)
  else {
    await claimReversal(deps, r)
    const out = await sendReversal(() => deps.gateway.refund({ gatewayRef: p.gatewayRef!, amountCents: cents(amount), orderId: r.id }))
    if (out.status === 'declined' && isNotSettled(out.codes)) {
      // The inquiry could not tell, and the gateway refused: nothing happened, so no refund line stays.
      await deps.db.deleteFrom('paymentReversals').where('id', '=', r.id).where('status', '=', 'pending').execute()
      return refundUnsettled(deps, p, amount, input.reason, actor)
    }
    await finishReversal(deps, r, out, out.status === 'approved' ? out.gatewayRef : null)
  }
  return { paymentId, refundedCents: amount, voided: false, message: `The refund of ${formatUsd(amount)} went through.` }
}

/** CardPointe's "Txn not settled" (PPS 28): a refund of a payment that has not settled yet. */
const isNotSettled = (codes: { respproc?: string | null; respcode?: string | null }) => codes.respproc === 'PPS' && codes.respcode === '28'

/**
 * Whether the payment's transaction has settled, from the gateway (inquire by the charge's order
 * id): `unsettled` while it can be voided but not refunded (Authorized, Queued for Capture;
 * external-apis.md A7: a merchant allowed to refund unsettled payments sees refundable Y and
 * refunds as usual); `unknown` when the gateway cannot tell now.
 */
async function settlementOf(deps: ServiceDeps, orderId: string, gatewayRef: string): Promise<'settled' | 'unsettled' | 'unknown'> {
  const lookup = await deps.gateway.inquireByOrderId({ orderId }).catch(() => null)
  if (lookup?.status !== 'found') return 'unknown'
  const txn = lookup.transactions.find((t) => t.gatewayRef === gatewayRef)
  if (!txn) return 'unknown'
  return txn.isVoidable && !txn.isRefundable ? 'unsettled' : 'settled'
}

/**
 * A refund asked of a payment that has not settled: the whole of it is voided instead (the
 * customer's card is released, nothing is taken and given back); part of it cannot be given
 * back until it settles, and the office is told so in plain words. No refund line is left.
 */
async function refundUnsettled(deps: ServiceDeps, p: { id: string; amountCents: number; refundedCents: number }, amount: number, reason: string, actor: ActorId) {
  const whole = Number(p.amountCents)
  if (amount === whole && Number(p.refundedCents) === 0) {
    await voidPayment(deps, p.id, reason, actor)
    return {
      paymentId: p.id,
      refundedCents: amount,
      voided: true,
      message: `The payment had not settled yet, so it was voided instead of refunded: the whole ${formatUsd(whole)} is released on the customer's card and nothing is charged. Its invoice owes that amount again.`,
    }
  }
  throw notAllowed(
    'payment_not_settled',
    `This payment has not settled yet (card payments settle overnight), so part of it cannot be refunded today. Refund ${formatUsd(amount)} once it has settled, usually tomorrow, or void the whole ${formatUsd(whole)} payment now.`,
  )
}

/**
 * Settles a pending void or refund from the gateway's records: a refund by its order id, a void
 * by the payment's own order id (voided there or not). Seen approved or declined → recorded as
 * such; never seen (or not voided) and older than the settle window → `failed`, nothing
 * happened; otherwise it stays pending. Returns the reversal's status afterwards.
 */
export async function resolveReversal(deps: ServiceDeps, reversalId: string, settleWindowMs = DEFAULT_SETTLE_WINDOW_MS): Promise<PaymentReversalStatus> {
  const r = await deps.db.selectFrom('paymentReversals').selectAll().where('id', '=', reversalId).executeTakeFirst()
  if (!r) throw notFound('payment_reversal', reversalId)
  if (r.status !== 'pending') return r.status
  const seen = r.kind === 'refund' ? await lookUpRefund(deps, r.id) : await lookUpVoid(deps, r.paymentId)
  if (seen.kind === 'unknown') return 'pending'
  if (seen.kind === 'approved') await recordApprovedReversal(deps, r, seen.gatewayRef)
  else if (seen.kind === 'declined' || seen.kind === 'failed') await closeReversal(deps.db, r.id, seen.kind, seen.message)
  else {
    await sql`
      update payment_reversals set status = 'failed', resolved_at = now(), message = ${seen.message}
      where id = ${r.id} and status = 'pending' and created_at < now() - make_interval(secs => ${settleWindowMs / 1000})`.execute(deps.db)
  }
  const after = await deps.db.selectFrom('paymentReversals').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()
  return after.status
}

/** The office's "Check now" on a pending reversal: settles it if the gateway can tell, and says who asked. */
export async function confirmReversal(deps: ServiceDeps, reversalId: string, actor: ActorId): Promise<PaymentReversalStatus> {
  const status = await resolveReversal(deps, reversalId)
  const r = await deps.db.selectFrom('paymentReversals').select(['invoiceId', 'paymentId', 'kind']).where('id', '=', reversalId).executeTakeFirstOrThrow()
  await recordAuditEvent(deps.db, { entityType: 'invoice', entityId: r.invoiceId, action: 'payment.reversal_checked', actorUserId: actor, details: { reversalId, paymentId: r.paymentId, kind: r.kind, status } })
  return status
}

/** Every pending void and refund (e.g. after a crash), oldest first. */
export async function resolvePendingReversals(deps: ServiceDeps, settleWindowMs = DEFAULT_SETTLE_WINDOW_MS): Promise<number> {
  const pending = await deps.db.selectFrom('paymentReversals').select('id').where('status', '=', 'pending').orderBy('createdAt').execute()
  let resolved = 0
  for (const p of pending) if ((await resolveReversal(deps, p.id, settleWindowMs)) !== 'pending') resolved += 1
  return resolved
}

type Seen =
  | { kind: 'approved'; gatewayRef: string | null }
  | { kind: 'declined' | 'failed' | 'absent'; message: string }
  | { kind: 'unknown' }

async function lookUpRefund(deps: ServiceDeps, orderId: string): Promise<Seen> {
  const lookup = await deps.gateway.inquireByOrderId({ orderId }).catch(() => null)
  if (!lookup || lookup.status === 'unavailable') return { kind: 'unknown' }
  if (lookup.status === 'not_found') return { kind: 'absent', message: 'The gateway has no record of this refund: it never arrived' }
  const c = lookup.charge
  if (c.status === 'approved') return { kind: 'approved', gatewayRef: c.gatewayRef }
  // A decline, or "retry" (nothing refunded): either way the refund did not happen.
  return { kind: c.status === 'declined' ? 'declined' : 'failed', message: c.message }
}

/** A void has no order id of its own: the original charge's settlement state tells. */
async function lookUpVoid(deps: ServiceDeps, paymentId: string): Promise<Seen> {
  const p = await loadPayment(deps.db, paymentId)
  if (!p.attemptId || !p.gatewayRef) return { kind: 'unknown' }
  const lookup = await deps.gateway.inquireByOrderId({ orderId: p.attemptId }).catch(() => null)
  if (!lookup || lookup.status === 'unavailable') return { kind: 'unknown' }
  const txn = lookup.status === 'found' ? lookup.transactions.find((t) => t.gatewayRef === p.gatewayRef) : undefined
  if (txn && /^voided$/i.test(txn.settlementStatus ?? '')) return { kind: 'approved', gatewayRef: p.gatewayRef }
  return { kind: 'absent', message: `The gateway shows the payment ${txn?.settlementStatus ?? 'unknown'}, not voided: the void did not happen` }
}

/** Resolves any pending reversal of the payment first; refuses (409) while one stays in flight. */
async function settlePendingReversals(deps: ServiceDeps, paymentId: string): Promise<void> {
  const pending = await deps.db.selectFrom('paymentReversals').select('id').where('paymentId', '=', paymentId).where('status', '=', 'pending').execute()
  for (const r of pending) await resolveReversal(deps, r.id)
  await refuseIfInFlight(deps.db, paymentId)
}

async function refuseIfInFlight(db: Db, paymentId: string): Promise<void> {
  const r = await db.selectFrom('paymentReversals').select(['kind', 'amountCents']).where('paymentId', '=', paymentId).where('status', '=', 'pending').executeTakeFirst()
  if (r) throw conflict(`${r.kind}_in_flight`, `A ${r.kind} of ${formatUsd(Number(r.amountCents))} of this payment is still being confirmed with the gateway; try again in a minute`)
}

/**
 * Inserts the reversal (one statement). Refused while another of the payment is pending (unique
 * partial index) or when the payment no longer allows it.
 * NOTE: `for update` locks the payment and re-reads it once a concurrent recording commits, so a
 * claim racing a refund being recorded sees what is left after it, not its snapshot.
 */
async function insertReversal(db: Db, r: Reversal, status: 'pending' | 'approved'): Promise<boolean> {
  const allowed =
    r.kind === 'void'
      ? sql`p.status = 'approved' and p.refunded_cents = 0`
      : sql`p.status <> 'voided' and p.amount_cents - p.refunded_cents >= ${r.amountCents}::bigint`
  const { rows } = await sql<{ id: string }>`
    insert into payment_reversals (id, payment_id, invoice_id, kind, amount_cents, status, reason, requested_by, resolved_at)
    select ${r.id}, p.id, ${r.invoiceId}, ${r.kind}, ${r.amountCents}::bigint, ${status}, ${r.reason}, ${r.requestedBy}, ${status === 'approved' ? sql`now()` : sql`null::timestamptz`}
    from payments p
    where p.id = ${r.paymentId} and ${allowed}
    for update of p
    on conflict (payment_id) where status = 'pending' do nothing
    returning id`.execute(db)
  return rows.length === 1
}

/** The pending reversal, committed before the gateway call. */
async function claimReversal(deps: ServiceDeps, r: Reversal): Promise<void> {
  if (await insertReversal(deps.db, r, 'pending')) return
  // Another click got there first: its call is on its way, so there is nothing to resolve yet.
  await refuseIfInFlight(deps.db, r.paymentId)
  throw conflict('payment_changed', 'The payment changed meanwhile; reload it')
}

/** Offline payments have no gateway: the reversal is recorded approved with its effects. */
async function recordOfflineReversal(deps: ServiceDeps, r: Reversal): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await insertReversal(tx, r, 'approved'))) throw conflict('payment_changed', 'The payment changed meanwhile; reload it')
    await applyReversal(tx, r, null, deps.clock.now())
  })
}

/** The gateway call; anything thrown is an unknown outcome (resolve by inquiry, never by sending again). */
async function sendReversal(call: () => Promise<ChargeOutcome>): Promise<ChargeOutcome> {
  try {
    return await call()
  } catch (err) {
    return { status: 'indeterminate', orderId: null, message: (err as Error).message }
  }
}

async function finishReversal(deps: ServiceDeps, r: Reversal, out: ChargeOutcome, gatewayRef: string | null): Promise<void> {
  switch (out.status) {
    case 'approved':
      return void (await recordApprovedReversal(deps, r, gatewayRef))
    case 'indeterminate':
      throw new AppError('integration', `${r.kind}_unconfirmed`, `The gateway's answer to the ${r.kind} was lost (${out.message}); its outcome is being confirmed from the gateway's records: check the payment in a minute before trying again`)
    case 'declined':
    case 'retryable':
    case 'misconfigured':
      // Declined, or nothing done (retry later, misconfigured): the same refusal as ever.
      await closeReversal(deps.db, r.id, out.status === 'declined' ? 'declined' : 'failed', out.message)
      throw gatewayRefused(r.kind, out)
    default:
      return unreachable(out)
  }
}

async function closeReversal(db: Db, id: string, status: 'declined' | 'failed', message: string): Promise<void> {
  await db.updateTable('paymentReversals').set({ status, message, resolvedAt: sql`now()` }).where('id', '=', id).where('status', '=', 'pending').execute()
}

/** The approval and its effects in one transaction; a second recording changes nothing. */
async function recordApprovedReversal(deps: ServiceDeps, r: Reversal, gatewayRef: string | null): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const won = await tx
      .updateTable('paymentReversals')
      .set({ status: 'approved', gatewayRef, resolvedAt: sql`now()` })
      .where('id', '=', r.id)
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst()
    if (!won) return false
    await applyReversal(tx, r, gatewayRef, deps.clock.now())
    return true
  })
}

/** The invoices a payment paid and what of each (one, or its allocations), oldest first. */
function partsOf(db: Db, paymentId: string) {
  return db
    .selectFrom('paymentInvoices as pi')
    .innerJoin('invoices as i', 'i.id', 'pi.invoiceId')
    .select(['pi.invoiceId', 'pi.amountCents', 'pi.refundedCents', 'pi.allocated'])
    .where('pi.paymentId', '=', paymentId)
    .orderBy('i.periodStart')
    .orderBy('i.id')
    .execute()
}

/**
 * Payment, invoices, QuickBooks queue and audit trail for an approved reversal (inside its
 * transaction). A payment of several invoices is reversed on each: a void makes every one owe
 * its part again; a refund comes off the reversal's invoice first, then the others oldest first.
 */
async function applyReversal(tx: Db, r: Reversal, gatewayRef: string | null, now: Date): Promise<void> {
  const amount = Number(r.amountCents)
  const parts = await partsOf(tx, r.paymentId)
  // Invoices are locked in id order, as claims and recordings lock them.
  await tx.selectFrom('invoices').select('id').where('id', 'in', parts.map((x) => x.invoiceId)).orderBy('id').forUpdate().execute()
  if (r.kind === 'void') {
    await tx.updateTable('payments').set({ status: 'voided' }).where('id', '=', r.paymentId).execute()
    for (const part of parts) {
      const share = Number(part.amountCents)
      // The invoice owes its part again. Unpaid, it keeps its status and retry plan. Paid, it is
      // unpaid again and waits for the office (charge now, record a payment, or void the invoice):
      // a charge the office has just undone is not made again by itself.
      const reopens = sql<boolean>`status = 'paid' and paid_cents - ${share}::bigint < total_cents`
      await tx
        .updateTable('invoices')
        .set({
          paidCents: sql`paid_cents - ${share}::bigint`,
          status: sql`case when ${reopens} then 'failed' else status end`,
          failureCode: sql`case when ${reopens} then 'payment_voided' else failure_code end`,
          failureMessage: sql`case when ${reopens} then ${`A payment of ${formatUsd(amount)} was voided`} else failure_message end`,
          retryState: sql`case when ${reopens} then 'exhausted' else retry_state end`,
          firstFailedAt: sql`case when ${reopens} then coalesce(first_failed_at, ${now}) else first_failed_at end`,
          updatedAt: now,
        })
        .where('id', '=', part.invoiceId)
        .execute()
      await recordAuditEvent(tx, { entityType: 'invoice', entityId: part.invoiceId, action: 'payment.voided', actorUserId: r.requestedBy, details: { paymentId: r.paymentId, amountCents: share, ...(parts.length > 1 ? { paymentCents: amount } : {}), reason: r.reason } })
    }
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'void', entityId: r.paymentId }).onConflict((oc) => oc.doNothing()).execute()
    return
  }
  const refundRef = gatewayRef ?? r.id
  await tx
    .updateTable('payments')
    .set({ refundedCents: sql`refunded_cents + ${amount}::bigint`, status: sql`case when refunded_cents + ${amount}::bigint >= amount_cents then 'refunded' else 'partially_refunded' end` })
    .where('id', '=', r.paymentId)
    .execute()
  let left = amount
  for (const part of [...parts.filter((x) => x.invoiceId === r.invoiceId), ...parts.filter((x) => x.invoiceId !== r.invoiceId)]) {
    const share = Math.min(left, Number(part.amountCents) - Number(part.refundedCents))
    if (share <= 0) continue
    left -= share
    if (part.allocated) {
      await tx.updateTable('paymentAllocations').set({ refundedCents: sql`refunded_cents + ${share}::bigint` }).where('paymentId', '=', r.paymentId).where('invoiceId', '=', part.invoiceId).execute()
    }
    await tx
      .updateTable('invoices')
      .set({ refundedCents: sql`refunded_cents + ${share}::bigint`, status: sql`case when refunded_cents + ${share}::bigint >= paid_cents then 'refunded' else status end`, updatedAt: now })
      .where('id', '=', part.invoiceId)
      .execute()
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: part.invoiceId, action: 'payment.refunded', actorUserId: r.requestedBy, details: { paymentId: r.paymentId, amountCents: share, ...(parts.length > 1 ? { refundCents: amount } : {}), reason: r.reason, gatewayRef: refundRef } })
  }
  await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'refund', entityId: `${r.paymentId}:${refundRef}` }).onConflict((oc) => oc.doNothing()).execute()
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
