import type { Db } from '../../db/database.ts'
import { addDays, isIsoDate } from '../../domain/billing-calendar.ts'
import { unreachable, validationError } from '../../domain/errors.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { companyToday } from '../settings/company-settings.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { getBillingSettings } from './billing-settings.ts'
import { INSTANCE_ID, claimerGone } from '../../db/instance-liveness.ts'
import { acquireRun, finishRun, helpersAlive, joinRun, leaveRun, releaseRun, saveProgress, saveUnresolved, setPhase, takeOverRun, Tally, type RunCounters } from './billing-runs.ts'
import { pool } from './charge-batching.ts'
import { resolveAttempt } from './charge.ts'
import { DEFAULT_SETTLE_WINDOW_MS, type ChargeContext } from './charge-types.ts'
import { chargeShare, count, workLeft, type Share } from './run-share.ts'
import { createDueInvoices, streamDueAgreements } from './due-invoices.ts'
import { resolvePendingReversals } from './office-actions.ts'
import { renewAndEndTerms } from '../renewals/term-end.ts'

/**
 * Bill all (workflow 4): one run bills every active agreement for every period due by the
 * `through` date, then charges what is owed, concurrently up to the configured limit.
 *
 * Phases, each one function below (`runPhases` calls them in order), each restartable, run
 * by the server holding the run's lease (billing-runs.ts):
 *   1. recover — settle attempts left pending by a crash or a timeout (inquire by order id);
 *   2. invoice — stream due agreements in batches and create their invoices (idempotent);
 *   3. charge  — unpaid invoices (new ones, gateway-error retries, scheduled retries that are
 *                due), one charge per agreement for all of its, each living the life told in
 *                charge.ts, charged by every live server at once: each claims its own chunks
 *                (run-share.ts); the others join as helpers (`helpBillingRun`);
 *   4. settle  — once no work is left and the helpers are done, resolve what is still pending,
 *                waiting up to the settle window; a charge found never sent gets another charge
 *                pass (three passes at most).
 * Counters: every server adds its counts to the run's row every second (billing-runs.ts), so
 * the progress read from any server is the run's.
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
  /** `paused`: this server stopped (SIGTERM) or lost the lease; the run stays `running` for another server to resume. Counters: the run's, every server's. */
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
  const done = executeRun(deps, runId, through, opts)
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
  const done = executeRun(deps, run.id, run.throughDate, opts)
  return { runId: run.id, through: run.throughDate, automaticFor: run.automaticFor, done }
}

/**
 * Helps the run another server holds while it is charging (run-share.ts): joins it as a helper,
 * charges its own chunks, adds its counts to the run's every second, and leaves once nothing is
 * left for it (or the run moved on, or this server stops). Null when no run is charging.
 */
export async function helpBillingRun(deps: ServiceDeps, opts: { concurrency?: number; inRunRetries?: number } = {}): Promise<{ runId: string; done: Promise<void> } | null> {
  const run = await joinRun(deps.db)
  if (!run) return null
  let paused = false
  let halted: string | null = null
  const settings = await getBillingSettings(deps.db)
  const share: Share = {
    deps,
    runId: run.id,
    through: run.throughDate,
    ctx: { runId: run.id, settings, settleWindowMs: DEFAULT_SETTLE_WINDOW_MS, halt: (reason) => void (halted ??= reason) },
    limit: Math.max(1, opts.concurrency ?? settings.concurrency),
    retries: opts.inRunRetries ?? 3,
    tally: new Tally(),
    unchargeable: [],
    stopping: () => paused,
    halted: () => halted,
  }
  const flush = () => {
    const d = share.tally.take()
    return saveProgress(deps.db, run.id, null, d).catch(() => share.tally.add(d))
  }
  const timer = setInterval(() => void flush(), 1000)
  timer.unref()
  const done = (async () => {
    try {
      await chargeShare(share, await companyToday(deps))
    } finally {
      clearInterval(timer)
      await leaveRun(deps.db, run.id, share.tally.take())
    }
  })()
  const entry = { pause: () => void (paused = true), done }
  active.add(entry)
  helping.set(run.id, done)
  void done
    .catch(() => {})
    .finally(() => {
      active.delete(entry)
      if (helping.get(run.id) === done) helping.delete(run.id)
    })
  return { runId: run.id, done }
}

/** The runs this process helps (by run id): one it then takes over waits for its own help to end too. */
const helping = new Map<string, Promise<void>>()

