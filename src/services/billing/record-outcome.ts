import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { newId } from '../../domain/ids.ts'
import { afterDecline, afterGatewayError, type RetryDecision } from '../../domain/payment-retry.ts'
import type { Approved, Declined, DeclineReason, GatewayCodes, RetryAdvice } from '../../ports/payment-gateway.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { groupReceiptEmail, loadInvoiceContexts, queueFailureNotice, type InvoiceContext } from './billing-emails.ts'
import { outboxRows, type OutboxRow } from '../email/outbox.ts'
import type { ChargeContext, ChargeResult } from './charge-types.ts'
import { createPaymentUpdateLink } from './payment-update-links.ts'
import { suspendAgreementTx } from './suspension.ts'
import { paidWithText } from '../../domain/payment-method.ts'
import { formatUsd } from '../../domain/money.ts'
import { getBillingSettings } from './billing-settings.ts'
import { localDate } from '../../domain/time-zone.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { dateText } from '../../domain/quote-text.ts'

/**
 * Recording a charge's outcome: each in one transaction with everything it causes (payment,
 * receipt email, QuickBooks queue; or the failure, retry plan, suspension, customer notice).
 * Every update of an attempt is conditional on its state, so a second recording of the same
 * outcome (a response and an inquiry racing, a run after a crash) changes nothing.
 */

const REASON_TEXT: Record<string, string> = {
  insufficient_funds: 'the bank reported insufficient funds',
  expired_card: 'the card has expired',
  do_not_honor: 'the bank declined the charge',
  lost_or_stolen: 'the card was reported lost or stolen',
  invalid_account: 'the account number is not valid',
  refer_to_issuer: 'the bank asked to be contacted',
  stop_recurring: 'the cardholder stopped recurring payments',
  no_payment_method: 'there is no payment method on file',
  partially_paid: 'the card was approved for only part of the amount',
  payment_voided: 'a payment was voided',
  bank_payment_returned: 'your bank returned the payment',
}
export const reasonText = (code: string) => REASON_TEXT[code] ?? 'the payment was declined'

/** A claimed attempt as an approval found by inquiry needs it. */
interface AttemptOnFile {
  /** The invoices the attempt pays, oldest first. */
  invoiceIds: string[]
  paymentMethod: { kind: 'card' | 'ach'; brand: string | null; last4: string } | null
}

/**
 * Loads what the receipt says about the invoices ahead of the gateway's answer, so the lookup
 * overlaps the charge. Never rejects: null on any failure (the approval then loads them again).
 */
export function loadReceiptContexts(deps: ServiceDeps, invoiceIds: string[]): Promise<InvoiceContext[] | null> {
  return loadInvoiceContexts(deps.db, invoiceIds, deps)
    .then((m) => invoiceIds.flatMap((id) => m.get(id) ?? []))
    .catch(() => null)
}

/** An approval found by inquiry (charge.ts step 4): the payment, the paid invoices, the receipt and the QuickBooks pushes. */
export async function recordApproved(deps: ServiceDeps, orderId: string, a: Approved, via: 'response' | 'inquiry', _ctx: ChargeContext): Promise<ChargeResult> {
  const attempt = await lookUpAttempt(deps.db, orderId)
  if (!attempt) return { kind: 'skipped' }
  const invoices = (await loadReceiptContexts(deps, attempt.invoiceIds)) ?? []
  const [result] = await recordApprovals(deps, [{ orderId, approved: a, via, invoiceIds: attempt.invoiceIds, paymentMethod: attempt.paymentMethod, invoices }])
  return result!
}

/** One approval to record (see `recordApprovals`). */
export interface ApprovalToRecord {
  orderId: string
  approved: Approved
  via: 'response' | 'inquiry'
  /** The invoices the attempt pays, oldest first. */
  invoiceIds: string[]
  paymentMethod: AttemptOnFile['paymentMethod']
  /** For the receipt, oldest first; empty: no receipt (the invoices could not be loaded). */
  invoices: InvoiceContext[]
}

