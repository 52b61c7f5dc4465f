import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { addDays, isIsoDate } from '../../domain/billing-calendar.ts'
import { validationError } from '../../domain/errors.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { companyToday } from '../settings/company-settings.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { getBillingSettings } from './billing-settings.ts'
import { acquireRun, finishRun, releaseRun, saveProgress, takeOverRun, zeroCounters, type RunCounters } from './billing-runs.ts'
import { approvalWriter, chargeWork, claimedWork } from './charge-batch.ts'
import { resolveAttempt } from './charge-invoice.ts'
import { DEFAULT_SETTLE_WINDOW_MS, groupTarget, type ChargeContext, type ChargeResult, type ChargeTarget } from './charge-types.ts'
import { createDueInvoices, streamDueAgreements } from './due-invoices.ts'
import { resolvePendingReversals } from './office-actions.ts'
import { renewAndEndTerms } from '../renewals/term-end.ts'

/**
 * Bill all (workflow 4): one run bills every active agreement for every period due by the
 * `through` date, then charges what is owed, concurrently up to the configured limit.
 *
 * Phases, each restartable:
 *   1. recover — settle attempts left pending by a crash or a timeout (inquire by order id);
 *   2. invoice — stream due agreements in batches and create their invoices (idempotent);
 *   3. charge  — stream unpaid invoices (new ones, gateway-error retries, scheduled retries
 *                that are due), one charge per agreement for all of its, each exactly once
 *                (in batches: charge-batch.ts);
 *   4. settle  — resolve what is still pending, waiting up to the settle window.
 */
export interface RunOptions {
  through?: string
  actor: ActorId
  /** Default: the client read timeout plus a margin (45 s). */
  settleWindowMs?: number
  /** Immediate retries of a retryable gateway error within the run. */
  inRunRetries?: number
  batchSize?: number
  /** Overrides the configured concurrency (benchmarks). */
  concurrency?: number
  onProgress?: (phase: string, c: RunCounters) => void
  /** The business day of an automatic (daily) run; at most one run per day carries it. */
  automaticFor?: string
}

export interface RunSummary extends RunCounters {
  runId: string
  through: string
  /** `paused`: this server stopped (SIGTERM) or lost the lease; the run stays `running` for another server to resume. */
  status: 'completed' | 'failed' | 'paused'
  error: string | null
}

export { DEFAULT_SETTLE_WINDOW_MS }

/** How far a run may bill: through the company's today plus the days ahead set in Billing settings. */
export interface RunLimit {
  today: string
  billAheadDays: number
  /** The latest `through` of a run: today + billAheadDays. */
  latestThrough: string
}

/**
 * The through date of a run or a preview (given, or by default the latest a run may bill) with
 * the run's limit. A run never bills past `latestThrough`: a far date would invoice and charge
 * every period up to it at once (9999-12-31 was accepted). A preview may look further.
 */
export async function resolveThrough(deps: ServiceDeps, through: string | undefined, use: 'run' | 'preview'): Promise<{ through: string } & RunLimit> {
  if (through !== undefined && !isIsoDate(through)) throw validationError({ through: 'must be a date (YYYY-MM-DD)' })
  const today = await companyToday(deps)
  const { billAheadDays } = await getBillingSettings(deps.db)
  const latestThrough = addDays(today, billAheadDays)
  const limit = { today, billAheadDays, latestThrough }
  if (use === 'run' && through !== undefined && through > latestThrough) {
    const why = billAheadDays === 0 ? 'today in the company\'s time zone: a run bills nothing that starts later (set days ahead in Billing settings to bill in advance)' : `today (${today}) plus the ${billAheadDays} day${billAheadDays === 1 ? '' : 's'} ahead set in Billing settings`
    throw validationError({ through: `must be on or before ${latestThrough}, ${why}` })
  }
  return { through: through ?? latestThrough, ...limit }
}

