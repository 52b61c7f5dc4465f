import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { cents } from '../../domain/money.ts'
import type { ChargeOutcome, OrderLookup } from '../../ports/payment-gateway.ts'
import type { ServiceDeps } from '../deps.ts'
import type { BillingSettings } from './billing-settings.ts'
import { loadReceiptContext, recordApproved, recordDeclined, recordNoCharge, recordNoPaymentMethod, type KnownAttempt } from './record-outcome.ts'

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

export interface PaymentMethodOnFile {
  id: string
  kind: 'card' | 'ach'
  profileId: string
  acctId: string
  brand: string | null
  last4: string
  isActive: boolean
}

export interface ChargeTarget {
  invoiceId: string
  /** What is still owed: total minus paid. */
  amountCents: number
  paymentMethod: PaymentMethodOnFile | null
}

export interface ChargeContext {
  runId: string | null
  settings: BillingSettings
  /** After this long a "not found" inquiry means the charge never reached the gateway. */
  settleWindowMs: number
}

/** How one charge (or resolution) ended, for the run's counters. */
export type ChargeResult =
  | { kind: 'approved'; amountCents: number }
  | { kind: 'declined' }
  | { kind: 'retryable'; afterMs: number }
  | { kind: 'error' }
  | { kind: 'unresolved' }
  /** Nothing done: already paid, or another attempt is in flight. */
  | { kind: 'skipped' }
  /** A pending attempt turned out never to have reached the gateway: the invoice may be charged again. */
  | { kind: 'not_sent' }

/**
 * Inserts the pending attempt; false when the invoice cannot be charged now.
 * NOTE: `for update` locks the invoice row and re-reads it once a concurrent recording has
 * committed; without it, on PostgreSQL, a claim racing an approval being recorded reads the
 * invoice as still unpaid from its snapshot, finds no pending attempt any more, and charges it
 * a second time (the concurrent-workers test caught exactly that).
 */
async function claimAttempt(db: Db, orderId: string, target: ChargeTarget, runId: string | null): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    insert into charge_attempts (id, invoice_id, run_id, payment_method_id, amount_cents)
    select ${orderId}, i.id, ${runId}, ${target.paymentMethod!.id}, ${target.amountCents}::bigint
    from invoices i
    where i.id = ${target.invoiceId} and i.status in ('open', 'failed') and i.total_cents - i.paid_cents = ${target.amountCents}::bigint
    for update of i
    on conflict (invoice_id) where status = 'pending' do nothing
    returning id`.execute(db)
  return rows.length === 1
}

/**
 * One charge attempt. With `finalIfRetryable` false a retryable gateway answer (nothing
 * charged) records the attempt only, so the caller may try again at once.
 */
export async function chargeOnce(deps: ServiceDeps, target: ChargeTarget, ctx: ChargeContext, finalIfRetryable = true): Promise<ChargeResult> {
  const pm = target.paymentMethod
  if (!pm || !pm.isActive) return recordNoPaymentMethod(deps, target.invoiceId, ctx)
  if (target.amountCents <= 0) return { kind: 'skipped' }
  const orderId = deps.gateway.newOrderId()
  if (!(await claimAttempt(deps.db, orderId, target, ctx.runId))) return { kind: 'skipped' }
  // Loaded while the gateway works; used only if the charge is approved.
  const invoice = loadReceiptContext(deps, target.invoiceId)
  let outcome: ChargeOutcome
  try {
    outcome = await deps.gateway.chargeProfile({
      profileId: pm.profileId,
      accountId: pm.acctId,
      method: pm.kind === 'ach' ? 'bank_account' : 'card',
      amountCents: cents(target.amountCents),
      orderId,
      initiator: 'scheduled_recurring',
    })
  } catch (err) {
    // The adapter classifies transport failures itself; anything thrown is unknown: resolve later.
    outcome = { status: 'indeterminate', orderId, message: (err as Error).message }
  }
  return recordOutcome(deps, orderId, outcome, ctx, finalIfRetryable, { invoiceId: target.invoiceId, paymentMethod: pm, invoice })
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
