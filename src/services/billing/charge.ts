import { sql } from 'kysely'
import { unreachable } from '../../domain/errors.ts'
import { cents } from '../../domain/money.ts'
import type { ChargeOutcome, OrderLookup } from '../../ports/payment-gateway.ts'
import type { ServiceDeps } from '../deps.ts'
import { loadInvoiceContexts, type InvoiceContext } from './billing-emails.ts'
import type { Db } from '../../db/database.ts'
import { INSTANCE_ID } from '../../db/instance-liveness.ts'
import { groupCommit } from './charge-batching.ts'
import { isChargeable, type ChargeContext, type ChargeResult, type ChargeTarget, type ClaimedCharge } from './charge-types.ts'
import { loadReceiptContexts, recordApprovals, recordApproved, recordDeclined, recordNoCharge, recordNoPaymentMethod, type ApprovalToRecord } from './record-outcome.ts'

/**
 * The life of one charge, exactly once whatever happens (PRODUCT.md "Exactly-once money"),
 * in the order it happens. The states are `charge_attempts.status`:
 *
 *   1. claim   insert the attempt, `pending`, with its order id (one statement, committed);
 *              refused while another attempt of an invoice is pending or it is no longer unpaid
 *   2. send    call the gateway with no transaction open
 *   3. record  the answer, atomically: `approved` (payment, receipt, QuickBooks queue),
 *              `declined` (retry plan, notice, suspension), `retryable` or `error` (nothing
 *              charged); no answer (crash, timeout, indeterminate) leaves it `pending`
 *   4. settle  a `pending` attempt is inquired by order id: recorded as the gateway saw it, or
 *              `not_sent` once older than the settle window (the invoice may be charged again)
 *
 * `chargeOnce` is that life for one target (the office's "charge now", a customer's new card);
 * `claimInChunks` + `chargeWork` are the same life for a billing run, with the database work
 * shared between charges by the mechanisms of charge-batching.ts: a chunk's claims in one
 * transaction, approvals that come back together written by one statement (group commit). Which
 * targets a chunk holds is the run's business (run-share.ts: every server charging the run picks
 * its own chunks, exclusively); the life of each charge is the same whoever claims it.
 */

/** How step 3 writes an approval and finds the receipt's details: one at a time, or shared by a run's chunk. */
interface Recording {
  /** The claimed invoices' receipt details, loaded while the charge travels (empty on failure). */
  receipts: Promise<Map<string, InvoiceContext>>
  writeApproval: (a: ApprovalToRecord) => Promise<ChargeResult>
}

// 1. Claim ────────────────────────────────────────────────────────────────────────────────────

/**
 * Inserts the pending attempts of several targets (one transaction, committed before any
 * gateway call), each naming the server instance that claims it (`claimed_by`); returns those
 * claimed. A target is claimed whole or not at all: refused while a charge of any of its
 * invoices is pending (unique partial indexes on charge_attempts and charge_attempt_invoices)
 * or when any of them is no longer unpaid for the amount asked.
 * Targets need an active payment method; a target sharing an invoice with an earlier one of
 * the same call is left out.
 * NOTE: the invoice rows are locked first (in id order, so concurrent claimers cannot deadlock)
 * and the check is a later statement, so it reads them as a concurrent recording left them once
 * it committed; without the lock, on PostgreSQL, a claim racing an approval being recorded reads
 * the invoice as still unpaid from its snapshot, finds no pending attempt any more, and charges
 * it a second time (the concurrent-workers test caught exactly that).
 */
export async function claimAttempts(deps: ServiceDeps, targets: ChargeTarget[], runId: string | null): Promise<ClaimedCharge[]> {
  return deps.db.transaction().execute((tx) => insertClaims(tx, deps, targets, runId))
}

/** `claimAttempts` inside a transaction of the caller's (a run's chunk: `claimInChunks`). */
async function insertClaims(tx: Db, deps: ServiceDeps, targets: ChargeTarget[], runId: string | null): Promise<ClaimedCharge[]> {
  const seen = new Set<string>()
  const usable = targets.filter(isChargeable).filter((t) => {
    if (t.invoices.some((p) => seen.has(p.invoiceId) || p.amountCents <= 0)) return false
    for (const p of t.invoices) seen.add(p.invoiceId)
    return true
  })
  if (usable.length === 0) return []
  const orderIds = usable.map(() => deps.gateway.newOrderId())
  const parts = usable.flatMap((t, k) => t.invoices.map((p) => ({ orderId: orderIds[k]!, ...p })))
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
    .values(chosen.map((c) => ({ id: c.orderId, invoiceId: c.target.invoiceId, runId, paymentMethodId: c.target.paymentMethod.id, amountCents: c.target.amountCents, claimedBy: INSTANCE_ID })))
    .execute()
  await tx
    .insertInto('chargeAttemptInvoices')
    .values(chosen.flatMap((c) => c.target.invoices.map((p) => ({ attemptId: c.orderId, invoiceId: p.invoiceId, amountCents: p.amountCents }))))
    .execute()
  return chosen
}