/** Starts a run (409 if one is in progress); `done` settles when it has finished. */
export async function startBillingRun(deps: ServiceDeps, opts: RunOptions): Promise<{ runId: string; through: string; done: Promise<RunSummary> }> {
  const { through } = await resolveThrough(deps, opts.through, 'run')
  const runId = await acquireRun(deps.db, through, opts.actor, opts.automaticFor ?? null)
  await recordAuditEvent(deps.db, { entityType: 'billing_run', entityId: runId, action: 'billing_run.started', actorUserId: opts.actor, details: { through, ...(opts.automaticFor ? { automatic: true } : {}) } })
  const done = executeRun(deps, runId, through, opts, zeroCounters())
  return { runId, through, done }
}

/**
 * Resumes a run whose server is gone or stopped (its lease is free: billing-runs.ts) from its
 * first phase, counting on from its saved progress: every phase is restartable. Null when no run
 * waits for a server.
 */
export async function resumeBillingRun(deps: ServiceDeps, opts: Omit<RunOptions, 'through' | 'automaticFor'> = { actor: null }): Promise<{ runId: string; through: string; automaticFor: string | null; done: Promise<RunSummary> } | null> {
  const run = await takeOverRun(deps.db)
  if (!run) return null
  await recordAuditEvent(deps.db, { entityType: 'billing_run', entityId: run.id, action: 'billing_run.resumed', actorUserId: null, details: { through: run.throughDate, phase: run.phase } })
  const done = executeRun(deps, run.id, run.throughDate, opts, run.counters)
  return { runId: run.id, through: run.throughDate, automaticFor: run.automaticFor, done }
}

/**
 * The runs this process is executing. `pauseBillingRuns` (graceful shutdown) stops them claiming
 * new charges, waits for the charges in flight to be recorded, and releases their leases.
 */
const active = new Map<string, { pause(): void; done: Promise<RunSummary> }>()

export async function pauseBillingRuns(): Promise<void> {
  const runs = [...active.values()]
  for (const r of runs) r.pause()
  await Promise.allSettled(runs.map((r) => r.done))
}

class Paused extends Error {}

function executeRun(deps: ServiceDeps, runId: string, through: string, opts: RunOptions, base: RunCounters): Promise<RunSummary> {
  let paused = false
  const done = runPhases(deps, runId, through, opts, base, () => paused).finally(() => active.delete(runId))
  active.set(runId, { pause: () => void (paused = true), done })
  return done
}

