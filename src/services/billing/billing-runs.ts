import type { RunCounters } from '../../contracts/billing.ts'
import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { isProcessRunning } from '../../db/process-liveness.ts'
import { conflict } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import type { ActorId } from '../deps.ts'

/**
 * The billing-run lease: at most one run is `running` (a unique partial index). A run whose
 * process is gone (same host, pid dead or a zombie — e.g. after SIGKILL) or whose heartbeat stopped a
 * minute ago (another host) is marked `interrupted` before a new one starts. The money
 * guarantees do not depend on this lease (they hold per invoice); it keeps progress readable
 * and stops two office clicks from starting two runs.
 */
export const STALE_HEARTBEAT_SECONDS = 60
const HOST = hostname()

export async function markDeadRuns(db: Db): Promise<number> {
  const running = await db.selectFrom('billingRuns').select(['id', 'host', 'pid']).where('status', '=', 'running').execute()
  let marked = 0
  for (const r of running) {
    const deadHere = r.host === HOST && r.pid !== process.pid && !isProcessRunning(r.pid)
    const res = await db
      .updateTable('billingRuns')
      .set({ status: 'interrupted', finishedAt: new Date(), error: deadHere ? 'The billing process stopped (crash or kill)' : 'No heartbeat' })
      .where('id', '=', r.id)
      .where('status', '=', 'running')
      .where((eb) => (deadHere ? eb.val(true) : eb(sql`heartbeat_at`, '<', sql`now() - make_interval(secs => ${STALE_HEARTBEAT_SECONDS})`)))
      .executeTakeFirst()
    marked += Number(res.numUpdatedRows)
  }
  return marked
}

/** Creates the `running` run row, or a 409 naming the run already in progress. */
export async function acquireRun(db: Db, through: string, actor: ActorId, automaticFor: string | null = null): Promise<string> {
  await markDeadRuns(db)
  const id = newId('run')
  try {
    await db.insertInto('billingRuns').values({ id, throughDate: through, status: 'running', startedBy: actor, automaticFor, host: HOST, pid: process.pid }).execute()
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err
    if (automaticFor !== null) {
      const done = await db.selectFrom('billingRuns').select('id').where('automaticFor', '=', automaticFor).where('status', '<>', 'interrupted').executeTakeFirst()
      if (done) throw conflict('automatic_run_exists', `The automatic run for ${automaticFor} has already been started (${done.id})`)
    }
    const other = await db.selectFrom('billingRuns').select(['id']).where('status', '=', 'running').executeTakeFirst()
    throw conflict('billing_run_in_progress', `A billing run is already in progress${other ? ` (${other.id})` : ''}; wait for it to finish`)
  }
  return id
}

export type { RunCounters }

export const zeroCounters = (): RunCounters => ({
  agreementsDue: 0, invoicesCreated: 0, invoicesToCharge: 0, charged: 0, approved: 0, declined: 0, errors: 0, unresolved: 0, recovered: 0, billedCents: 0, collectedCents: 0,
})

/** Writes progress and the heartbeat. */
export async function saveProgress(db: Db, runId: string, phase: string, c: RunCounters): Promise<void> {
  await db.updateTable('billingRuns').set({ ...c, phase, heartbeatAt: sql`now()` }).where('id', '=', runId).execute()
}

export async function finishRun(db: Db, runId: string, status: 'completed' | 'failed', c: RunCounters, error: string | null): Promise<void> {
  await db
    .updateTable('billingRuns')
    .set({ ...c, status, phase: 'done', error, finishedAt: new Date(), heartbeatAt: sql`now()` })
    .where('id', '=', runId)
    .execute()
}