/**
 * Records approvals, many in one transaction (a billing run groups the answers that arrive
 * together): for each, the attempt, its invoices, the payment (split over the invoices), the
 * QuickBooks pushes and the receipt. The gateway is the truth: an approval overrides any
 * earlier guess such as pending or not_sent; an attempt already approved is left alone
 * (`skipped`). Results are in order.
 */
export async function recordApprovals(deps: ServiceDeps, items: ApprovalToRecord[]): Promise<ChargeResult[]> {
  // One approval per invoice per statement (two in one UPDATE … FROM would be applied once).
  const seen = new Set<string>()
  const first: ApprovalToRecord[] = []
  const later: ApprovalToRecord[] = []
  for (const it of items) {
    if (it.invoiceIds.some((id) => seen.has(id))) later.push(it)
    else {
      for (const id of it.invoiceIds) seen.add(id)
      first.push(it)
    }
  }
  const results = new Map<ApprovalToRecord, ChargeResult>()
  for (const [i, r] of (await recordApprovalWave(deps, first)).entries()) results.set(first[i]!, r ?? (await recordPartialApproval(deps, first[i]!)))
  if (later.length) for (const [i, r] of (await recordApprovals(deps, later)).entries()) results.set(later[i]!, r)
  return items.map((it) => results.get(it)!)
}

/**
 * A partial approval: the card was approved for less than was asked (CardPointe returns the
 * approved `amount`; merchant accounts with partial authorization enabled get these).
 * NOTE: we accept the approved part and treat the remainder as a failure, rather than refusing
 * partial approvals. CardPointe's auth request has no field to refuse them per request (the
 * merchant account's setting decides; vendor OpenAPI `authRequest`, external-apis.md A4), so
 * refusing would mean voiding an approval we already have: a second gateway call with its own
 * lost-answer window, the customer's funds held meanwhile. Accepting keeps the guarantees as
 * they are: the approved part is recorded with its attempt (payment, receipt, QuickBooks) like
 * any approval, and the rest is owed like after an insufficient-funds decline, in the same
 * transaction: the invoice stays unpaid with the retry schedule, the customer gets the notice
 * with the update link, and each retry charges only what is still owed.
 */
async function recordPartialApproval(deps: ServiceDeps, it: ApprovalToRecord): Promise<ChargeResult> {
  const now = deps.clock.now()
  const settings = await getBillingSettings(deps.db)
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockInvoices(tx, it.invoiceIds)
    const [recorded] = await recordApprovalWave(deps, [it], tx, true)
    if (recorded?.kind !== 'approved') return recorded ?? { kind: 'skipped' }
    // The approved part pays the oldest invoices first; those it does not cover in full are owed.
    const after = await tx.selectFrom('invoices').select(['id', 'status', sql<number>`total_cents - paid_cents`.as('owed')]).where('id', 'in', it.invoiceIds).execute()
    const failed = it.invoiceIds.filter((id) => after.some((a) => a.id === id && a.status === 'failed'))
    if (failed.length === 0) return recorded
    const owed = after.reduce((s, a) => s + (a.status === 'failed' ? Number(a.owed) : 0), 0)
    const message = `Approved for ${formatUsd(it.approved.amountCents)} only; ${formatUsd(owed)} is still owed`
    await tx.updateTable('chargeAttempts').set({ message }).where('id', '=', it.orderId).execute()
    for (const [k, id] of failed.entries()) {
      const inv = locked.get(id)!
      const decision = afterDecline('insufficient_funds', { kind: 'retry_later', afterMs: 0 }, settings, inv.failedAttempts, ...failureDates(inv, now))
      await markFailed(tx, id, 'partially_paid', message, decision, now)
      await afterFailure(deps, tx, id, inv, 'partially_paid', decision, { settings }, now, k === 0 ? failed : null)
    }
    return recorded
  })
}

