import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { readEnv } from './config/env.ts'
import { openDatabase, type DatabaseHandle } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { readBackupFile, writeBackupFile } from './db/transfer/backup-file.ts'
import { loadSnapshot, TransferRefused, type LoadOptions, type TableReport } from './db/transfer/load-snapshot.ts'
import { readSnapshot, type Manifest } from './db/transfer/read-snapshot.ts'
import { backupThroughServer } from './services/backup/server-backup.ts'

/**
 * The database commands of the command line:
 *   migrate-to-postgres --to postgres://…   copy the embedded database (DATA_DIR) into an empty PostgreSQL database
 *   backup --out FILE                       a consistent backup of the database in use, while the server runs
 *   restore --from FILE                     load a backup into an empty database (DATABASE_URL, else DATA_DIR)
 * Each copy is verified: row counts and a checksum per table, computed the same way on both sides.
 */
export const DATABASE_USAGE = [
  'npm run servicebook -- migrate-to-postgres --to postgres://user:pass@host:5432/db',
  'npm run servicebook -- backup --out FILE',
  'npm run servicebook -- restore --from FILE',
]

const say = (line: string) => process.stderr.write(`${line}\n`)

/** Runs a database command; undefined when `argv` is not one. */
export async function databaseCommand(argv: string[]): Promise<number | undefined> {
  const run = { 'migrate-to-postgres': migrateToPostgres, backup, restore }[argv[0] ?? '']
  if (!run) return undefined
  try {
    return await run(argv)
  } catch (err) {
    say(err instanceof TransferRefused ? err.message : `${argv[0]} failed: ${(err as Error).message}`)
    return 1
  }
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}

/** A URL as it may be printed: without its password. */
export const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')

async function migrateToPostgres(argv: string[]): Promise<number> {
  const to = option(argv, '--to')
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    say(`usage: ${DATABASE_USAGE[0]}\n--to must be a postgres:// URL of an empty database.`)
    return 2
  }
  const env = readEnv()
  const dataDir = resolve(env.DATA_DIR)
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new TransferRefused(`There is no embedded database in DATA_DIR (${dataDir}): nothing to move.`)
  const source = await openEmbedded(dataDir, env.PGLITE_SHARED_BUFFERS_MB, 'Stop the server first: the move copies everything, so nothing may be written meanwhile (a backup can be taken while it runs).')
  try {
    await migrateToLatest(source.db)
    const target = await openPostgres(to)
    try {
      say(`Copying the embedded database in ${dataDir} to ${redactUrl(to)} (one snapshot, one transaction)…`)
      const started = Date.now()
      const report = await loadSnapshot(target.db, async (sink) => void (await readSnapshot(source.db, 'pglite', sink)), progress())
      printReport(report, started)
      process.stdout.write(`Done. Start Servicebook on it with DATABASE_URL=${redactUrl(to)} (the embedded database in ${dataDir} is left as it was).\n`)
      return 0
    } finally {
      await target.close()
    }
  } finally {
    await source.close()
  }
}

async function backup(argv: string[]): Promise<number> {
  const out = option(argv, '--out')
  if (!out) {
    say(`usage: ${DATABASE_USAGE[1]}`)
    return 2
  }
  const env = readEnv()
  const path = resolve(out)
  const started = Date.now()
  let manifest: Manifest
  if (env.DATABASE_URL) {
    const db = await openPostgres(env.DATABASE_URL)
    try {
      manifest = await writeBackupFile(path, (sink) => readSnapshot(db.db, 'postgres', sink))
    } finally {
      await db.close()
    }
  } else {
    const dataDir = resolve(env.DATA_DIR)
    if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new TransferRefused(`There is no embedded database in DATA_DIR (${dataDir}): nothing to back up.`)
    const db = await openDatabase({ kind: 'pglite', dataDir, sharedBuffersMb: env.PGLITE_SHARED_BUFFERS_MB }).catch((err: Error) => {
      if (/in use by another Servicebook process/.test(err.message)) return null
      throw err
    })
    if (db) {
      try {
        await migrateToLatest(db.db)
        manifest = await writeBackupFile(path, (sink) => readSnapshot(db.db, 'pglite', sink))
      } finally {
        await db.close()
      }
    } else {
      // The running server holds the folder (PGlite is one process): it writes the backup for us.
      say(`The server holds ${dataDir}; taking the backup through it…`)
      manifest = await backupThroughServer(dataDir, path)
    }
  }
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0)
  process.stdout.write(`backup file=${path} source=${manifest.source} tables=${manifest.tables.length} rows=${rows} seconds=${((Date.now() - started) / 1000).toFixed(1)}\n`)
  return 0
}

async function restore(argv: string[]): Promise<number> {
  const from = option(argv, '--from')
  if (!from) {
    say(`usage: ${DATABASE_USAGE[2]}`)
    return 2
  }
  const path = resolve(from)
  if (!existsSync(path)) throw new TransferRefused(`No such file: ${path}`)
  const env = readEnv()
  const target = env.DATABASE_URL
    ? await openPostgres(env.DATABASE_URL)
    : await openEmbedded(resolve(env.DATA_DIR), env.PGLITE_SHARED_BUFFERS_MB, 'Stop the server, or restore into another DATA_DIR.')
  try {
    say(`Restoring ${path} into ${env.DATABASE_URL ? redactUrl(env.DATABASE_URL) : resolve(env.DATA_DIR)}…`)
    const started = Date.now()
    const report = await loadSnapshot(target.db, async (sink) => void (await readBackupFile(path, sink)), progress())
    printReport(report, started)
    return 0
  } finally {
    await target.close()
  }
}

async function openEmbedded(dataDir: string, sharedBuffersMb: number, whenInUse: string): Promise<DatabaseHandle> {
  try {
    return await openDatabase({ kind: 'pglite', dataDir, sharedBuffersMb })
  } catch (err) {
    const msg = (err as Error).message
    throw new TransferRefused(/in use by another Servicebook process/.test(msg) ? `${msg}\n${whenInUse}` : `Could not open the embedded database: ${msg}`)
  }
}

async function openPostgres(url: string): Promise<DatabaseHandle> {
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 1 })
  try {
    await db.ping()
    return db
  } catch (err) {
    await db.close()
    throw new TransferRefused(`Could not connect to ${redactUrl(url)}: ${(err as Error).message}`)
  }
}

/** Progress on stderr: each table as it starts and ends, and every 50,000 rows of a large one. */
function progress(): LoadOptions {
  return {
    onProgress: ({ table, loaded, total }) => {
      if (loaded === total || loaded % 50_000 < 2000) say(`  ${table.padEnd(28)} ${loaded.toLocaleString('en-US').padStart(11)} / ${total.toLocaleString('en-US')}`)
    },
  }
}

function printReport(report: TableReport[], started: number): void {
  const rows = report.reduce((n, t) => n + t.rows, 0)
  for (const t of report) process.stdout.write(`${t.name.padEnd(28)} ${String(t.rows).padStart(10)}  ${t.md5}\n`)
  process.stdout.write(`verified tables=${report.length} rows=${rows} counts_and_checksums=equal seconds=${((Date.now() - started) / 1000).toFixed(1)}\n`)
}
