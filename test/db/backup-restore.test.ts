/**
 * `backup --out FILE` while the server runs and writes (on PGlite the server holds the data folder,
 * so the backup goes through it; on PostgreSQL the command reads its own snapshot), then `restore
 * --from FILE` into an empty database: verified by counts and checksums, consistent across tables
 * (every customer written during the backup is whole or absent), no card number in the file.
 * Restore refuses a non-empty database and a damaged file. The daily backup keeps BACKUP_KEEP files.
 * Both databases: TEST_DB picks which one the server, the backup and the restore use.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { userRelations } from '../../src/db/transfer/catalog.ts'
import type { Manifest } from '../../src/db/transfer/read-snapshot.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { checkBackupFile, runScheduledBackupIfDue } from '../../src/services/backup/server-backup.ts'
import { buildBookHistory, SIGNUP_CARD } from '../helpers/book-history.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { startTestApp, TEST_PASSWORD } from '../helpers/test-app.ts'
import { createPostgresDatabaseUrl, createTestDatabase, testBackend } from '../helpers/test-db.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const onPostgres = testBackend === 'postgres'
let h: SandboxHarness
let mail: MailCapture
let tmp: string
let history: Awaited<ReturnType<typeof buildBookHistory>>
const dropLater: { drop(): Promise<void> }[] = []

/** An empty database for a process: a PostgreSQL URL, or a fresh PGlite data folder. */
async function emptyTarget(name: string): Promise<{ env: Record<string, string>; open(): Promise<DatabaseHandle> }> {
  if (onPostgres) {
    const pg = (await createPostgresDatabaseUrl())!
    dropLater.push(pg)
    return { env: { DATABASE_URL: pg.url, DATA_DIR: join(tmp, name) }, open: () => openDatabase({ kind: 'postgres', url: pg.url, poolSize: 2 }) }
  }
  const dir = join(tmp, name)
  return { env: { DATABASE_URL: '', DATA_DIR: dir }, open: () => openDatabase({ kind: 'pglite', dataDir: dir }) }
}

let source: Awaited<ReturnType<typeof emptyTarget>>
let server: ChildProcess

before(async () => {
  h = await startHarness({ sandbox: { ledgerFile: null } })
  mail = await startMailCapture()
  tmp = mkdtempSync(join(tmpdir(), 'sb-backup-'))
  source = await emptyTarget('source')
  const db = await source.open()
  await migrateToLatest(db.db)
  const t = await startTestApp({ database: db, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  history = await buildBookHistory(t, h, mail)
  await t.close()
})
after(async () => {
  server?.kill('SIGKILL')
  for (const d of dropLater) await d.drop()
  await mail.close()
  await h.close()
  rmSync(tmp, { recursive: true, force: true })
})

const run = (args: string[], env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })

/** src/main.ts (what `npm start` runs) on the source database, until it says where it listens. */
function startServer(env: Record<string, string>): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', CARDPOINTE_URL: h.sandbox.url, SMTP_URL: mail.smtpUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  server.stderr!.on('data', (d) => (err += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 120_000)
    server.stdout!.on('data', (d) => {
      const m = /running at (http:\/\/\S+)/.exec((out += d))
      if (m) resolve((clearTimeout(timer), m[1]!))
    })
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)))
  })
}

/** Adds customers through the office API until stopped (each one a customer, a location and a contact in one transaction). */
async function keepWriting(url: string, stop: { now: boolean }): Promise<number> {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: history.officeEmail, password: TEST_PASSWORD }) })
  assert.equal(login.status, 200)
  const headers = { 'content-type': 'application/json', cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken }
  let n = 0
  while (!stop.now) {
    const body = { name: `Written during backup ${n}`, locations: [{ label: 'Home', line1: `${n} Oak St`, city: 'Springfield', region: 'IL', postalCode: '62701' }], contacts: [{ name: `W ${n}`, email: `w${n}@example.com`, isPrimary: true }] }
    const res = await fetch(`${url}/api/customers`, { method: 'POST', headers, body: JSON.stringify(body) })
    assert.equal(res.status, 201, await res.text())
    n++
  }
  return n
}

