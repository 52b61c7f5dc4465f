import { sql } from 'kysely'
import type { ChangesDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import { technicianRepository } from '../technicians/technician-repository.ts'
import { visitSummaries } from './visit-repository.ts'

/**
 * The board's changes feed. Triggers on `work_orders` and `technicians` (migration 0010) write
 * one row per change with the writing transaction's id, whatever code made it (billing's
 * suspension included). A cursor is a transaction id, the horizon when it was handed out: the
 * oldest transaction of this database still running then (or, with none, the next id to be
 * given). Every transaction of ours below it had finished, so its changes were visible; every
 * later one lands at or above it. Reading [cursor, horizon now) therefore misses nothing,
 * however late a transaction commits; a change may come twice, never not at all.
 * Transactions of other databases on the same server are left out of the horizon when
 * pg_stat_activity says whose they are; an unknown one counts as ours (later, never lost).
 * NOTE: a transaction of this database left open (idle in transaction) holds the horizon back:
 * changes then wait for it; none is lost.
 */

const MAX_CHANGED = 2000
/** Changes older than this are pruned by the daily job; a client that slept longer reloads. */
export const KEEP_CHANGES_MS = 2 * 86_400_000

const HORIZON = sql<string>`coalesce(
  (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x
    where (x::text::numeric % 4294967296) not in (
      select backend_xid::text::numeric from pg_stat_activity where backend_xid is not null and datname is distinct from current_database())),
  pg_snapshot_xmax(pg_current_snapshot()))::text`

/** The cursor for "everything from now on"; take it before reading what it should follow. */
export async function currentCursor(db: Db): Promise<string> {
  const r = await sql<{ horizon: string }>`select ${HORIZON} as horizon`.execute(db)
  return r.rows[0]!.horizon
}

/** What changed since `cursor`: the visits and technicians in their current state, and the next cursor. */
export async function changesSince(db: Db, cursor: string): Promise<ChangesDto> {
  const { rows } = await sql<{ horizon: string; xmax: string; pruned: string }>`
    select ${HORIZON} as horizon, pg_snapshot_xmax(pg_current_snapshot())::text as xmax, changes_pruned_below::text as pruned
    from scheduling_settings where id = 1`.execute(db)
  const { horizon, xmax, pruned } = rows[0]!
  const c = BigInt(cursor)
  // Older than what is kept, or an id not yet given: the client must reload.
  if (c < BigInt(pruned) || c > BigInt(xmax)) return { cursor: horizon, resync: true, visits: [], technicians: [] }
  // The horizon can seem to step back when another database's transaction goes unrecognised; wait then.
  if (c >= BigInt(horizon)) return { cursor, resync: false, visits: [], technicians: [] }
  const changed = await db
    .selectFrom('scheduleChanges')
    .select(['entity', 'entityId'])
    .distinct()
    .where(sql<boolean>`txid >= ${cursor}::xid8 and txid < ${horizon}::xid8`)
    .limit(MAX_CHANGED + 1)
    .execute()
  if (changed.length > MAX_CHANGED) return { cursor: horizon, resync: true, visits: [], technicians: [] }
  const ids = (entity: 'visit' | 'technician') => changed.filter((r) => r.entity === entity).map((r) => r.entityId)
  const [visits, technicians] = await Promise.all([visitSummaries(db, ids('visit')), technicianRepository.list(db, { ids: ids('technician') })])
  return { cursor: horizon, resync: false, visits, technicians }
}

/** Deletes changes older than KEEP_CHANGES_MS and remembers the oldest transaction kept. */
export async function pruneChanges(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - KEEP_CHANGES_MS)
  const { rows } = await sql<{ n: number }>`
    with gone as (delete from schedule_changes where changed_at < ${cutoff} returning txid::text::numeric as t),
    bump as (
      update scheduling_settings set changes_pruned_below = greatest(changes_pruned_below, ((select max(t) from gone) + 1)::text::xid8)
      where id = 1 and exists (select 1 from gone))
    select count(*)::int as n from gone`.execute(db)
  return rows[0]!.n
}
