import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { cents } from '../../domain/money.ts'
import type { ChargeOutcome, OrderLookup } from '../../ports/payment-gateway.ts'
import type { ServiceDeps } from '../deps.ts'
import { isChargeable, type ChargeContext, type ChargeResult, type ChargeTarget, type ClaimedCharge, type PaymentMethodOnFile } from './charge-types.ts'
import { loadReceiptContexts, recordApproved, recordDeclined, recordNoCharge, recordNoPaymentMethod, type KnownAttempt } from './record-outcome.ts'

/**
 * Charging one invoice, exactly once whatever happens (PRODUCT.md "Exactly-once money"):
 *
 *   1. claim: insert the pending attempt with its order id (one statement, committed) — refused
 *      while another attempt of the invoice is pending or the invoice is no longer unpaid;
 *   2. call the gateway, with no transaction open;
 *   3. record the outcome in one transaction (payment + receipt + QuickBooks queue, or the failure).
 *
 * A crash between 1 and 3, a timeout or an indeterminate answer leaves the attempt pending;
 * `resolveAttempt` settles it by inquiring with the order id before the invoice may be
 * charged again. "Not found" only counts once the attempt is older than the settle window
 * (longer than the client's read timeout), so a request still travelling is never mistaken
 * for one that never left.
 */

/**
 * Inserts the pending attempts of several targets (one transaction, committed before any
 * gateway call); returns those claimed. A target is claimed whole or not at all: refused while
 * a charge of any of its invoices is pending (unique partial indexes on charge_attempts and
 * charge_attempt_invoices) or when any of them is no longer unpaid for the amount asked.
 * Targets need an active payment method; a target sharing an invoice with an earlier one of
 * the same call is left out.
 * NOTE: the invoice rows are locked first (in id order, so concurrent claimers cannot deadlock)
 * and the check is a later statement, so it reads them as a concurrent recording left them once
 * it committed; without the lock, on PostgreSQL, a claim racing an approval being recorded reads
 * the invoice as still unpaid from its snapshot, finds no pending attempt any more, and charges
 * it a second time (the concurrent-workers test caught exactly that).
 */
export async function claimAttempts(deps: ServiceDeps, targets: ChargeTarget[], runId: string | null): Promise<ClaimedCharge[]> {
  const seen = new Set<string>()
  const usable = targets.filter(isChargeable).filter((t) => {
    if (t.invoices.some((p) => seen.has(p.invoiceId) || p.amountCents <= 0)) return false
    for (const p of t.invoices) seen.add(p.invoiceId)
    return true
  })
  if (usable.length === 0) return []
  const orderIds = usable.map(() => deps.gateway.newOrderId())
  const parts = usable.flatMap((t, k) => t.invoices.map((p) => ({ orderId: orderIds[k]!, ...p })))
  const claimed = await deps.db.transaction().execute(async (tx) => {
    await sql`select id from invoices where id = any(${[...seen].sort()}::text[]) order by id for update`.execute(tx)
    const { rows } = await sql<{ orderId: string }>`
      select t.order_id as "orderId" from (
        select t.order_id, i.status in ('open', 'failed') and i.total_cents - i.paid_cents = t.amount
          and not exists (select 1 from charge_attempt_invoices c where c.invoice_id = t.invoice_id and c.pending) as ok
        from unnest(${parts.map((p) => p.orderId)}::text[], ${parts.map((p) => p.invoiceId)}::text[], ${parts.map((p) => p.amountCents)}::bigint[])
          as t(order_id, invoice_id, amount)
        left join invoices i on i.id = t.invoice_id
      ) t group by t.order_id having bool_and(coalesce(t.ok, false))`.execute(tx)
    const ok = new Set(rows.map((r) => r.orderId))
    const chosen = usable.flatMap((target, k) => (ok.has(orderIds[k]!) ? [{ orderId: orderIds[k]!, target }] : []))
    if (chosen.length === 0) return chosen
    await tx
      .insertInto('chargeAttempts')
      .values(chosen.map((c) => ({ id: c.orderId, invoiceId: c.target.invoiceId, runId, paymentMethodId: c.target.paymentMethod.id, amountCents: c.target.amountCents })))
      .execute()
    await tx
      .insertInto('chargeAttemptInvoices')
      .values(chosen.flatMap((c) => c.target.invoices.map((p) => ({ attemptId: c.orderId, invoiceId: p.invoiceId, amountCents: p.amountCents }))))
      .execute()
    return chosen
  })
  return claimed
}