const manifestOf = (file: string) => (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8').split('\n', 1)[0]!) as { manifest: Manifest }).manifest
const file = () => join(tmp, 'servicebook.backup.gz')
let restored: Awaited<ReturnType<typeof emptyTarget>>

test('a backup taken while the server runs and writes restores into an empty database, verified and consistent, without card numbers', async () => {
  const url = await startServer(source.env)
  const stop = { now: false }
  const writing = keepWriting(url, stop)
  await new Promise((r) => setTimeout(r, 500))
  const b = await run(['backup', '--out', file()], source.env)
  stop.now = true
  const written = await writing
  assert.equal(b.status, 0, b.stderr)
  assert.match(b.stdout, new RegExp(`backup file=\\S+ source=${testBackend} tables=\\d+ rows=\\d+`))
  if (!onPostgres) assert.match(b.stderr, /The server holds .*taking the backup through it/)
  assert.ok(written > 0, 'customers were added while the backup ran')

  const text = gunzipSync(readFileSync(file())).toString('utf8')
  assert.ok(text.includes(history.agreementId), 'the backup has the data')
  for (const pan of [SIGNUP_CARD, '4788250000121443']) assert.ok(!text.includes(pan), `no card number ${pan} in the backup`)
  const manifest = manifestOf(file())
  const customersInBackup = manifest.tables.find((t) => t.name === 'customers')!.rows

  restored = await emptyTarget('restored')
  const r = await run(['restore', '--from', file()], restored.env)
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /verified tables=\d+ rows=\d+ counts_and_checksums=equal/)
  const db = await restored.open()
  try {
    const n = async (q: string) => (await sql.raw<{ n: number }>(q).execute(db.db)).rows[0]!.n
    assert.equal(await n('select count(*)::int as n from customers'), customersInBackup)
    // One snapshot: a customer written during the backup is there with its contact and location, or not at all.
    assert.equal(await n('select count(*)::int as n from customers c where not exists (select 1 from customer_contacts x where x.customer_id = c.id) or not exists (select 1 from customer_locations l where l.customer_id = c.id)'), 0)
    assert.equal(await n(`select count(*)::int as n from agreements where id = '${history.agreementId}' and status = 'active'`), 1)
  } finally {
    await db.close()
  }
  server.kill('SIGTERM')
  await new Promise((r) => server.once('exit', r))
})

test('restore refuses a database that is not empty, and a damaged or cut-short file, writing nothing', async () => {
  const again = await run(['restore', '--from', file()], restored.env)
  assert.equal(again.status, 1)
  assert.match(again.stderr, /target database is not empty/)

  const bytes = readFileSync(file())
  const cut = join(tmp, 'cut.backup.gz')
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
  const fresh = await emptyTarget('fresh')
  const r = await run(['restore', '--from', cut], fresh.env)
  assert.equal(r.status, 1)
  assert.match(r.stderr, /incomplete|damaged/)
  const db = await fresh.open()
  assert.equal((await userRelations(db.db)).count, 0, 'nothing written')
  await db.close()

  const notBackup = join(tmp, 'readme.txt')
  writeFileSync(notBackup, 'hello')
  const r2 = await run(['restore', '--from', notBackup], fresh.env)
  assert.equal(r2.status, 1)
  assert.match(r2.stderr, /not a Servicebook backup/)
})

test('the daily backup runs once a day after its time and keeps the newest BACKUP_KEEP files', async () => {
  const database = await createTestDatabase()
  const dir = join(tmp, 'daily')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir)
  for (let d = 1; d <= 8; d++) writeFileSync(join(dir, `servicebook-2026-05-0${d}.backup.gz`), 'old')
  writeFileSync(join(dir, 'notes.txt'), 'not ours')
  let now = new Date('2026-05-10T06:00:00Z') // 02:00 in New York, the default company time zone
  const deps = { db: database.db, clock: { now: () => now } }
  try {
    await database.db.updateTable('companySettings').set({ timeZone: 'America/New_York' }).where('id', '=', 1).execute()
    assert.equal(await runScheduledBackupIfDue(deps, { dir, at: '02:30', keep: 3 }), null, 'before its time')
    now = new Date('2026-05-10T06:31:00Z')
    const written = await runScheduledBackupIfDue(deps, { dir, at: '02:30', keep: 3 })
    assert.equal(written, join(dir, 'servicebook-2026-05-10.backup.gz'))
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'servicebook-2026-05-07.backup.gz', 'servicebook-2026-05-08.backup.gz', 'servicebook-2026-05-10.backup.gz'])
    assert.ok((await checkBackupFile(written!)).tables.length > 30)
    assert.equal(await runScheduledBackupIfDue(deps, { dir, at: '02:30', keep: 3 }), null, 'once a day')
  } finally {
    await database.close()
  }
})