/**
 * One statement, so no transaction is needed around it (a statement is atomic) and a batch
 * costs one round trip. The invoices are locked first, in id order, by an InitPlan in the
 * first CTE: every later step reads that CTE, so no row is changed before the locks are held.
 * The attempt's invoices come from charge_attempt_invoices; the amount approved pays them
 * oldest first (`part`), each up to what the attempt asked for it, and one payment carries the
 * whole amount with an allocation per invoice when there are several. Partial approvals (less
 * approved than the attempt asked) are left out, null in the results, for
 * `recordPartialApproval`; with `partial` they are recorded too, inside its transaction.
 * NOTE: lock order is invoice, then attempt, everywhere: a claim locks the invoices and then
 * checks the pending-attempt indexes, so taking the attempt first here could deadlock with it.
 */
async function recordApprovalWave(deps: ServiceDeps, items: ApprovalToRecord[], db: Db = deps.db, partial = false): Promise<(ChargeResult | null)[]> {
  if (items.length === 0) return []
  const now = deps.clock.now()
  const col = <T>(f: (it: ApprovalToRecord) => T) => items.map(f)
  // Receipts are built for every item and inserted only for the approvals recorded now.
  const receipts = items.flatMap((it) => {
    // Paid on the company's date (an evening run in New York is already tomorrow in UTC).
    const email = it.invoices.length ? groupReceiptEmail(it.invoices, it.approved.amountCents, paidWithText(it.paymentMethod), localDate(now, it.invoices[0]!.timeZone)) : null
    return email ? [{ orderId: it.orderId, row: outboxRows([email])[0]! }] : []
  })
  const r = (f: (row: OutboxRow) => string | null) => receipts.map((e) => f(e.row))
  const { rows } = await sql<{ orderId: string; partial: boolean }>`
    with v as (
      select * from unnest(${col((it) => it.orderId)}::text[], ${col((it) => it.approved.amountCents)}::bigint[], ${col((it) => it.approved.gatewayRef)}::text[],
        ${col((it) => it.approved.authCode)}::text[], ${col((it) => it.approved.codes.respstat ?? null)}::text[], ${col((it) => it.approved.codes.respcode ?? null)}::text[],
        ${col((it) => it.approved.codes.resptext ?? null)}::text[], ${col((it) => it.approved.codes.respproc ?? null)}::text[], ${col((it) => it.via)}::text[],
        ${col(() => newId('pay'))}::text[], ${col((it) => (it.paymentMethod?.kind === 'ach' ? 'ach' : 'card'))}::text[], ${col(() => newId('qbo'))}::text[])
        as v(order_id, amount, gateway_ref, auth_code, respstat, respcode, resptext, respproc, via, payment_id, method, qbo_payment)
      where (select count(*) from (select 1 from invoices where id = any(${[...new Set(items.flatMap((it) => it.invoiceIds))].sort()}::text[]) order by id for update) locked) >= 0
    ), att as (
      update charge_attempts ca set status = 'approved', resolved_by = v.via, resolved_at = now(), gateway_ref = v.gateway_ref, auth_code = v.auth_code,
        respstat = v.respstat, respcode = v.respcode, resptext = v.resptext, respproc = v.respproc, decline_reason = null, message = null
      from v where ca.id = v.order_id and ca.status <> 'approved' and (v.amount >= ca.amount_cents or ${partial}::boolean)
      returning ca.id, ca.invoice_id
    ), part as (
      select c.attempt_id, c.invoice_id, i.customer_id, count(*) over (partition by c.attempt_id) as n,
        least(c.amount_cents, greatest(0, v.amount - coalesce(sum(c.amount_cents) over (partition by c.attempt_id order by i.period_start, i.id rows between unbounded preceding and 1 preceding), 0))) as amount
      from att join v on v.order_id = att.id join charge_attempt_invoices c on c.attempt_id = att.id join invoices i on i.id = c.invoice_id
    ), inv as (
      update invoices i set paid_cents = i.paid_cents + part.amount, paid_at = ${now}, next_retry_date = null, failure_message = null, updated_at = ${now},
        status = case when i.paid_cents + part.amount >= i.total_cents then 'paid' else 'failed' end,
        failure_code = case when i.paid_cents + part.amount >= i.total_cents then null else 'partially_paid' end,
        retry_state = case when i.paid_cents + part.amount >= i.total_cents then null else 'needs_payment_method' end
      from part where i.id = part.invoice_id
      returning i.id
    ), pay as (
      insert into payments (id, invoice_id, customer_id, attempt_id, method, amount_cents, gateway_ref, auth_code, received_at)
      select v.payment_id, att.invoice_id, (select customer_id from invoices where id = att.invoice_id), v.order_id, v.method, v.amount, v.gateway_ref, v.auth_code, ${now}
      from att join v on v.order_id = att.id
      returning id, invoice_id, attempt_id
    ), alloc as (
      insert into payment_allocations (payment_id, invoice_id, amount_cents)
      select v.payment_id, part.invoice_id, part.amount from part join v on v.order_id = part.attempt_id where part.n > 1 and part.amount > 0
    ), qbo as (
      insert into quickbooks_queue (id, entity_type, entity_id)
      select 'qbo_' || replace(gen_random_uuid()::text, '-', ''), 'invoice', part.invoice_id from part
      union all
      select v.qbo_payment, 'payment', pay.id from pay join v on v.order_id = pay.attempt_id
      on conflict (entity_type, entity_id) do nothing
    ), receipt as (
      insert into email_outbox (id, kind, to_address, subject, html, text_body, attachments, content, related_type, related_id)
      select e.id, e.kind, e.to_address, e.subject, e.html, e.text_body, e.attachments::jsonb, e.content::jsonb, e.related_type, e.related_id
      from unnest(${receipts.map((e) => e.orderId)}::text[], ${r((x) => x.id)}::text[], ${r((x) => x.kind)}::text[], ${r((x) => x.toAddress)}::text[],
        ${r((x) => x.subject)}::text[], ${r((x) => x.html)}::text[], ${r((x) => x.textBody)}::text[], ${r((x) => x.attachments)}::text[], ${r((x) => x.content)}::text[],
        ${r((x) => x.relatedType)}::text[], ${r((x) => x.relatedId)}::text[])
        as e(order_id, id, kind, to_address, subject, html, text_body, attachments, content, related_type, related_id)
      where e.order_id in (select attempt_id from pay)
    )
    select attempt_id as "orderId", false as partial from pay
    union all
    select v.order_id, true from v join charge_attempts ca on ca.id = v.order_id
    where ca.status <> 'approved' and v.amount < ca.amount_cents and not ${partial}::boolean`.execute(db)
  const recorded = new Map(rows.map((row) => [row.orderId, row.partial]))
  return items.map((it) => {
    const isPartial = recorded.get(it.orderId)
    return isPartial === undefined ? { kind: 'skipped' } : isPartial ? null : { kind: 'approved', amountCents: it.approved.amountCents }
  })
}

