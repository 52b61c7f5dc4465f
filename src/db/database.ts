import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database, Db } from './schema.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { holdLivenessLock } from './instance-liveness.ts'

export type { Db } from './schema.ts'

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob; sharedBuffersMb?: number }

export interface DatabaseHandle {
  db: Db
  backend: 'postgres' | 'pglite'
  /** Checks the database answers; used by /health. */
  ping(): Promise<void>
  close(): Promise<void>
  /** PGlite only: a gzip tarball of the data folder (used to snapshot migrated test databases). */
  dumpDataDir?: () => Promise<Blob>
}

// NOTE: int8 (bigint) columns hold cents; node-postgres returns them as strings and PGlite as
// numbers unless told. Both parse to JS numbers here (cents stay far below 2^53), and `date`
// stays a 'YYYY-MM-DD' string so no calendar date ever goes through a local-time Date.
const INT8 = 20
const DATE = 1082
const parseInt8 = (v: string) => {
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value out of range: ${v}`)
  return n
}
pg.types.setTypeParser(INT8, parseInt8)
pg.types.setTypeParser(DATE, (v: string) => v)

/**
 * NOTE: PostgreSQL caches the plan of each foreign-key check per connection and, after five
 * runs, may keep a generic plan made while the referenced table was nearly empty: a sequential
 * scan. A first billing run then checks `payments.attempt_id` by scanning a `charge_attempts`
 * table that grows with every charge (measured: 1.7 ms per check at 20,000 attempts and
 * climbing; bill-all fell from 1,200/s to 400/s within one run). Custom plans, made per
 * execution with the table's current size, cost a few microseconds each. Our own queries
 * are not prepared, so this only changes foreign-key checks and similar internal plans.
 */
const PLAN_CACHE = 'set plan_cache_mode = force_custom_plan'

/** Opens PostgreSQL (when a URL is given) or embedded PGlite (a data folder, or memory when none). */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 })
    pool.on('connect', (client) => void client.query(PLAN_CACHE).catch(() => {}))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] })
    // Held while this handle is open: other servers read from it that this one is alive.
    const release = await holdLivenessLock(options.url).catch(async (err: unknown) => {
      await db.destroy()
      throw err
    })
    return wrap(db, 'postgres', release)
  }
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {}
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
    const pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { pg_trgm },
      // PostgreSQL's page cache, inside this process: 128 MB (PostgreSQL's default) keeps large
      // searches fastest; 32 MB saves about 100 MB of memory (measured in README → Benchmarks).
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffersMb ?? 128}MB`],
      parsers: { [INT8]: parseInt8, [DATE]: (v: string) => v },
    })
    await pglite.exec(PLAN_CACHE)
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), plugins: [new CamelCasePlugin()] })
    const handle = wrap(db, 'pglite', async () => unlock())
    handle.dumpDataDir = async () => (await pglite.dumpDataDir('gzip')) as Blob
    return handle
  } catch (err) {
    unlock()
    throw err
  }
}

function wrap(db: Db, backend: 'postgres' | 'pglite', afterClose: () => Promise<void>): DatabaseHandle {
  let closed = false
  return {
    db,
    backend,
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      if (closed) return
      closed = true
      await db.destroy()
      await afterClose()
    },
  }
}