async function runPhases(deps: ServiceDeps, runId: string, through: string, opts: RunOptions, base: RunCounters, pauseAsked: () => boolean): Promise<RunSummary> {
  const c = { ...base }
  let phase = 'recover'
  const settings = await getBillingSettings(deps.db)
  let halted: string | null = null
  let leaseLost = false
  const stopping = () => leaseLost || pauseAsked()
  const checkpoint = () => {
    if (stopping()) throw new Paused()
  }
  const ctx: ChargeContext = {
    runId,
    settings,
    settleWindowMs: opts.settleWindowMs ?? DEFAULT_SETTLE_WINDOW_MS,
    halt: (reason) => void (halted ??= reason),
  }
  const limit = Math.max(1, opts.concurrency ?? settings.concurrency)
  const batchSize = opts.batchSize ?? 500
  let saving = Promise.resolve()
  const tick = () => {
    opts.onProgress?.(phase, { ...c })
    // Receipts and notices queued since the last tick go out now rather than at the next poll.
    deps.kickOutbox?.()
    saving = saving
      .then(async () => {
        // Another server took the run over (this one was cut off for a minute): stop claiming.
        if (!(await saveProgress(deps.db, runId, phase, { ...c }))) leaseLost = true
      })
      .catch(() => {})
  }
  const timer = setInterval(tick, 1000)
  timer.unref()
  try {
    await pool(streamPendingAttempts(deps.db, batchSize, stopping), limit, async (orderId) => {
      const r = await resolveAttempt(deps, orderId, ctx)
      if (r.kind !== 'unresolved') c.recovered++
      if (r.kind === 'approved' || r.kind === 'declined') count(c, r)
    })
    checkpoint()
    // Voids and refunds whose answer was lost (see office-actions.ts) are settled here too.
    await resolvePendingReversals(deps, ctx.settleWindowMs)
    // Terms that ended today renew (or end) first, so a next term's first period is billed on its first day.
    await renewAndEndTerms(deps)
    phase = 'invoice'
    tick()
    for await (const batch of streamDueAgreements(deps.db, through, batchSize)) {
      checkpoint()
      c.agreementsDue += batch.length
      const made = await createDueInvoices(deps.db, batch, through, runId)
      c.invoicesCreated += made.created
      c.billedCents += made.billedCents
    }
    const inRunRetries = opts.inRunRetries ?? 3
    const writeApproval = approvalWriter(deps)
    // Claims go out a chunk at a time, never more than the concurrency limit (see charge-batch.ts).
    const chunk = Math.max(1, Math.min(limit, 200))
    // A charge pass, then settle what is still unknown; invoices whose attempt turned out never
    // to have been sent get another pass (a few at most).
    for (let pass = 0; pass < 3; pass++) {
      phase = 'charge'
      tick()
      // Scheduled retries are due by the company's date, whatever the time of the run.
      const targets = streamChargeTargets(deps.db, through, await companyToday(deps), batchSize)
      await pool(claimedWork(deps, targets, chunk, runId, () => halted !== null || stopping()), limit, async (work) => {
        if (pass === 0) c.invoicesToCharge++
        count(c, await chargeWork(deps, work, ctx, writeApproval, inRunRetries))
      })
      checkpoint()
      if (halted) {
        throw new Error(
          `The gateway refused our credentials or merchant account (${halted}); the run stopped after ${c.charged} charge(s). Check the CardPointe settings (CARDPOINTE_*), then run Bill all again: the failed invoices are retried.`,
        )
      }
      phase = 'settle'
      tick()
      const settled = await settleLeftovers(deps, ctx, c, stopping)
      checkpoint()
      c.unresolved = settled.unresolved
      if (settled.freed === 0) break
    }
    clearInterval(timer)
    await saving
    await finishRun(deps.db, runId, 'completed', c, null)
    opts.onProgress?.('done', { ...c })
    return { runId, through, status: 'completed', error: null, ...c }
  } catch (err) {
    clearInterval(timer)
    await saving
    if (err instanceof Paused) {
      // The charges in flight have been recorded (pool waits for them); attempts whose answer was
      // lost stay pending for the next server's recover phase.
      if (!leaseLost) await releaseRun(deps.db, runId, phase, c)
      return { runId, through, status: 'paused', error: null, ...c }
    }
    const message = (err as Error).message ?? String(err)
    await finishRun(deps.db, runId, 'failed', c, message.slice(0, 1000)).catch(() => {})
    return { runId, through, status: 'failed', error: message, ...c }
  }
}

function count(c: RunCounters, r: ChargeResult): void {
  if (r.kind === 'skipped' || r.kind === 'not_sent') return
  c.charged++
  if (r.kind === 'approved') {
    c.approved++
    c.collectedCents += r.amountCents
  } else if (r.kind === 'declined') c.declined++
  else if (r.kind === 'error' || r.kind === 'retryable') c.errors++
}

/**
 * Resolves every pending attempt (this run's and any left by others) until none is left or
 * the settle window has passed; returns how many stay unknown and how many were freed (never
 * sent: their invoices may be charged again).
 */
async function settleLeftovers(deps: ServiceDeps, ctx: ChargeContext, c: RunCounters, stopping: () => boolean): Promise<{ unresolved: number; freed: number }> {
  const deadline = Date.now() + ctx.settleWindowMs + 5_000
  let freed = 0
  for (;;) {
    const pending = await deps.db.selectFrom('chargeAttempts').select(['id']).where('status', '=', 'pending').orderBy('id').limit(1000).execute()
    if (pending.length === 0) return { unresolved: 0, freed }
    for (const p of pending) {
      const r = await resolveAttempt(deps, p.id, ctx)
      if (r.kind === 'approved') {
        c.approved++
        c.collectedCents += r.amountCents
      } else if (r.kind === 'declined') c.declined++
      else if (r.kind === 'not_sent') freed++
    }
    if (Date.now() > deadline || stopping()) return { unresolved: await countPending(deps.db), freed }
    await sleep(Math.min(2_000, Math.max(200, ctx.settleWindowMs / 10)))
  }
}