async function lookUpAttempt(db: Db, orderId: string): Promise<AttemptOnFile | null> {
  const row = await db
    .selectFrom('chargeAttempts as ca')
    .leftJoin('paymentMethods as pm', 'pm.id', 'ca.paymentMethodId')
    .select(['ca.status', 'pm.kind', 'pm.brand', 'pm.last4'])
    .where('ca.id', '=', orderId)
    .executeTakeFirst()
  if (!row || row.status === 'approved') return null
  return { invoiceIds: await invoicesOfAttempt(db, orderId), paymentMethod: row.kind ? { kind: row.kind, brand: row.brand, last4: row.last4 ?? '' } : null }
}

/**
 * A decline: the attempt's invoices are unpaid with the reason and a retry plan; maybe suspend
 * and tell the customer (once for the whole charge).
 */
export async function recordDeclined(deps: ServiceDeps, orderId: string, d: Declined, via: 'response' | 'inquiry', ctx: ChargeContext): Promise<ChargeResult> {
  const now = deps.clock.now()
  const invoiceIds = await invoicesOfAttempt(deps.db, orderId)
  if (invoiceIds.length === 0) return { kind: 'skipped' }
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockInvoices(tx, invoiceIds)
    const { rows } = await sql<{ invoiceId: string }>`
      update charge_attempts set status = 'declined', resolved_by = ${via}, resolved_at = now(), gateway_ref = ${d.gatewayRef},
        respstat = ${d.codes.respstat ?? null}, respcode = ${d.codes.respcode ?? null}, resptext = ${d.codes.resptext ?? null},
        respproc = ${d.codes.respproc ?? null}, decline_reason = ${d.reason}, message = ${d.message}
      where id = ${orderId} and status in ('pending', 'not_sent') returning invoice_id`.execute(tx)
    if (rows.length === 0) return { kind: 'skipped' } as const
    const unpaid = invoiceIds.filter((id) => !['paid', 'void', 'refunded'].includes(locked.get(id)!.status))
    for (const [k, id] of unpaid.entries()) {
      const inv = locked.get(id)!
      const decision = afterDecline(d.reason, d.retry, ctx.settings, inv.failedAttempts, ...failureDates(inv, now))
      await markFailed(tx, id, d.reason, d.message, decision, now)
      await afterFailure(deps, tx, id, inv, d.reason, decision, ctx, now, k === 0 ? unpaid : null)
    }
    return { kind: 'declined' } as const
  })
}

