import type { RunCounters } from '../../contracts/billing.ts'
import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { INSTANCE_ID, isInstanceAlive } from '../../db/instance-liveness.ts'
import { conflict } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import type { ActorId } from '../deps.ts'

/**
 * The billing-run lease: at most one run is `running` (a unique partial index), held by one
 * server instance (`owner`), which writes a heartbeat every second. The lease is free when its
 * holder is gone (its liveness lock dropped: src/db/instance-liveness.ts), when the heartbeat
 * stopped a minute ago (a host cut off from the network), or when the holder released it on a
 * graceful shutdown (owner null). A free lease is taken over by another server, which resumes
 * the same run (`takeOverRun`); a new Bill all instead marks it `interrupted` and starts its own
 * run, which does the same work. The money guarantees do not depend on this lease (they hold
 * per invoice); it keeps one run at a time, its progress readable from every server, and the
 * run finished whoever started it.
 */
export const STALE_HEARTBEAT_SECONDS = 60
const HOST = hostname()

interface RunLease {
  id: string
  owner: string | null
  stale: boolean
}

async function freeLeases(db: Db): Promise<RunLease[]> {
  const running = await db
    .selectFrom('billingRuns')
    .select(['id', 'owner', sql<boolean>`heartbeat_at < now() - make_interval(secs => ${STALE_HEARTBEAT_SECONDS})`.as('stale')])
    .where('status', '=', 'running')
    .execute()
  const free: RunLease[] = []
  for (const r of running) if (r.stale || !(await isInstanceAlive(db, r.owner))) free.push(r)
  return free
}

/** Marks runs whose lease is free `interrupted` (a new run does their work); returns how many. */
export async function markDeadRuns(db: Db): Promise<number> {
  let marked = 0
  for (const r of await freeLeases(db)) {
    const res = await db
      .updateTable('billingRuns')
      .set({ status: 'interrupted', finishedAt: new Date(), error: r.owner === null ? 'Stopped with its server; replaced by a new run' : 'The billing process stopped (crash or kill)' })
      .where('id', '=', r.id)
      .where('status', '=', 'running')
      .where(sql<boolean>`owner is not distinct from ${r.owner}`)
      .executeTakeFirst()
    marked += Number(res.numUpdatedRows)
  }
  return marked
}

export interface ResumableRun {
  id: string
  throughDate: string
  automaticFor: string | null
  phase: string
  counters: RunCounters
}

/** Takes over a running run whose lease is free (its server is gone or stopped); null when none is. */
export async function takeOverRun(db: Db): Promise<ResumableRun | null> {
  for (const r of await freeLeases(db)) {
    const row = await db
      .updateTable('billingRuns')
      .set({ owner: INSTANCE_ID, host: HOST, pid: process.pid, heartbeatAt: sql`now()` })
      .where('id', '=', r.id)
      .where('status', '=', 'running')
      .where(sql<boolean>`owner is not distinct from ${r.owner}`)
      .returningAll()
      .executeTakeFirst()
    if (!row) continue // another server was quicker
    const counters = zeroCounters()
    for (const k of Object.keys(counters) as (keyof RunCounters)[]) counters[k] = Number(row[k])
    return { id: row.id, throughDate: row.throughDate, automaticFor: row.automaticFor, phase: row.phase, counters }
  }
  return null
}

/** Creates the `running` run row, or a 409 naming the run already in progress. */
export async function acquireRun(db: Db, through: string, actor: ActorId, automaticFor: string | null = null): Promise<string> {
  await markDeadRuns(db)
  const id = newId('run')
  try {
    await db.insertInto('billingRuns').values({ id, throughDate: through, status: 'running', startedBy: actor, automaticFor, host: HOST, pid: process.pid, owner: INSTANCE_ID }).execute()
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

/** Writes progress and the heartbeat; false when this instance no longer holds the run's lease. */
export async function saveProgress(db: Db, runId: string, phase: string, c: RunCounters): Promise<boolean> {
  const r = await db.updateTable('billingRuns').set({ ...c, phase, heartbeatAt: sql`now()` }).where('id', '=', runId).where('owner', '=', INSTANCE_ID).where('status', '=', 'running').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Lets go of the lease with the progress so far (graceful shutdown): any server resumes the run. */
export async function releaseRun(db: Db, runId: string, phase: string, c: RunCounters): Promise<void> {
  await db.updateTable('billingRuns').set({ ...c, phase, owner: null, heartbeatAt: sql`now()` }).where('id', '=', runId).where('owner', '=', INSTANCE_ID).where('status', '=', 'running').execute()
}

export async function finishRun(db: Db, runId: string, status: 'completed' | 'failed', c: RunCounters, error: string | null): Promise<void> {
  await db
    .updateTable('billingRuns')
    .set({ ...c, status, phase: 'done', error, finishedAt: new Date(), heartbeatAt: sql`now()` })
    .where('id', '=', runId)
    .where('owner', '=', INSTANCE_ID)
    .execute()
}