async function countPending(db: Db): Promise<number> {
  const r = await db.selectFrom('chargeAttempts').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
  return Number(r.n)
}

async function* streamPendingAttempts(db: Db, batchSize: number, stopping: () => boolean): AsyncGenerator<string[]> {
  let after = ''
  while (!stopping()) {
    const rows = await db.selectFrom('chargeAttempts').select('id').where('status', '=', 'pending').where('id', '>', after).orderBy('id').limit(batchSize).execute()
    if (rows.length === 0) return
    after = rows.at(-1)!.id
    yield rows.map((r) => r.id)
  }
}

/**
 * What to charge, one target per agreement (by agreement id): every unpaid invoice of it that
 * is due, oldest first, charged together (a catch-up of six periods is one charge). Due: new
 * (open) invoices, and failed ones whose retry is due by `today` (the company's date); a
 * gateway-error retry ("soon") is due at any new run: nothing was charged.
 */
export async function* streamChargeTargets(db: Db, through: string, today: string, batchSize: number): AsyncGenerator<ChargeTarget[]> {
  const due = db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .where('i.periodStart', '<=', through)
    .where('i.status', 'in', ['open', 'failed'])
    .where((eb) =>
      eb.or([
        eb('i.status', '=', 'open'),
        eb('i.retryState', '=', 'soon'),
        eb.and([eb('i.retryState', '=', 'scheduled'), eb('i.nextRetryDate', '<=', today)]),
      ]),
    )
    .where('a.status', 'in', ['active', 'suspended'])
  let after = ''
  for (;;) {
    const page = await due.select('i.agreementId').distinct().where('i.agreementId', '>', after).orderBy('i.agreementId').limit(batchSize).execute()
    if (page.length === 0) return
    after = page.at(-1)!.agreementId
    const rows = await due
      .leftJoin('paymentMethods as pm', 'pm.id', 'a.paymentMethodId')
      .select(['i.agreementId', 'i.id as invoiceId', sql<number>`i.total_cents - i.paid_cents`.as('amountCents')])
      .select(['pm.id as pmId', 'pm.kind', 'pm.profileId', 'pm.acctId', 'pm.brand', 'pm.last4', 'pm.isActive'])
      .where('i.agreementId', 'in', page.map((p) => p.agreementId))
      .orderBy('i.agreementId')
      .orderBy('i.periodStart')
      .orderBy('i.id')
      .execute()
    const byAgreement = new Map<string, typeof rows>()
    for (const r of rows) byAgreement.set(r.agreementId, [...(byAgreement.get(r.agreementId) ?? []), r])
    yield [...byAgreement.values()].map((group) => {
      const r = group[0]!
      const pm = r.pmId ? { id: r.pmId, kind: r.kind!, profileId: r.profileId!, acctId: r.acctId!, brand: r.brand, last4: r.last4!, isActive: r.isActive! } : null
      return groupTarget(group.map((g) => ({ invoiceId: g.invoiceId, amountCents: Number(g.amountCents) })), pm)
    })
    if (page.length < batchSize) return
  }
}

/** Runs `fn` over every item of `source`, at most `limit` at a time, pulling batches lazily. */
export async function pool<T>(source: AsyncIterable<T[]>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>()
  let failure: unknown = null
  for await (const batch of source) {
    for (const item of batch) {
      const p: Promise<void> = fn(item)
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => inflight.delete(p))
      inflight.add(p)
      if (inflight.size >= limit) await Promise.race(inflight)
      if (failure) break
    }
    if (failure) break
  }
  await Promise.all(inflight)
  if (failure) throw failure
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
