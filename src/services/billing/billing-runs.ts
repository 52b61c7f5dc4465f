import type { RunCounters } from '../../contracts/billing.ts'
import { hostname } from 'node:os'
import { sql, type RawBuilder } from 'kysely'
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
}

/** Takes over a running run whose lease is free (its server is gone or stopped); null when none is. */
export async function takeOverRun(db: Db): Promise<ResumableRun | null> {
  for (const r of await freeLeases(db)) {
    const row = await db
      .updateTable('billingRuns')
      .set({ owner: INSTANCE_ID, host: HOST, pid: process.pid, heartbeatAt: sql`now()`, helpers: sql`array_remove(helpers, ${INSTANCE_ID})` })
      .where('id', '=', r.id)
      .where('status', '=', 'running')
      .where(sql<boolean>`owner is not distinct from ${r.owner}`)
      .returning(['id', 'throughDate', 'automaticFor', 'phase'])
      .executeTakeFirst()
    if (row) return row
    // else another server was quicker
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

/**
 * The counts a server adds to a run (run-share.ts: every server charging a run has one): what
 * it did since it last wrote them. `take` hands them over and starts again from zero; `add` puts
 * back what could not be written. `unresolved` is not a count: the lease holder sets it (settle).
 */
export class Tally {
  readonly c = zeroCounters()
  take(): RunCounters {
    const t = { ...this.c }
    for (const k of COUNTS) this.c[k] = 0
    return t
  }
  add(d: RunCounters): void {
    for (const k of COUNTS) this.c[k] += d[k]
  }
}
const COUNTS = (Object.keys(zeroCounters()) as (keyof RunCounters)[]).filter((k) => k !== 'unresolved')

/** `counter = counter + delta` for every count (any server's counts add up on the run's row, whoever writes first). */
const plus = (d: RunCounters) => Object.fromEntries(COUNTS.map((k) => [k, sql`${sql.ref(k)} + ${d[k]}`])) as Record<keyof RunCounters, RawBuilder<number>>

const counters = (row: Record<keyof RunCounters, number | string>): RunCounters => {
  const c = zeroCounters()
  for (const k of Object.keys(c) as (keyof RunCounters)[]) c[k] = Number(row[k])
  return c
}

/**
 * Adds this server's counts since its last call to the run's (any server charging the run), and,
 * from the lease holder, the phase and the heartbeat. Returns the run's counters as they now stand
 * (every server's) and whether this instance still holds the lease.
 */
export async function saveProgress(db: Db, runId: string, phase: string | null, d: RunCounters): Promise<{ held: boolean; totals: RunCounters }> {
  const held = sql<boolean>`owner = ${INSTANCE_ID} and status = 'running'`
  const row = await db
    .updateTable('billingRuns')
    .set({
      ...plus(d),
      ...(phase === null ? {} : { phase: sql`case when ${held} then ${phase} else phase end`, heartbeatAt: sql`case when ${held} then now() else heartbeat_at end` }),
    })
    .where('id', '=', runId)
    .returning([...(Object.keys(zeroCounters()) as (keyof RunCounters)[]), sql<boolean>`coalesce(${held}, false)`.as('held')])
    .executeTakeFirst()
  return { held: row?.held ?? false, totals: row ? counters(row) : zeroCounters() }
}

/** Lets go of the lease with this server's last counts (graceful shutdown): any server resumes the run. */
export async function releaseRun(db: Db, runId: string, phase: string, d: RunCounters): Promise<void> {
  await db.updateTable('billingRuns').set({ ...plus(d), phase, owner: null, heartbeatAt: sql`now()` }).where('id', '=', runId).where('owner', '=', INSTANCE_ID).where('status', '=', 'running').execute()
}

/** Records how the run ended, once (the lease holder, while it runs), with this server's last counts (`unresolved` stays as settle left it); returns the run's counters. */
export async function finishRun(db: Db, runId: string, status: 'completed' | 'failed', d: RunCounters, error: string | null): Promise<RunCounters | null> {
  const row = await db
    .updateTable('billingRuns')
    .set({ ...plus(d), status, phase: 'done', error, finishedAt: new Date(), heartbeatAt: sql`now()`, helpers: sql`'{}'` })
    .where('id', '=', runId)
    .where('owner', '=', INSTANCE_ID)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst()
  return row ? counters(row) : null
}

/** Sets what is still unknown at the end of a settle phase (the lease holder). */
export async function saveUnresolved(db: Db, runId: string, unresolved: number): Promise<void> {
  await db.updateTable('billingRuns').set({ unresolved }).where('id', '=', runId).execute()
}

// Helpers: the other servers charging a run's invoices (run-share.ts) ───────────────────────

/** Joins a run another server holds while it is charging; null when none is. */
export async function joinRun(db: Db): Promise<{ id: string; throughDate: string } | null> {
  const row = await db
    .updateTable('billingRuns')
    .set({ helpers: sql`array_append(array_remove(helpers, ${INSTANCE_ID}), ${INSTANCE_ID})` })
    .where('status', '=', 'running')
    .where('phase', '=', 'charge')
    .where(sql<boolean>`owner is distinct from ${INSTANCE_ID}`)
    .returning(['id', 'throughDate'])
    .executeTakeFirst()
  return row ?? null
}

/** Leaves the run's helpers, adding this server's last counts. */
export async function leaveRun(db: Db, runId: string, d: RunCounters): Promise<void> {
  await db.updateTable('billingRuns').set({ ...plus(d), helpers: sql`array_remove(helpers, ${INSTANCE_ID})` }).where('id', '=', runId).execute()
}

/** Whether another server is still charging the run's invoices (a helper alive: its liveness lock is held). */
export async function helpersAlive(db: Db, runId: string): Promise<boolean> {
  const row = await db.selectFrom('billingRuns').select('helpers').where('id', '=', runId).executeTakeFirst()
  for (const h of row?.helpers ?? []) if (h !== INSTANCE_ID && (await isInstanceAlive(db, h))) return true
  return false
}

/** Moves the run to `phase` now (the lease holder): while a helper's claim holds the run row (run-share.ts) this waits for it. */
export async function setPhase(db: Db, runId: string, phase: string): Promise<void> {
  await db.updateTable('billingRuns').set({ phase, heartbeatAt: sql`now()` }).where('id', '=', runId).where('owner', '=', INSTANCE_ID).where('status', '=', 'running').execute()
}
