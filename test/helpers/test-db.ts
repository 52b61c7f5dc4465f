import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { migrations } from '../../src/db/migrations/index.ts'

/** Which database the data-touching tests run on: `TEST_DB=pglite` (default) or `TEST_DB=postgres`. */
export const testBackend: 'pglite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite'

const migrationsKey = createHash('sha256')
  .update(Object.keys(migrations).join('|'))
  .update(readMigrationSources())
  .digest('hex')
  .slice(0, 12)

function readMigrationSources(): string {
  const dir = new URL('../../src/db/migrations/', import.meta.url)
  return Object.keys(migrations)
    .map((name) => readFileSync(new URL(`${name}.ts`, dir), 'utf8'))
    .join('\n')
}

/**
 * A fresh, fully migrated, empty database for one test file.
 * PGlite: a new in-memory instance loaded from a migrated snapshot (fast).
 * PostgreSQL: a new database cloned from a migrated template on the server in TEST_DATABASE_URL.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  return testBackend === 'postgres' ? createPostgresDatabase() : createPgliteDatabase()
}

async function createPgliteDatabase(): Promise<DatabaseHandle> {
  const dir = join(tmpdir(), 'servicebook-test')
  mkdirSync(dir, { recursive: true })
  const snapshot = join(dir, `pglite-${migrationsKey}.tar.gz`)
  if (!existsSync(snapshot)) {
    const fresh = await openDatabase({ kind: 'pglite' })
    await migrateToLatest(fresh.db)
    const dump = await fresh.dumpDataDir!()
    await fresh.close()
    const tmp = `${snapshot}.${process.pid}`
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
    renameSync(tmp, snapshot)
  }
  return openDatabase({ kind: 'pglite', loadDataDir: new Blob([readFileSync(snapshot)]) })
}

async function createPostgresDatabase(): Promise<DatabaseHandle> {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (npm test starts a server and sets it)')
  const template = `sb_template_${migrationsKey}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query('select pg_advisory_lock(4242)')
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template])
    if (exists.rowCount === 0) {
      await admin.query(`create database ${template}`)
      const t = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, template), poolSize: 2 })
      await migrateToLatest(t.db)
      await t.close()
    }
    await admin.query('select pg_advisory_unlock(4242)')
    const name = `sb_test_${randomBytes(6).toString('hex')}`
    await admin.query(`create database ${name} template ${template}`)
    const handle = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, name), poolSize: 5 })
    const close = handle.close
    handle.close = async () => {
      await close()
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      // NOTE: pool.end() resolves before the server has seen every backend go; a forced drop of a
      // backend still closing makes its pg client emit "terminating connection due to
      // administrator command" as an uncaught error. Wait (briefly) for them to leave first.
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
        if (rows[0].n === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    }
    return handle
  } finally {
    await admin.end()
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/**
 * For tests that run Servicebook in another process: on `TEST_DB=postgres` an empty database on
 * the test server (its URL goes in the child's DATABASE_URL), otherwise null (use a PGlite folder).
 */
export async function createPostgresDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (testBackend !== 'postgres') return null
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (npm test starts a server and sets it)')
  const name = `sb_proc_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}
