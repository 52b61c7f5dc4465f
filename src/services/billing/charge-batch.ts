import type { ServiceDeps } from '../deps.ts'
import { loadInvoiceContexts, type InvoiceContext } from './billing-emails.ts'
import { chargeOnce, claimAttempts, recordOutcome, sendCharge } from './charge-invoice.ts'
import { isChargeable, type ChargeContext, type ChargeResult, type ChargeTarget, type ClaimedCharge } from './charge-types.ts'
import { groupCommit } from './group-commit.ts'
import { loadReceiptContexts, recordApprovals, type ApprovalToRecord } from './record-outcome.ts'

/**
 * A billing run's charging, in batches: the same steps and rules as `chargeOnce`
 * (charge-invoice.ts), with the database work shared between charges. A target is every due
 * invoice of one agreement: one charge, one payment, one receipt for all its periods.
 *
 *   - claim: a chunk of targets gets its pending attempts in one transaction (committed before
 *     any of them is sent), and their receipt details in one query while the charges travel;
 *   - charge: each claimed attempt is sent on its own, concurrently up to the run's limit;
 *   - record: approvals that come back together are written by one transaction (group
 *     commit, `recordApprovals`); declines, errors and unknown answers take the one-at-a-time
 *     path (they carry suspension, notices and retry plans, and are few).
 *
 * Exactly-once is unchanged: an attempt is persisted before its call, no transaction spans a
 * call, and an attempt whose outcome was not written (crash, database error) stays pending
 * for `resolveAttempt`. A chunk is never larger than the concurrency limit, so a claimed
 * attempt waits at most one round of calls before it is sent (the settle window, 45 s, counts
 * from the claim).
 */

/** One unit of a run's charge phase. */
export type ChargeWork =
  | { kind: 'claimed'; claim: ClaimedCharge; invoices: Promise<Map<string, InvoiceContext>> }
  /** No usable payment method or nothing owed: the one-at-a-time path records why. */
  | { kind: 'single'; target: ChargeTarget }
  /** Claim refused: paid meanwhile, or another attempt of the invoice is in flight. */
  | { kind: 'skipped' }

/** Claims the targets in chunks of `chunk`, lazily: the next chunk is claimed when the consumer asks for it. */
export async function* claimedWork(
  deps: ServiceDeps,
  source: AsyncIterable<ChargeTarget[]>,
  chunk: number,
  runId: string | null,
  stopped: () => boolean = () => false,
): AsyncGenerator<ChargeWork[]> {
  for await (const batch of source) {
    for (let i = 0; i < batch.length; i += chunk) {
      if (stopped()) return
      const targets = batch.slice(i, i + chunk)
      const claims = await claimAttempts(deps, targets, runId)
      const byInvoice = new Map(claims.map((c) => [c.target.invoiceId, c]))
      // Receipt details for the approvals to come; a failed load only costs a lookup per receipt later.
      const invoices = claims.length
        ? loadInvoiceContexts(deps.db, claims.flatMap((c) => c.target.invoices.map((p) => p.invoiceId)), deps).catch(() => new Map<string, InvoiceContext>())
        : Promise.resolve(new Map<string, InvoiceContext>())
      yield targets.map((t): ChargeWork => {
        const claim = byInvoice.get(t.invoiceId)
        if (claim) return { kind: 'claimed', claim, invoices }
        return isChargeable(t) ? { kind: 'skipped' } : { kind: 'single', target: t }
      })
    }
  }
}

/** Writes approvals in groups (see `groupCommit`); one writer per run. */
export function approvalWriter(deps: ServiceDeps): (a: ApprovalToRecord) => Promise<ChargeResult> {
  return groupCommit((items: ApprovalToRecord[]) => recordApprovals(deps, items))
}

/**
 * Charges one unit of work. A retryable gateway answer (nothing charged) is tried again up to
 * `retries` times with a short backoff, each time with a new claim. A database error after the
 * claim leaves the attempt pending: the settle phase or the next run resolves it.
 */
export async function chargeWork(
  deps: ServiceDeps,
  work: ChargeWork,
  ctx: ChargeContext,
  writeApproval: (a: ApprovalToRecord) => Promise<ChargeResult>,
  retries: number,
): Promise<ChargeResult> {
  if (work.kind === 'skipped') return { kind: 'skipped' }
  if (work.kind === 'single') return chargeWithRetries(deps, work.target, ctx, retries)
  const { orderId, target } = work.claim
  const pm = target.paymentMethod
  const outcome = await sendCharge(deps, orderId, pm, target.amountCents)
  try {
    if (outcome.status === 'approved') {
      const invoiceIds = target.invoices.map((p) => p.invoiceId)
      const loaded = await work.invoices
      const invoices = invoiceIds.every((id) => loaded.has(id)) ? invoiceIds.map((id) => loaded.get(id)!) : ((await loadReceiptContexts(deps, invoiceIds)) ?? [])
      return await writeApproval({ orderId, approved: outcome, via: 'response', invoiceIds, paymentMethod: pm, invoices })
    }
    if (outcome.status === 'misconfigured') ctx.halt?.(outcome.message)
    const r = await recordOutcome(deps, orderId, outcome, ctx, retries === 0, { invoiceIds: target.invoices.map((p) => p.invoiceId), paymentMethod: pm })
    if (r.kind !== 'retryable') return r
    await sleep(backoff(r.afterMs, 0))
    return await chargeWithRetries(deps, target, ctx, retries, 1)
  } catch {
    return { kind: 'unresolved' }
  }
}

/** `chargeOnce`, tried again after a retryable answer (tries `from`..`retries`; the last records the failure). */
async function chargeWithRetries(deps: ServiceDeps, target: ChargeTarget, ctx: ChargeContext, retries: number, from = 0): Promise<ChargeResult> {
  for (let i = from; ; i++) {
    let r: ChargeResult
    try {
      r = await chargeOnce(deps, target, ctx, i >= retries)
    } catch {
      return { kind: 'unresolved' }
    }
    if (r.kind !== 'retryable') return r
    await sleep(backoff(r.afterMs, i))
  }
}

const backoff = (afterMs: number, attempt: number) => Math.min(Math.max(afterMs, 100 * 2 ** attempt), 2000)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