/**
 * The runs this process is executing or helping. `pauseBillingRuns` (graceful shutdown) stops
 * them claiming new charges, waits for the charges in flight to be recorded, and releases their
 * leases (or leaves the runs it helps).
 */
const active = new Set<{ pause(): void; done: Promise<unknown> }>()

export async function pauseBillingRuns(): Promise<void> {
  const runs = [...active]
  for (const r of runs) r.pause()
  await Promise.allSettled(runs.map((r) => r.done))
}

class Paused extends Error {}

function executeRun(deps: ServiceDeps, runId: string, through: string, opts: RunOptions): Promise<RunSummary> {
  let paused = false
  const done = runPhases(deps, runId, through, opts, () => paused)
  const entry = { pause: () => void (paused = true), done }
  active.add(entry)
  void done.catch(() => {}).finally(() => active.delete(entry))
  return done
}

/** What the phases of one run share: the lease holder's share of the charges, and more. */
interface Run extends Share {
  opts: RunOptions
  batchSize: number
  /** Moves the run to its next phase (on its row at once). */
  enter(phase: string): Promise<void>
  /** Throws `Paused` when stopping. */
  checkpoint(): void
}

async function runPhases(deps: ServiceDeps, runId: string, through: string, opts: RunOptions, pauseAsked: () => boolean): Promise<RunSummary> {
  let phase = 'recover'
  const settings = await getBillingSettings(deps.db)
  let halted: string | null = null
  let leaseLost = false
  const stopping = () => leaseLost || pauseAsked()
  const tally = new Tally()
  let saving = Promise.resolve()
  const tick = () => {
    // Receipts and notices queued since the last tick go out now rather than at the next poll.
    deps.kickOutbox?.()
    saving = saving
      .then(async () => {
        const d = tally.take()
        const saved = await saveProgress(deps.db, runId, phase, d).catch((err: unknown) => (tally.add(d), Promise.reject(err)))
        // Another server took the run over (this one was cut off for a minute): stop claiming.
        if (!saved.held) leaseLost = true
        opts.onProgress?.(phase, saved.totals)
      })
      .catch(() => {})
  }
  const enter = async (next: string) => {
    phase = next
    await saving // a progress write still carrying the old phase lands first
    await setPhase(deps.db, runId, next)
    tick()
  }
  const run: Run = {
    deps,
    runId,
    through,
    opts,
    tally,
    ctx: { runId, settings, settleWindowMs: opts.settleWindowMs ?? DEFAULT_SETTLE_WINDOW_MS, halt: (reason) => void (halted ??= reason) },
    limit: Math.max(1, opts.concurrency ?? settings.concurrency),
    retries: opts.inRunRetries ?? 3,
    unchargeable: [],
    batchSize: opts.batchSize ?? 500,
    enter,
    stopping,
    checkpoint: () => {
      if (stopping()) throw new Paused()
    },
    halted: () => halted,
  }
  const timer = setInterval(tick, 1000)
  timer.unref()
  try {
    await enter('recover')
    await recover(run)
    await enter('invoice')
    await invoice(run)
    // A charge pass, then settle what is still unknown; invoices whose attempt turned out never
    // to have been sent get another pass (a few at most).
    for (let pass = 0; pass < 3; pass++) {
      await enter('charge')
      await charge(run) // ends in the settle phase
      if ((await settle(run)) === 0) break
    }
    clearInterval(timer)
    await saving
    const totals = await finishRun(deps.db, runId, 'completed', tally.take(), null)
    if (!totals) throw new Paused() // the lease went to another server meanwhile
    opts.onProgress?.('done', totals)
    return { runId, through, status: 'completed', error: null, ...totals }
  } catch (err) {
    clearInterval(timer)
    await saving
    if (err instanceof Paused) {
      // The charges in flight have been recorded (pool waits for them); attempts whose answer was
      // lost stay pending for the next server's recover phase.
      const d = tally.take()
      await (leaseLost ? saveProgress(deps.db, runId, null, d) : releaseRun(deps.db, runId, phase, d)).catch(() => {})
      return { runId, through, status: 'paused', error: null, ...(await runCounters(deps, runId)) }
    }
    const message = (err as Error).message ?? String(err)
    const totals = await finishRun(deps.db, runId, 'failed', tally.take(), message.slice(0, 1000)).catch(() => null)
    return { runId, through, status: 'failed', error: message, ...(totals ?? (await runCounters(deps, runId))) }
  }
}

async function runCounters(deps: ServiceDeps, runId: string): Promise<RunCounters> {
  return (await saveProgress(deps.db, runId, null, new Tally().take())).totals
}