/**
 * Nothing was charged (gateway error, or "retry" answer). With `final` the attempt's invoices
 * are marked failed and retried soon; otherwise only the attempt is recorded.
 */
export async function recordNoCharge(
  deps: ServiceDeps,
  orderId: string,
  status: 'retryable' | 'error',
  message: string,
  codes: GatewayCodes,
  ctx: ChargeContext,
  final: boolean,
  afterMs: number,
  via: 'response' | 'inquiry' = 'response',
): Promise<ChargeResult> {
  const now = deps.clock.now()
  const invoiceIds = await invoicesOfAttempt(deps.db, orderId)
  if (invoiceIds.length === 0) return { kind: 'skipped' }
  return deps.db.transaction().execute(async (tx) => {
    const locked = await lockInvoices(tx, invoiceIds)
    const { rows } = await sql<{ invoiceId: string }>`
      update charge_attempts set status = ${status}, resolved_by = ${via}, resolved_at = now(), respstat = ${codes.respstat ?? null},
        respcode = ${codes.respcode ?? null}, resptext = ${codes.resptext ?? null}, respproc = ${codes.respproc ?? null}, message = ${message}
      where id = ${orderId} and status = 'pending' returning invoice_id`.execute(tx)
    if (rows.length === 0) return { kind: 'skipped' } as const
    if (final) {
      for (const id of invoiceIds) {
        const inv = locked.get(id)!
        if (inv.status !== 'open' && inv.status !== 'failed') continue
        const decision = afterGatewayError(ctx.settings, inv.failedAttempts, localDate(now, inv.timeZone))
        await markFailed(tx, id, status === 'error' ? 'gateway_misconfigured' : 'gateway_error', message, decision, now)
      }
    }
    return status === 'retryable' && !final ? ({ kind: 'retryable', afterMs } as const) : ({ kind: 'error' } as const)
  })
}

/**
 * A bank payment the customer's bank sent back (ACH return) after it was recorded: the invoice,
 * which the caller has already made owe the amount again in this transaction, enters the
 * failed-payment flow like a decline for `reason`: retry plan, suspension if enabled, the
 * customer's notice with the payment-update link.
 */
export async function recordBankReturnTx(deps: ServiceDeps, tx: Db, invoiceId: string, reason: DeclineReason, retry: RetryAdvice, message: string, notice: string[] | null = [invoiceId]): Promise<void> {
  const now = deps.clock.now()
  const settings = await getBillingSettings(tx)
  const inv = await lockInvoice(tx, invoiceId)
  if (inv.status === 'void' || inv.status === 'refunded') return
  const decision = afterDecline(reason, retry, settings, inv.failedAttempts, ...failureDates(inv, now))
  await markFailed(tx, invoiceId, 'bank_payment_returned', message, decision, now)
  await afterFailure(deps, tx, invoiceId, inv, 'bank_payment_returned', decision, { settings }, now, notice)
}

