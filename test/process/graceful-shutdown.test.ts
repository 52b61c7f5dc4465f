/**
 * SIGTERM in the middle of Bill all (issue 14): the server stops claiming, finishes the charges
 * already on their way to the gateway (500 ms each here) and records them, leaves the run
 * resumable, sends the receipts that are due, and closes the database cleanly (PGlite: its
 * control file says "shut down", so the folder reopens without crash recovery). Started again,
 * it resumes the same run to the end: every due invoice charged exactly once.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { call, chargeCounts, login, pgliteClusterState, seedDueAgreements, startServerProcess, until, type ServerProcess } from '../helpers/server-process.ts'
import { createPostgresDatabaseUrl } from '../helpers/test-db.ts'

const AGREEMENTS = 200
let h: SandboxHarness
let mail: MailCapture
let dir: string
let pgDatabase: Awaited<ReturnType<typeof createPostgresDatabaseUrl>> = null
const servers: ServerProcess[] = []
const openDb = () => (pgDatabase ? openDatabase({ kind: 'postgres', url: pgDatabase.url, poolSize: 2 }) : openDatabase({ kind: 'pglite', dataDir: dir }))
const withDb = async <T>(fn: (d: DatabaseHandle) => Promise<T>): Promise<T> => {
  const d = await openDb()
  try {
    return await fn(d)
  } finally {
    await d.close()
  }
}

before(async () => {
  h = await startHarness({ sandbox: { ledgerFile: null } })
  mail = await startMailCapture()
  dir = mkdtempSync(join(tmpdir(), 'sb-sigterm-'))
  pgDatabase = await createPostgresDatabaseUrl()
  await withDb(async (d) => {
    await migrateToLatest(d.db)
    await seedDueAgreements(d.db, h, AGREEMENTS)
  })
})
after(async () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  await Promise.all(servers.map((s) => s.exited))
  await mail.close()
  await h.close()
  await pgDatabase?.drop()
  rmSync(dir, { recursive: true, force: true })
})

test('SIGTERM mid Bill all: charges in flight finish, the run is left resumable, the database closes cleanly; the restart finishes the run, each invoice charged once', { timeout: 600_000 }, async () => {
  const env = { DATA_DIR: dir, DATABASE_URL: pgDatabase?.url ?? '', CARDPOINTE_URL: h.sandbox.url, SMTP_URL: mail.smtpUrl, EMAIL_POLL_INTERVAL_MS: '500', SHUTDOWN_TIMEOUT_SECONDS: '60' }
  await h.faults({ latencyMs: 500, endpoints: ['auth'] })
  const first = await startServerProcess(env)
  servers.push(first)
  const office = await login(first.url)
  const started = await call<{ runId: string }>(first.url, office, 'POST', '/api/billing/runs', {})
  assert.equal(started.status, 202, JSON.stringify(started.body))
  const runId = started.body.runId

  // Some charges done, many to go: stop the server.
  await until(async () => ((await h.ledger()).filter((r) => r.type === 'auth' && r.amountCents > 0).length >= 24 ? true : undefined), 180_000, () => `no charges: ${first.output()}`)
  // On PostgreSQL (which another process can read) wait for a moment with charges in flight: a sample can
  // fall between two charges.
  const inFlightAtSignal = pgDatabase
    ? await until(async () => ((await withDb(async (d) => (await chargeCounts(d.db, h)).pending)) > 0 ? 1 : undefined), 60_000, () => `never a charge in flight: ${first.output()}`)
    : -1
  first.child.kill('SIGTERM')
  const exit = await first.exited
  assert.deepEqual(exit, { code: 0, signal: null }, first.output())

  if (!pgDatabase) assert.equal(pgliteClusterState(dir), 1, 'PGlite shut down cleanly (no crash recovery on the next open)')
  const paused = await withDb(async (d) => ({
    run: await d.db.selectFrom('billingRuns').select(['status', 'owner', 'approved']).where('id', '=', runId).executeTakeFirstOrThrow(),
    counts: await chargeCounts(d.db, h),
    unsentReceipts: (await d.db.selectFrom('emailOutbox').select('id').where('kind', '=', 'billing.receipt').where('status', '=', 'pending').execute()).length,
    receipts: (await d.db.selectFrom('emailOutbox').select('id').where('kind', '=', 'billing.receipt').execute()).length,
  }))
  if (inFlightAtSignal >= 0) assert.ok(inFlightAtSignal > 0, 'charges were in flight when the signal came')
  assert.equal(paused.counts.pending, 0, 'every charge sent before the signal was answered and recorded')
  assert.equal(paused.counts.double, 0)
  assert.ok(paused.counts.paid > 0 && paused.counts.paid < AGREEMENTS, `stopped part-way: ${JSON.stringify(paused.counts)}`)
  assert.equal(paused.counts.approvedLedger, paused.counts.paid, 'every approval at the gateway is recorded')
  assert.deepEqual({ status: paused.run.status, owner: paused.run.owner }, { status: 'running', owner: null }, 'resumable by any server')
  assert.equal(paused.unsentReceipts, 0, 'receipts of the charges done went out before the exit')
  assert.equal(paused.receipts, paused.counts.paid)

  // Started again: the same run goes on by itself and finishes.
  await h.faults({ latencyMs: 50 })
  const second = await startServerProcess(env)
  servers.push(second)
  try {
    const again = await login(second.url)
    const done = await until(async () => {
      const r = await call<{ status: string }>(second.url, again, 'GET', `/api/billing/runs/${runId}`)
      return r.body.status === 'running' ? undefined : r.body
    }, 300_000, () => `the run did not finish: ${second.output()}`)
    assert.equal(done.status, 'completed', JSON.stringify(done))
    // Each receipt reaches the mailbox once.
    const received = await until(async () => {
      const r = (await mail.messages()).filter((m) => m.subject.startsWith('Receipt for invoice'))
      return r.length >= AGREEMENTS ? r : undefined
    }, 120_000, () => 'receipts not all sent')
    await new Promise((r) => setTimeout(r, 2_000)) // a second copy would show up by now
    assert.equal((await mail.messages()).filter((m) => m.subject.startsWith('Receipt for invoice')).length, AGREEMENTS)
    assert.equal(new Set(received.map((m) => m.subject)).size, AGREEMENTS)
  } finally {
    second.child.kill('SIGTERM')
    assert.equal((await second.exited).code, 0)
  }
  // The PGlite folder is free again: every due invoice charged exactly once, none left pending.
  const counts = await withDb((d) => chargeCounts(d.db, h))
  assert.deepEqual({ double: counts.double, missing: counts.missing, pending: counts.pending, invoices: counts.invoices }, { double: 0, missing: 0, pending: 0, invoices: AGREEMENTS })
})