// 2. Send ─────────────────────────────────────────────────────────────────────────────────────

/**
 * The gateway call for a claimed attempt: the stored profile with the recurring
 * stored-credential indicators. Never throws: the adapter classifies transport failures
 * itself, and anything thrown is unknown (indeterminate: settled later by inquiry).
 */
export async function sendCharge(deps: ServiceDeps, { orderId, target }: ClaimedCharge): Promise<ChargeOutcome> {
  const pm = target.paymentMethod
  try {
    return await deps.gateway.chargeProfile({
      profileId: pm.profileId,
      accountId: pm.acctId,
      method: pm.kind === 'ach' ? 'bank_account' : 'card',
      amountCents: cents(target.amountCents),
      orderId,
      initiator: 'scheduled_recurring',
    })
  } catch (err) {
    return { status: 'indeterminate', orderId, message: (err as Error).message }
  }
}

// 3. Record ───────────────────────────────────────────────────────────────────────────────────

/**
 * Records the gateway's answer for a claimed attempt (record-outcome.ts holds the statements).
 * With `final` false a retryable answer (nothing charged) records the attempt only, so the
 * caller may try again at once. Credentials or merchant refused: the run is told to stop
 * claiming (every further charge would fail the same way).
 */
export async function recordOutcome(deps: ServiceDeps, claim: ClaimedCharge, outcome: ChargeOutcome, ctx: ChargeContext, rec: Recording, final: boolean): Promise<ChargeResult> {
  const { orderId, target } = claim
  switch (outcome.status) {
    case 'approved': {
      const invoiceIds = target.invoices.map((p) => p.invoiceId)
      const loaded = await rec.receipts
      const invoices = invoiceIds.every((id) => loaded.has(id)) ? invoiceIds.map((id) => loaded.get(id)!) : ((await loadReceiptContexts(deps, invoiceIds)) ?? [])
      return rec.writeApproval({ orderId, approved: outcome, via: 'response', invoiceIds, paymentMethod: target.paymentMethod, invoices })
    }
    case 'declined':
      return recordDeclined(deps, orderId, outcome, 'response', ctx)
    case 'retryable':
      return recordNoCharge(deps, orderId, 'retryable', outcome.message, outcome.codes, ctx, final, outcome.afterMs)
    case 'misconfigured':
      ctx.halt?.(outcome.message)
      return recordNoCharge(deps, orderId, 'error', outcome.message, outcome.codes, ctx, true, 0)
    case 'indeterminate':
      // Stays pending: step 4 settles it.
      return { kind: 'unresolved' }
    default:
      return unreachable(outcome)
  }
}

// 4. Settle ───────────────────────────────────────────────────────────────────────────────────

/**
 * Settles a pending attempt from the gateway's records (inquire by order id). Approved or
 * declined there → recorded as such; never seen and older than the settle window → `not_sent`
 * (the invoice may be charged again); otherwise it stays pending. "Not found" only counts once
 * the attempt is older than the window (longer than the client's read timeout), so a request
 * still travelling is never mistaken for one that never left.
 */
export async function resolveAttempt(deps: ServiceDeps, orderId: string, ctx: ChargeContext): Promise<ChargeResult> {
  let lookup: OrderLookup
  try {
    lookup = await deps.gateway.inquireByOrderId({ orderId })
  } catch {
    return { kind: 'unresolved' }
  }
  switch (lookup.status) {
    case 'unavailable':
      return { kind: 'unresolved' }
    case 'found': {
      const charge = lookup.charge
      switch (charge.status) {
        case 'approved':
          return recordApproved(deps, orderId, charge, 'inquiry', ctx)
        case 'declined':
          return recordDeclined(deps, orderId, charge, 'inquiry', ctx)
        case 'retryable':
          // The gateway saw it and answered "retry": nothing was charged.
          return recordNoCharge(deps, orderId, 'retryable', charge.message, charge.codes, ctx, false, 0, 'inquiry')
        default:
          return unreachable(charge)
      }
    }
    case 'not_found': {
      const { rows } = await sql<{ id: string }>`
        update charge_attempts set status = 'not_sent', resolved_by = 'inquiry', resolved_at = now(),
          message = 'The gateway has no record of this order id: it never arrived'
        where id = ${orderId} and status = 'pending' and sent_at < now() - make_interval(secs => ${ctx.settleWindowMs / 1000})
        returning id`.execute(deps.db)
      return rows.length === 1 ? { kind: 'not_sent' } : { kind: 'unresolved' }
    }
    default:
      return unreachable(lookup)
  }
}

// The whole life, one charge at a time ───────────────────────────────────────────────────────

/**
 * Charges one target: claim, send, record (steps 1–3). Nothing usable on file: the invoices
 * are failed with `no_payment_method` (one notice for the charge). A retryable answer with
 * `final` false records the attempt only, so the caller may try again at once.
 */
