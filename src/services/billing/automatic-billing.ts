import { sql } from 'kysely'
import { automaticRunDue } from '../../domain/automatic-billing.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { AppError } from '../../domain/errors.ts'
import { usd } from '../../domain/quote-text.ts'
import type { ServiceDeps } from '../deps.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { getSettings } from '../settings/company-settings.ts'
import { markDeadRuns } from './billing-runs.ts'
import { getBillingSettings } from './billing-settings.ts'
import { helpBillingRun, resumeBillingRun, startBillingRun, type RunSummary } from './run-billing.ts'
import { jobRound } from '../metrics/metrics.ts'

/**
 * The optional daily Bill all (Billing settings → "Bill all automatically"). A job in the server
 * looks every minute whether the run for today is due (domain/automatic-billing.ts); the run is
 * the same as the office's, started by nobody, for today, and the office gets a notification
 * with its summary. Scheduled retries and gateway-error retries are charged by these runs, so
 * with it on, failed payments are retried on their dates without anyone clicking. The same job
 * resumes any run whose server stopped or died, and helps charge the run another server holds
 * (run-share.ts), on every server, whatever the setting.
 */

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void }

/** Starts today's automatic run if it is due; null if not (off, too early, done, or another run is on). */
export async function startAutomaticRunIfDue(deps: ServiceDeps): Promise<{ runId: string; day: string; done: Promise<RunSummary> } | null> {
  const settings = await getBillingSettings(deps.db)
  if (!settings.autoBill) return null
  const { timeZone } = await getSettings(deps)
  // A day's automatic run cut short by a crash does not count: the day is billed again.
  await markDeadRuns(deps.db)
  const last = await deps.db
    .selectFrom('billingRuns')
    .select(sql<string | null>`max(automatic_for)::text`.as('day'))
    .where('status', '<>', 'interrupted')
    .executeTakeFirst()
  const day = automaticRunDue({ on: true, time: settings.autoBillTime, timeZone, now: deps.clock.now(), lastAutomaticFor: last?.day ?? null })
  if (!day) return null
  try {
    // Through the day, plus the days ahead when the company bills in advance (Billing settings).
    const run = await startBillingRun(deps, { through: addDays(day, settings.billAheadDays), actor: null, automaticFor: day })
    return { runId: run.runId, day, done: run.done }
  } catch (err) {
    // Someone's run is in progress (try again next minute), or another server started today's.
    if (err instanceof AppError && err.kind === 'conflict') return null
    throw err
  }
}

/** Tells the office how the automatic run went (the bell, and the Billing page's past runs). */
export async function notifyRunFinished(deps: ServiceDeps, day: string, s: RunSummary): Promise<void> {
  const failed = s.declined + s.errors
  await notifyOffice(deps.db, {
    kind: 'billing.automatic_run',
    title:
      s.status === 'completed'
        ? `Automatic billing for ${day}: ${s.approved} approved${failed ? `, ${failed} failed` : ''}, ${usd(s.collectedCents)} collected`
        : `Automatic billing for ${day} stopped: ${s.error ?? 'see the Billing page'}`,
    body: failed ? 'Failed payments are listed on the Billing page.' : '',
    link: '/billing',
  })
}

/**
 * The automatic run could not start or broke off with an error: the office is told once (a
 * second notification waits until the first is read, as the job looks again every minute).
 */
export async function notifyRunFailed(deps: ServiceDeps, message: string): Promise<void> {
  const title = `Automatic billing could not run: ${message}`
  const unread = await deps.db.selectFrom('notifications').select('id').where('kind', '=', 'billing.automatic_run_failed').where('title', '=', title).where('readAt', 'is', null).executeTakeFirst()
  if (unread) return
  await notifyOffice(deps.db, { kind: 'billing.automatic_run_failed', title, body: 'Nothing was charged by it. Check Billing settings, or run Bill all by hand; the job tries again every minute.', link: '/billing' })
}

/**
 * Resumes a run whose server is gone or was stopped (billing-runs.ts: the lease), waits for it
 * and tells the office when it was an automatic one. False when no run was waiting.
 */
export async function resumeAbandonedRun(deps: ServiceDeps, log?: Log): Promise<boolean> {
  const run = await resumeBillingRun(deps)
  if (!run) return false
  log?.info({ runId: run.runId, through: run.through }, 'billing run resumed (its server stopped)')
  const summary = await run.done
  log?.info({ runId: run.runId, status: summary.status, approved: summary.approved, declined: summary.declined, errors: summary.errors }, 'billing run finished')
  if (run.automaticFor && summary.status !== 'paused') await notifyRunFinished(deps, run.automaticFor, summary)
  return true
}

export interface AutomaticBillingJob {
  /** One look now (tests; the job also looks every `intervalMs`). Resolves when any run it started has ended. */
  tick(): Promise<void>
  stop(): void
}

export function startAutomaticBilling(deps: ServiceDeps, opts: { intervalMs?: number; helpIntervalMs?: number; log?: Log } = {}): AutomaticBillingJob {
  let running: Promise<void> | null = null
  const tick = (): Promise<void> => {
    // One look at a time; a run in progress is awaited, not started again.
    running ??= (async () => {
      // A run left by a server that stopped or died comes first: it finishes here.
      if (await resumeAbandonedRun(deps, opts.log)) return jobRound('billing')
      const run = await startAutomaticRunIfDue(deps)
      jobRound('billing')
      if (!run) return
      opts.log?.info({ runId: run.runId, day: run.day }, 'automatic billing run started')
      const summary = await run.done
      opts.log?.info({ runId: run.runId, status: summary.status, approved: summary.approved, declined: summary.declined, errors: summary.errors }, 'automatic billing run finished')
      if (summary.status !== 'paused') await notifyRunFinished(deps, run.day, summary)
    })()
      .catch(async (err: Error) => {
        jobRound('billing', false)
        opts.log?.error({ error: err.message }, 'automatic billing failed')
        await notifyRunFailed(deps, err.message).catch(() => undefined)
      })
      .finally(() => (running = null))
    return running
  }
  // Every 10 s: a run whose server died is resumed within seconds; the daily run is due by the minute.
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 10_000)
  timer.unref()
  // Every second: a run another server holds is charging; this server takes its share.
  let helping: Promise<void> | null = null
  const help = () => {
    helping ??= helpBillingRun(deps)
      .then(async (h) => {
        if (!h) return
        opts.log?.info({ runId: h.runId }, 'helping the billing run of another server')
        await h.done
      })
      .catch((err: Error) => opts.log?.error({ error: err.message }, 'helping a billing run failed'))
      .finally(() => (helping = null))
  }
  const helpTimer = setInterval(help, opts.helpIntervalMs ?? 1_000)
  helpTimer.unref()
  return {
    tick,
    stop: () => {
      clearInterval(timer)
      clearInterval(helpTimer)
    },
  }
}
