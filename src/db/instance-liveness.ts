import { randomBytes } from 'node:crypto'
import { sql, type RawBuilder } from 'kysely'
import pg from 'pg'
import type { Db } from './schema.ts'

/**
 * Which server instances are alive, for leases kept in the database (the billing run's).
 *
 * Every process that opens a PostgreSQL database holds a session advisory lock named after its
 * instance id on a connection of its own, for as long as it runs. PostgreSQL drops the lock the
 * moment that connection ends, and a killed process's connection ends with it (the kernel closes
 * the socket), so another server knows within a query that a lease holder is gone, on any host.
 * A pid would only say that on the same host (and two containers can share one). A host that
 * vanishes from the network keeps its connection open until TCP gives up; the lease's heartbeat
 * covers that case (billing-runs.ts). PGlite is one process by construction (the data-folder
 * lock): any other instance is gone, and the same query says so (nobody holds its lock).
 */
export const INSTANCE_ID = `srv_${randomBytes(10).toString('hex')}`

/** Advisory-lock namespace (the first key): "SB" + 1, kept apart from other advisory locks. */
const NAMESPACE = 0x5342_0001

interface Holder {
  client: pg.Client
  users: number
}
// One liveness connection per database URL in this process (tests open several handles).
const holders = new Map<string, Promise<Holder>>()

/** Takes this instance's liveness lock on the database at `url`; the returned function lets go. */
export async function holdLivenessLock(url: string): Promise<() => Promise<void>> {
  let entry = holders.get(url)
  if (!entry) {
    entry = (async () => {
      const client = new pg.Client({ connectionString: url, keepAlive: true })
      // A dropped connection (database restart) frees the lock; leases are then judged by their
      // heartbeat alone, and this process stops holding runs it cannot heartbeat anyway.
      client.on('error', () => {})
      await client.connect()
      await client.query('select pg_advisory_lock($1, hashtext($2))', [NAMESPACE, INSTANCE_ID])
      return { client, users: 0 }
    })()
    holders.set(url, entry)
    entry.catch(() => holders.delete(url))
  }
  const holder = await entry
  holder.users++
  let released = false
  return async () => {
    if (released) return
    released = true
    if (--holder.users > 0) return
    holders.delete(url)
    await holder.client.end().catch(() => {})
  }
}

/**
 * SQL: true when the claim in `column` belongs to another instance that is gone (its lock is free;
 * taken for the statement's transaction only). Claims then need not wait out their lease.
 */
export const claimerGone = (column: string): RawBuilder<boolean> =>
  sql<boolean>`(${sql.ref(column)} is not null and ${sql.ref(column)} <> ${INSTANCE_ID} and pg_try_advisory_xact_lock(${NAMESPACE}, hashtext(${sql.ref(column)})))`

/** Whether the instance `owner` still runs: this one, or one whose liveness lock is held. */
export async function isInstanceAlive(db: Db, owner: string | null): Promise<boolean> {
  if (owner === null) return false
  if (owner === INSTANCE_ID) return true
  // Taking the lock for a moment (released at commit) succeeds only when nobody holds it.
  const free = await db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ free: boolean }>`select pg_try_advisory_xact_lock(${NAMESPACE}, hashtext(${owner})) as free`.execute(tx)
    return rows[0]!.free
  })
  return !free
}
