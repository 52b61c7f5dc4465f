import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { addDays, isIsoDate } from '../../domain/billing-calendar.ts'
import { unreachable, validationError } from '../../domain/errors.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { companyToday } from '../settings/company-settings.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { getBillingSettings } from './billing-settings.ts'
import { acquireRun, finishRun, releaseRun, saveProgress, takeOverRun, zeroCounters, type RunCounters } from './billing-runs.ts'
import { chargeWork, claimInChunks, resolveAttempt } from './charge.ts'
import { DEFAULT_SETTLE_WINDOW_MS, groupTarget, type ChargeContext, type ChargeResult, type ChargeTarget } from './charge-types.ts'
import { createDueInvoices, streamDueAgreements } from './due-invoices.ts'
import { resolvePendingReversals } from './office-actions.ts'
import { renewAndEndTerms } from '../renewals/term-end.ts'

/**
 * Bill all (workflow 4): one run bills every active agreement for every period due by the
 * `through` date, then charges what is owed, concurrently up to the configured limit.
 *
 * Phases, each one function below (`runPhases` calls them in order), each restartable:
 *   1. recover — settle attempts left pending by a crash or a timeout (inquire by order id);
 *   2. invoice — stream due agreements in batches and create their invoices (idempotent);
 *   3. charge  — stream unpaid invoices (new ones, gateway-error retries, scheduled retries
 *                that are due), one charge per agreement for all of its, each living the life
 *                told in charge.ts (claimed in chunks, approvals group-committed);
 *   4. settle  — resolve what is still pending, waiting up to the settle window; a charge
 *                found never sent gets another charge pass (three passes at most).
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

/** What the phases of one run share. */
interface Run {
  deps: ServiceDeps
  runId: string
  through: string
  opts: RunOptions
  /** The run's counters, saved every second. */
  c: RunCounters
  ctx: ChargeContext
  /** Charges (and inquiries) in flight at most. */
  limit: number
  batchSize: number
  /** This server stops: paused (SIGTERM) or lease lost. */
  stopping(): boolean
  /** Throws `Paused` when stopping. */
  checkpoint(): void
  /** Why the gateway refused our credentials or merchant account, once it has. */
  halted(): string | null
}