/** No usable payment method on file: nothing to charge until the customer adds one. `notify`: tell the customer (once per charge). */
export async function recordNoPaymentMethod(deps: ServiceDeps, invoiceId: string, ctx: ChargeContext, notify = true): Promise<ChargeResult> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (tx) => {
    const inv = await lockInvoice(tx, invoiceId)
    if (inv.status !== 'open' && inv.status !== 'failed') return { kind: 'skipped' } as const
    if (inv.status === 'failed' && inv.retryState === 'needs_payment_method') return { kind: 'skipped' } as const
    const decision: RetryDecision = { state: 'needs_payment_method', nextRetryDate: null }
    await markFailed(tx, invoiceId, 'no_payment_method', 'There is no active payment method on file', decision, now)
    await afterFailure(deps, tx, invoiceId, inv, 'no_payment_method', decision, ctx, now, notify ? [invoiceId] : null)
    return { kind: 'error' } as const
  })
}

interface LockedInvoice {
  id: string
  status: string
  failedAttempts: number
  firstFailedAt: Date | null
  retryState: string | null
  agreementId: string
  /** The company's time zone: retries are due on its dates. */
  timeZone: string
}

/** The company's dates of the invoice's first failure (today's, if this is it) and of today, for `afterDecline`. */
function failureDates(inv: LockedInvoice, now: Date): [firstFailedOn: string, today: string] {
  const today = localDate(now, inv.timeZone)
  return [inv.firstFailedAt ? localDate(inv.firstFailedAt, inv.timeZone) : today, today]
}

/** The invoices an attempt pays, oldest first. */
async function invoicesOfAttempt(db: Db, orderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('chargeAttemptInvoices as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoiceId')
    .select('c.invoiceId')
    .where('c.attemptId', '=', orderId)
    .orderBy('i.periodStart')
    .orderBy('i.id')
    .execute()
  return rows.map((r) => r.invoiceId)
}

async function lockInvoice(tx: Db, invoiceId: string): Promise<LockedInvoice> {
  return (await lockInvoices(tx, [invoiceId])).get(invoiceId)!
}

/** Locks the invoices in id order (as every claim and recording does), by id. */
async function lockInvoices(tx: Db, invoiceIds: string[]): Promise<Map<string, LockedInvoice>> {
  const rows = await tx
    .selectFrom('invoices')
    .select(['id', 'status', 'failedAttempts', 'firstFailedAt', 'retryState', 'agreementId'])
    .select((eb) => eb.selectFrom('companySettings').select('timeZone').where('id', '=', 1).$asScalar().$notNull().as('timeZone'))
    .where('id', 'in', invoiceIds)
    .orderBy('id')
    .forUpdate()
    .execute()
  if (rows.length !== new Set(invoiceIds).size) throw new Error(`invoice not found among ${invoiceIds.join(', ')}`)
  return new Map(rows.map((r) => [r.id, r]))
}

async function markFailed(tx: Db, invoiceId: string, code: string, message: string, decision: RetryDecision, now: Date): Promise<void> {
  await tx
    .updateTable('invoices')
    .set({
      status: 'failed',
      failureCode: code,
      failureMessage: message,
      failedAttempts: sql`failed_attempts + 1`,
      firstFailedAt: sql`coalesce(first_failed_at, ${now})`,
      retryState: decision.state,
      nextRetryDate: decision.nextRetryDate,
      updatedAt: now,
    })
    .where('id', '=', invoiceId)
    .execute()
}