export async function chargeOnce(deps: ServiceDeps, target: ChargeTarget, ctx: ChargeContext, final = true): Promise<ChargeResult> {
  const pm = target.paymentMethod
  if (!pm || !pm.isActive) {
    let r: ChargeResult = { kind: 'skipped' }
    for (const p of target.invoices) r = (await recordNoPaymentMethod(deps, p.invoiceId, ctx, p === target.invoices[0])).kind === 'error' ? { kind: 'error' } : r
    return r
  }
  if (target.amountCents <= 0) return { kind: 'skipped' }
  const [claim] = await claimAttempts(deps, [target], ctx.runId)
  if (!claim) return { kind: 'skipped' }
  const ids = target.invoices.map((p) => p.invoiceId)
  const rec: Recording = {
    receipts: loadInvoiceContexts(deps.db, ids, deps).catch(() => new Map()),
    writeApproval: async (a) => (await recordApprovals(deps, [a]))[0]!,
  }
  return recordOutcome(deps, claim, await sendCharge(deps, claim), ctx, rec, final)
}

// The same life for a billing run, batched ───────────────────────────────────────────────────

/** One unit of a run's charge phase, with the target it is about. */
export type ChargeWork =
  | { kind: 'claimed'; target: ChargeTarget; claim: ClaimedCharge; rec: Recording }
  /** No usable payment method or nothing owed: `chargeOnce` records why. */
  | { kind: 'unchargeable'; target: ChargeTarget }
  /** Claim refused: paid meanwhile, or another attempt of an invoice is in flight. */
  | { kind: 'skipped'; target: ChargeTarget }

/**
 * Step 1 for a run: chunk after chunk, lazily (the next when the consumer asks for it), each in
 * one transaction: `pick` chooses the chunk's targets inside it (a run's share of its charges,
 * locked against the other servers: run-share.ts) and their attempts are inserted in it, so a
 * chunk is claimed whole or not at all. Done when `pick` finds nothing (null) or `stopped()`.
 * Each chunk's receipt details are loaded by one query while its charges travel; approvals are
 * written by group commit. A chunk is never larger than the concurrency limit, so a claimed
 * attempt waits at most one round of calls before it is sent (the settle window counts from the claim).
 */
export async function* claimInChunks(deps: ServiceDeps, pick: (tx: Db) => Promise<ChargeTarget[] | null>, runId: string | null, stopped: () => boolean): AsyncGenerator<ChargeWork[]> {
  const writeApproval = groupCommit((items: ApprovalToRecord[]) => recordApprovals(deps, items))
  while (!stopped()) {
    let chunk: { targets: ChargeTarget[]; claims: ClaimedCharge[] } | null
    try {
      chunk = await deps.db.transaction().execute(async (tx) => {
        const targets = await pick(tx)
        return targets && { targets, claims: await insertClaims(tx, deps, targets, runId) }
      })
    } catch (err) {
      // Two claims crossing an office charge's locks: PostgreSQL undid one; nothing was claimed by it.
      if ((err as { code?: string }).code === '40P01') continue
      throw err
    }
    if (!chunk) return
    const { targets, claims } = chunk
    const byInvoice = new Map(claims.map((c) => [c.target.invoiceId, c]))
    // A failed load only costs a lookup per receipt later.
    const receipts = claims.length
      ? loadInvoiceContexts(deps.db, claims.flatMap((c) => c.target.invoices.map((p) => p.invoiceId)), deps).catch(() => new Map<string, InvoiceContext>())
      : Promise.resolve(new Map<string, InvoiceContext>())
    yield targets.map((target): ChargeWork => {
      const claim = byInvoice.get(target.invoiceId)
      if (claim) return { kind: 'claimed', target, claim, rec: { receipts, writeApproval } }
      return isChargeable(target) ? { kind: 'skipped', target } : { kind: 'unchargeable', target }
    })
  }
}

/**
 * Steps 2–3 for one unit of a run's work. A retryable answer (nothing charged) is tried again
 * up to `retries` times with a short backoff, each time with a new claim. A database error after
 * the claim leaves the attempt pending: the settle phase or the next run resolves it.
 */
export async function chargeWork(deps: ServiceDeps, work: ChargeWork, ctx: ChargeContext, retries: number): Promise<ChargeResult> {
  switch (work.kind) {
    case 'skipped':
      return { kind: 'skipped' }
    case 'unchargeable':
      return chargeOnce(deps, work.target, ctx).catch(() => ({ kind: 'unresolved' }) as const)
    case 'claimed': {
      const outcome = await sendCharge(deps, work.claim)
      let r: ChargeResult
      try {
        r = await recordOutcome(deps, work.claim, outcome, ctx, work.rec, retries === 0)
      } catch {
        return { kind: 'unresolved' }
      }
      for (let i = 1; r.kind === 'retryable'; i++) {
        await sleep(backoff(r.afterMs, i - 1))
        try {
          r = await chargeOnce(deps, work.claim.target, ctx, i >= retries)
        } catch {
          return { kind: 'unresolved' }
        }
      }
      return r
    }
    default:
      return unreachable(work)
  }
}

const backoff = (afterMs: number, attempt: number) => Math.min(Math.max(afterMs, 100 * 2 ** attempt), 2000)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