/**
 * 1. recover: every attempt still `pending` (a crash, a timeout, an indeterminate answer) is
 * settled by inquiry before anything else is charged, except those a live server has in flight
 * (another server charging this run, or the office's charge now); then voids and refunds whose
 * answer was lost (office-actions.ts); then terms that ended today renew (or end), so a next
 * term's first period is billed on its first day.
 */
async function recover(r: Run): Promise<void> {
  await pool(streamPendingAttempts(r.deps.db, r.batchSize, r.stopping), r.limit, async (orderId) => {
    const res = await resolveAttempt(r.deps, orderId, r.ctx)
    if (res.kind !== 'unresolved') r.tally.c.recovered++
    if (res.kind === 'approved' || res.kind === 'declined') count(r.tally.c, res)
  })
  r.checkpoint()
  await resolvePendingReversals(r.deps, r.ctx.settleWindowMs)
  await renewAndEndTerms(r.deps)
}

/** 2. invoice: active agreements with a period due, streamed by id; each batch's invoices in one transaction (due-invoices.ts). */
async function invoice(r: Run): Promise<void> {
  for await (const batch of streamDueAgreements(r.deps.db, r.through, r.batchSize)) {
    r.checkpoint()
    r.tally.c.agreementsDue += batch.length
    const made = await createDueInvoices(r.deps.db, batch, r.through, r.runId)
    r.tally.c.invoicesCreated += made.created
    r.tally.c.billedCents += made.billedCents
  }
}

/**
 * 3. charge: this server's share (run-share.ts), while the other servers charge theirs; then,
 * once nothing is left to claim, the run leaves its charge phase (no claim after that) and
 * waits for the helpers to finish what they claimed. The gateway refusing our credentials stops
 * the claiming and fails the run.
 */
async function charge(r: Run): Promise<void> {
  // Scheduled retries are due by the company's date, whatever the time of the run.
  const today = await companyToday(r.deps)
  for (;;) {
    await chargeShare(r, today)
    r.checkpoint()
    const halted = r.halted()
    if (halted) {
      throw new Error(
        `The gateway refused our credentials or merchant account (${halted}); the run stopped after the charges already made. Check the CardPointe settings (CARDPOINTE_*), then run Bill all again: the failed invoices are retried.`,
      )
    }
    // Another server's claim still open (or undone by its crash: then ours to take).
    if (!(await workLeft(r.deps.db, { runId: r.runId, through: r.through, today }, r.unchargeable))) break
    await sleep(200)
  }
  await r.enter('settle')
  await helping.get(r.runId)?.catch(() => {})
  while (await helpersAlive(r.deps.db, r.runId)) {
    r.checkpoint()
    await sleep(200)
  }
}

/**
 * 4. settle: every pending attempt (this run's and any left by others) is inquired again until
 * none is left or the settle window has passed. Returns how many were freed (never sent: their
 * invoices may be charged again by another pass); `unresolved` counts what stays unknown.
 */
async function settle(r: Run): Promise<number> {
  const { deps, ctx } = r
  const c = r.tally.c
  const deadline = Date.now() + ctx.settleWindowMs + 5_000
  let freed = 0
  for (;;) {
    const pending = await deps.db.selectFrom('chargeAttempts').select(['id']).where('status', '=', 'pending').orderBy('id').limit(1000).execute()
    if (pending.length === 0) {
      await saveUnresolved(deps.db, r.runId, 0)
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
      await saveUnresolved(deps.db, r.runId, await countPending(deps.db))
      break
    }
    await sleep(Math.min(2_000, Math.max(200, ctx.settleWindowMs / 10)))
  }
  r.checkpoint()
  return freed
}

async function countPending(db: Db): Promise<number> {
  const r = await db.selectFrom('chargeAttempts').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Pending attempts, but not those a live server other than this one has claimed (in flight there). */
async function* streamPendingAttempts(db: Db, batchSize: number, stopping: () => boolean): AsyncGenerator<string[]> {
  let after = ''
  while (!stopping()) {
    const rows = await db
      .selectFrom('chargeAttempts')
      .select('id')
      .where('status', '=', 'pending')
      .where('id', '>', after)
      .where((eb) => eb.or([eb('claimedBy', 'is', null), eb('claimedBy', '=', INSTANCE_ID), eb(claimerGone('claimed_by'), '=', true)]))
      .orderBy('id')
      .limit(batchSize)
      .execute()
    if (rows.length === 0) return
    after = rows.at(-1)!.id
    yield rows.map((r) => r.id)
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