/**
 * One charge attempt. With `finalIfRetryable` false a retryable gateway answer (nothing
 * charged) records the attempt only, so the caller may try again at once.
 */
export async function chargeOnce(deps: ServiceDeps, target: ChargeTarget, ctx: ChargeContext, finalIfRetryable = true): Promise<ChargeResult> {
  const pm = target.paymentMethod
  if (!pm || !pm.isActive) {
    let r: ChargeResult = { kind: 'skipped' }
    for (const p of target.invoices) r = (await recordNoPaymentMethod(deps, p.invoiceId, ctx, p === target.invoices[0])).kind === 'error' ? { kind: 'error' } : r
    return r
  }
  if (target.amountCents <= 0) return { kind: 'skipped' }
  const [claim] = await claimAttempts(deps, [target], ctx.runId)
  if (!claim) return { kind: 'skipped' }
  const orderId = claim.orderId
  // Loaded while the gateway works; used only if the charge is approved.
  const invoices = loadReceiptContexts(deps, target.invoices.map((p) => p.invoiceId))
  const outcome = await sendCharge(deps, orderId, pm, target.amountCents)
  return recordOutcome(deps, orderId, outcome, ctx, finalIfRetryable, { invoiceIds: target.invoices.map((p) => p.invoiceId), paymentMethod: pm, invoices })
}

/**
 * The gateway call for a claimed attempt: the stored profile with the recurring
 * stored-credential indicators. Never throws: the adapter classifies transport failures
 * itself, and anything thrown is unknown (indeterminate: resolve later by inquiry).
 */
export async function sendCharge(deps: ServiceDeps, orderId: string, pm: PaymentMethodOnFile, amountCents: number): Promise<ChargeOutcome> {
  try {
    return await deps.gateway.chargeProfile({
      profileId: pm.profileId,
      accountId: pm.acctId,
      method: pm.kind === 'ach' ? 'bank_account' : 'card',
      amountCents: cents(amountCents),
      orderId,
      initiator: 'scheduled_recurring',
    })
  } catch (err) {
    return { status: 'indeterminate', orderId, message: (err as Error).message }
  }
}

/** Records what the gateway answered for attempt `orderId`. */
export async function recordOutcome(
  deps: ServiceDeps,
  orderId: string,
  outcome: ChargeOutcome,
  ctx: ChargeContext,
  finalIfRetryable = true,
  known?: KnownAttempt,
): Promise<ChargeResult> {
  switch (outcome.status) {
    case 'approved':
      return recordApproved(deps, orderId, outcome, 'response', ctx, known)
    case 'declined':
      return recordDeclined(deps, orderId, outcome, 'response', ctx)
    case 'retryable':
      return recordNoCharge(deps, orderId, 'retryable', outcome.message, outcome.codes, ctx, finalIfRetryable, outcome.afterMs)
    case 'misconfigured':
      return recordNoCharge(deps, orderId, 'error', outcome.message, outcome.codes, ctx, true, 0)
    case 'indeterminate':
      return { kind: 'unresolved' }
  }
}

/**
 * Settles a pending attempt from the gateway's records (inquire by order id). Approved or
 * declined there → recorded as such; never seen and older than the settle window → `not_sent`
 * (the invoice may be charged again); otherwise it stays pending.
 */
export async function resolveAttempt(deps: ServiceDeps, orderId: string, ctx: ChargeContext): Promise<ChargeResult> {
  let lookup: OrderLookup
  try {
    lookup = await deps.gateway.inquireByOrderId({ orderId })
  } catch {
    return { kind: 'unresolved' }
  }
  if (lookup.status === 'unavailable') return { kind: 'unresolved' }
  if (lookup.status === 'found') {
    const charge = lookup.charge
    if (charge.status === 'approved') return recordApproved(deps, orderId, charge, 'inquiry', ctx)
    if (charge.status === 'declined') return recordDeclined(deps, orderId, charge, 'inquiry', ctx)
    // The gateway saw it and answered "retry": nothing was charged.
    return recordNoCharge(deps, orderId, 'retryable', charge.message, charge.codes, ctx, false, 0, 'inquiry')
  }
  const { rows } = await sql<{ id: string }>`
    update charge_attempts set status = 'not_sent', resolved_by = 'inquiry', resolved_at = now(),
      message = 'The gateway has no record of this order id: it never arrived'
    where id = ${orderId} and status = 'pending' and sent_at < now() - make_interval(secs => ${ctx.settleWindowMs / 1000})
    returning id`.execute(deps.db)
  return rows.length === 1 ? { kind: 'not_sent' } : { kind: 'unresolved' }
}