async function runPhases(deps: ServiceDeps, runId: string, through: string, opts: RunOptions, base: RunCounters, pauseAsked: () => boolean): Promise<RunSummary> {
  const c = { ...base }
  let phase = 'recover'
  const settings = await getBillingSettings(deps.db)
  let halted: string | null = null
  let leaseLost = false
  const stopping = () => leaseLost || pauseAsked()
  const run: Run = {
    deps,
    runId,
    through,
    opts,
    c,
    ctx: { runId, settings, settleWindowMs: opts.settleWindowMs ?? DEFAULT_SETTLE_WINDOW_MS, halt: (reason) => void (halted ??= reason) },
    limit: Math.max(1, opts.concurrency ?? settings.concurrency),
    batchSize: opts.batchSize ?? 500,
    stopping,
    checkpoint: () => {
      if (stopping()) throw new Paused()
    },
    halted: () => halted,
  }
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
  const enter = (next: string) => {
    phase = next
    tick()
  }
  const timer = setInterval(tick, 1000)
  timer.unref()
  try {
    await recover(run)
    enter('invoice')
    await invoice(run)
    // A charge pass, then settle what is still unknown; invoices whose attempt turned out never
    // to have been sent get another pass (a few at most).
    for (let pass = 0; pass < 3; pass++) {
      enter('charge')
      await charge(run, pass)
      enter('settle')
      if ((await settle(run)) === 0) break
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

/**
 * 1. recover: every attempt still `pending` (a crash, a timeout, an indeterminate answer) is
 * settled by inquiry before anything else is charged; then voids and refunds whose answer was
 * lost (office-actions.ts); then terms that ended today renew (or end), so a next term's first
 * period is billed on its first day.
 */
async function recover(r: Run): Promise<void> {
  await pool(streamPendingAttempts(r.deps.db, r.batchSize, r.stopping), r.limit, async (orderId) => {
    const res = await resolveAttempt(r.deps, orderId, r.ctx)
    if (res.kind !== 'unresolved') r.c.recovered++
    if (res.kind === 'approved' || res.kind === 'declined') count(r.c, res)
  })
  r.checkpoint()
  await resolvePendingReversals(r.deps, r.ctx.settleWindowMs)
  await renewAndEndTerms(r.deps)
}

/** 2. invoice: active agreements with a period due, streamed by id; each batch's invoices in one transaction (due-invoices.ts). */
async function invoice(r: Run): Promise<void> {
  for await (const batch of streamDueAgreements(r.deps.db, r.through, r.batchSize)) {
    r.checkpoint()
    r.c.agreementsDue += batch.length
    const made = await createDueInvoices(r.deps.db, batch, r.through, r.runId)
    r.c.invoicesCreated += made.created
    r.c.billedCents += made.billedCents
  }
}

/**
 * 3. charge: one charge per agreement for all its due invoices (`streamChargeTargets`), each
 * living the life of charge.ts, claimed a chunk at a time (never more than the concurrency limit)
 * and charged concurrently up to it. The gateway refusing our credentials stops the claiming and
 * fails the run.
 */
async function charge(r: Run, pass: number): Promise<void> {
  // Scheduled retries are due by the company's date, whatever the time of the run.
  const targets = streamChargeTargets(r.deps.db, r.through, await companyToday(r.deps), r.batchSize)
  const chunk = Math.max(1, Math.min(r.limit, 200))
  const retries = r.opts.inRunRetries ?? 3
  await pool(claimInChunks(r.deps, targets, chunk, r.runId, () => r.halted() !== null || r.stopping()), r.limit, async (work) => {
    if (pass === 0) r.c.invoicesToCharge++
    count(r.c, await chargeWork(r.deps, work, r.ctx, retries))
  })
  r.checkpoint()
  const halted = r.halted()
  if (halted) {
    throw new Error(
      `The gateway refused our credentials or merchant account (${halted}); the run stopped after ${r.c.charged} charge(s). Check the CardPointe settings (CARDPOINTE_*), then run Bill all again: the failed invoices are retried.`,
    )
  }
}

/**
 * 4. settle: every pending attempt (this run's and any left by others) is inquired again until
 * none is left or the settle window has passed. Returns how many were freed (never sent: their
 * invoices may be charged again by another pass); `unresolved` counts what stays unknown.
 */
async function settle(r: Run): Promise<number> {
  const { deps, ctx, c } = r
  const deadline = Date.now() + ctx.settleWindowMs + 5_000
  let freed = 0
  for (;;) {
    const pending = await deps.db.selectFrom('chargeAttempts').select(['id']).where('status', '=', 'pending').orderBy('id').limit(1000).execute()
    if (pending.length === 0) {
      c.unresolved = 0
      break
    }
    for (const p of pending) {
      const res = await resolveAttempt(deps, p.id, ctx)
      switch (res.kind) {
        case 'approved':
          c.approved++
          c.collectedCents += res.amountCents
          break
        case 'declined':
          c.declined++
          break
        case 'not_sent':
          freed++
          break
        case 'retryable':
        case 'error':
        case 'unresolved':
        case 'skipped':
          break
        default:
          unreachable(res)
      }
    }
    if (Date.now() > deadline || r.stopping()) {
      c.unresolved = await countPending(deps.db)
      break
    }
    await sleep(Math.min(2_000, Math.max(200, ctx.settleWindowMs / 10)))
  }
  r.checkpoint()
  return freed
}

/** A charge's result in the run's counters. */
function count(c: RunCounters, r: ChargeResult): void {
  switch (r.kind) {
    case 'skipped':
    case 'not_sent':
      return
    case 'approved':
      c.charged++
      c.approved++
      c.collectedCents += r.amountCents
      return
    case 'declined':
      c.charged++
      c.declined++
      return
    case 'retryable':
    case 'error':
      c.charged++
      c.errors++
      return
    case 'unresolved':
      c.charged++
      return
    default:
      unreachable(r)
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
