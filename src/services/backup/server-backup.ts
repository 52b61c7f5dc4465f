import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createWriteStream, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Db } from '../../db/database.ts'
import { backupWriter, readBackupFile, writeBackupFile } from '../../db/transfer/backup-file.ts'
import { TransferRefused } from '../../db/transfer/load-snapshot.ts'
import { readSnapshot, type Manifest } from '../../db/transfer/read-snapshot.ts'
import { automaticRunDue } from '../../domain/automatic-billing.ts'
import type { ServiceDeps } from '../deps.ts'
import { getSettings } from '../settings/company-settings.ts'

/**
 * Backups of the embedded database while the server runs. PGlite lives inside the server's
 * process and its data folder is locked, so another process cannot read it: the server writes
 * the backups itself, from one snapshot (read-snapshot.ts).
 * - `backup --out FILE` on the command line asks the running server: the server publishes its
 *   address and a random token in DATA_DIR/servicebook-server.json (mode 0600, removed at
 *   shutdown); whoever can read that file can read the database files anyway, so the token gives
 *   no more than the folder does. The server streams the backup back.
 * - A daily backup (BACKUP_DAILY_AT, company time) into BACKUP_DIR, keeping BACKUP_KEEP files.
 * NOTE: the snapshot holds PGlite's single connection: requests wait while a backup is read.
 */

const SERVER_FILE = 'servicebook-server.json'

export interface ServerBackupEndpoint {
  /** Checks a request's bearer token in constant time. */
  allows(authorization: string | undefined): boolean
  /** The backup as a gzip stream. */
  stream(): Readable
  unpublish(): void
}

/** Publishes the running server's backup endpoint for the command line in `dataDir`. */
export function publishBackupEndpoint(db: Db, dataDir: string, url: string): ServerBackupEndpoint {
  const token = randomBytes(32).toString('hex')
  const file = join(dataDir, SERVER_FILE)
  writeFileSync(file, JSON.stringify({ pid: process.pid, url, token }), { mode: 0o600 })
  const expected = Buffer.from(`Bearer ${token}`)
  return {
    allows: (authorization) => {
      const got = Buffer.from(authorization ?? '')
      return got.length === expected.length && timingSafeEqual(got, expected)
    },
    stream: () => {
      const out = new PassThrough()
      const writer = backupWriter(out)
      readSnapshot(db, 'pglite', writer).then(
        () => writer.end(),
        (err: Error) => out.destroy(err),
      )
      return out
    },
    unpublish: () => rmSync(file, { force: true }),
  }
}

/** The command line's side: asks the server holding `dataDir` for a backup and checks it is whole. */
export async function backupThroughServer(dataDir: string, path: string): Promise<Manifest> {
  let server: { url: string; token: string }
  try {
    server = JSON.parse(readFileSync(join(dataDir, SERVER_FILE), 'utf8')) as { url: string; token: string }
  } catch {
    throw new TransferRefused(`The data folder ${dataDir} is locked but no running server there publishes a backup endpoint (${SERVER_FILE}); is it still starting?`)
  }
  const res = await fetch(`${server.url}/api/local/backup`, { headers: { authorization: `Bearer ${server.token}` } }).catch((err: Error) => {
    throw new TransferRefused(`Could not reach the server at ${server.url}: ${err.message}`)
  })
  if (!res.ok || !res.body) throw new TransferRefused(`The server refused the backup: HTTP ${res.status} ${await res.text()}`)
  const partial = `${path}.partial-${process.pid}`
  try {
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(partial, { mode: 0o600 }))
    const manifest = await checkBackupFile(partial)
    renameSync(partial, path)
    return manifest
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
}

/** Reads a backup file through: whole (its end marker) and each table's row count as its manifest says. */
export async function checkBackupFile(path: string): Promise<Manifest> {
  const counts = new Map<string, number>()
  let current = ''
  const manifest = await readBackupFile(path, {
    manifest: async () => {},
    table: async (name) => void counts.set((current = name), 0),
    rows: async (rows) => void counts.set(current, counts.get(current)! + rows.length),
  })
  for (const t of manifest.tables)
    if ((counts.get(t.name) ?? 0) !== t.rows) throw new TransferRefused(`${path}: table ${t.name} has ${counts.get(t.name) ?? 0} rows, its manifest says ${t.rows}.`)
  return manifest
}

export interface ScheduledBackupOptions {
  dir: string
  /** "HH:MM" in the company's time zone. */
  at: string
  keep: number
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
  intervalMs?: number
}

const DAILY = /^servicebook-(\d{4}-\d{2}-\d{2})\.backup\.gz$/

/** Takes today's backup into `dir` when due, then deletes all but the newest `keep`. Returns the file written, or null. */
export async function runScheduledBackupIfDue(deps: Pick<ServiceDeps, 'db' | 'clock'>, opts: Omit<ScheduledBackupOptions, 'log' | 'intervalMs'>): Promise<string | null> {
  const { timeZone } = await getSettings(deps as ServiceDeps)
  const files = readdirSync(opts.dir).filter((f) => DAILY.test(f)).sort()
  const last = files.at(-1)?.match(DAILY)?.[1] ?? null
  const day = automaticRunDue({ on: true, time: opts.at, timeZone, now: deps.clock.now(), lastAutomaticFor: last })
  if (!day) return null
  const file = join(opts.dir, `servicebook-${day}.backup.gz`)
  await writeBackupFile(file, (sink) => readSnapshot(deps.db, 'pglite', sink))
  for (const old of [...files, file.slice(opts.dir.length + 1)].sort().slice(0, -opts.keep)) rmSync(join(opts.dir, old), { force: true })
  return file
}

/** The daily backup job: looks every minute. */
export function startScheduledBackups(deps: Pick<ServiceDeps, 'db' | 'clock'>, opts: ScheduledBackupOptions): { stop(): void } {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const file = await runScheduledBackupIfDue(deps, opts)
      if (file) opts.log.info({ file }, 'daily backup written')
    } catch (err) {
      opts.log.error({ err }, 'daily backup failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 60_000)
  timer.unref()
  void tick()
  return { stop: () => clearInterval(timer) }
}