/** Audit, optional suspension, optional customer email with a payment-update link. */
async function afterFailure(
  deps: ServiceDeps,
  tx: Db,
  invoiceId: string,
  before: LockedInvoice,
  code: string,
  decision: RetryDecision,
  ctx: Pick<ChargeContext, 'settings'>,
  now: Date,
  /** The invoices one notice covers (this one first); null: no notice from this call (another invoice of the charge sends it). */
  notice: string[] | null = [invoiceId],
): Promise<void> {
  await recordAuditEvent(tx, {
    entityType: 'invoice',
    entityId: invoiceId,
    action: 'invoice.payment_failed',
    actorUserId: null,
    details: { reason: code, retry: decision.state, nextRetryDate: decision.nextRetryDate },
  })
  let suspended = false
  if (ctx.settings.suspendOnFailure) {
    const a = await tx.selectFrom('agreements').select('status').where('id', '=', before.agreementId).executeTakeFirst()
    if (a?.status === 'active') {
      await suspendAgreementTx(tx, before.agreementId, `Payment failed: ${reasonText(code)}`, null, now)
      suspended = true
    }
  }
  // Tell the customer on the first failure, and again when only new details can help.
  const firstFailure = before.failedAttempts === 0
  const nowNeedsDetails = decision.state === 'needs_payment_method' && before.retryState !== 'needs_payment_method'
  let emailed = false
  if (notice && ctx.settings.emailOnFailure && (firstFailure || nowNeedsDetails)) {
    const invoices = await loadInvoiceContexts(tx, notice, deps)
    const invoice: InvoiceContext | undefined = invoices.get(invoiceId)
    if (invoice?.customerEmail) {
      const path = await createPaymentUpdateLink(tx, invoiceId, now)
      await queueFailureNotice(tx, invoice, reasonText(code), `${deps.publicUrl}${path}`, notice.flatMap((id) => (id === invoiceId ? [] : (invoices.get(id) ?? []))))
      emailed = true
    }
  }
  const exhausted = decision.state === 'exhausted' && before.retryState !== 'exhausted'
  // One notification per charge: the other invoices of a charge of several (notice null) are in it.
  if (notice && (suspended || firstFailure || exhausted)) await notifyFailure(tx, { invoiceId, agreementId: before.agreementId, code, decision, suspended, exhausted, emailed })
}

/**
 * Tells the office (the bell) about a failed payment: the first failure of an invoice, a
 * suspension it caused, or the end of its automatic retries; one notification per event, linked
 * to the agreement, where the next step is (send the payment link, retry, reactivate).
 */
async function notifyFailure(
  tx: Db,
  f: { invoiceId: string; agreementId: string; code: string; decision: RetryDecision; suspended: boolean; exhausted: boolean; emailed: boolean },
): Promise<void> {
  const r = await tx
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .innerJoin('customers as c', 'c.id', 'i.customerId')
    .select(['i.number', 'a.number as agreementNumber', 'c.name', sql<number>`i.total_cents - i.paid_cents`.as('owed'), sql<string>`(select locale from company_settings where id = 1)`.as('locale')])
    .where('i.id', '=', f.invoiceId)
    .executeTakeFirstOrThrow()
  const what = `${r.name}, agreement #${r.agreementNumber}: ${formatUsd(Number(r.owed))} (invoice ${r.number})`
  const next =
    f.decision.state === 'scheduled' ? `Next automatic try on ${dateText(f.decision.nextRetryDate, r.locale)}.`
    : f.decision.state === 'soon' ? 'Tried again at the next billing run.'
    : f.decision.state === 'needs_payment_method' ? 'No retry until the customer puts a new card or bank account on file.'
    : 'No more automatic retries.'
  const body = `${reasonText(f.code).replace(/^./, (c) => c.toUpperCase())}. ${next}${f.emailed ? ' The customer was emailed a link to update their payment method.' : ''}`
  const [kind, title] = f.suspended
    ? ['agreement.suspended', `Payment failed, agreement suspended: ${what}`]
    : f.exhausted
      ? ['billing.retries_exhausted', `Retries used up: ${what}`]
      : ['billing.payment_failed', `Payment failed: ${what}`]
  await notifyOffice(tx, { kind, title, body, link: `/agreements/${f.agreementId}` })
}
