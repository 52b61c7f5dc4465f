/**
 * Several servers on one PostgreSQL (issue 14): two Servicebook processes share sessions, one
 * Bill all (started on one, watched on the other, refused a second time on either, charged by
 * both at once: each claims its own chunks, and the progress read on either counts both), the
 * e-mail outbox and the automatic daily run. The server holding Bill all is SIGKILLed part-way:
 * the other resumes the same run within seconds and finishes it; every due invoice is charged
 * exactly once and each receipt is sent under one Message-ID (at most the few in flight at the
 * SIGKILL go twice: no SMTP server can be asked what it already took).
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
import { call, chargeCounts, login, seedDueAgreements, startServerProcess, until, type ServerProcess } from '../helpers/server-process.ts'
import { createPostgresDatabaseUrl, testBackend } from '../helpers/test-db.ts'

const AGREEMENTS = 300
let h: SandboxHarness
let mail: MailCapture
let dir: string
let pgDatabase: Awaited<ReturnType<typeof createPostgresDatabaseUrl>> = null
let db: DatabaseHandle
const servers: ServerProcess[] = []

before(async () => {
  if (testBackend !== 'postgres') return
  h = await startHarness({ sandbox: { ledgerFile: null } })
  mail = await startMailCapture()
  dir = mkdtempSync(join(tmpdir(), 'sb-two-'))
  pgDatabase = await createPostgresDatabaseUrl()
  db = await openDatabase({ kind: 'postgres', url: pgDatabase!.url, poolSize: 2 })
  await migrateToLatest(db.db)
  await seedDueAgreements(db.db, h, AGREEMENTS)
})
after(async () => {
  if (testBackend !== 'postgres') return
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
  await Promise.all(servers.map((s) => s.exited))
  await db.close()
  await mail.close()
  await h.close()
  await pgDatabase?.drop()
  rmSync(dir, { recursive: true, force: true })
})

test('two servers on one PostgreSQL: shared sessions, one Bill all charged by both and finished by the other after a SIGKILL, each invoice charged once, each receipt under one Message-ID, one automatic run', { skip: testBackend !== 'postgres' && 'several servers need PostgreSQL', timeout: 600_000 }, async () => {
  const env = (name: string) => ({ DATA_DIR: join(dir, name), DATABASE_URL: pgDatabase!.url, CARDPOINTE_URL: h.sandbox.url, SMTP_URL: mail.smtpUrl, EMAIL_POLL_INTERVAL_MS: '500' })
  await h.faults({ latencyMs: 500, endpoints: ['auth'] })
  const [a, b] = await Promise.all([startServerProcess(env('a')), startServerProcess(env('b'))])
  servers.push(a, b)

  // One session, both servers: logged in on A, recognised (with its CSRF token) on B.
  const office = await login(a.url)
  const onB = await call<{ user: { email: string } | null }>(b.url, office, 'GET', '/api/auth/session')
  assert.equal(onB.body.user?.email, 'admin@ops.test')

  // Bill all started on B, watched on A; a second one is refused on either.
  const started = await call<{ runId: string }>(b.url, office, 'POST', '/api/billing/runs', {})
  assert.equal(started.status, 202, JSON.stringify(started.body))
  const runId = started.body.runId
  assert.equal((await call(a.url, office, 'POST', '/api/billing/runs', {})).status, 409)
  const watched = await until(async () => {
    const r = await call<{ status: string; charged: number }>(a.url, office, 'GET', `/api/billing/runs/${runId}`)
    return r.body.charged >= 30 ? r.body : undefined
  }, 180_000, () => `no progress seen on A: ${b.output()}`)
  assert.equal(watched.status, 'running')

  // Both charge the run: A, not holding it, claims chunks of its own (charge_attempts.claimed_by).
  const holderB = (await db.db.selectFrom('billingRuns').select('owner').where('id', '=', runId).executeTakeFirstOrThrow()).owner!
  const claimers = () => db.db.selectFrom('chargeAttempts').select(['claimedBy', (eb) => eb.fn.countAll<number>().as('n')]).where('runId', '=', runId).where('status', '<>', 'pending').groupBy('claimedBy').execute()
  const both = await until(async () => {
    const rows = await claimers()
    return rows.length === 2 && rows.every((r) => Number(r.n) >= 5) ? rows : undefined
  }, 120_000, () => `A did not help: ${a.output()}`)
  const helperA = both.find((r) => r.claimedBy !== holderB)!.claimedBy!
  // The progress read on B (the holder) counts A's charges too: it comes from the database.
  const doneByBoth = both.reduce((n, r) => n + Number(r.n), 0)
  await until(async () => {
    const r = await call<{ charged: number }>(b.url, office, 'GET', `/api/billing/runs/${runId}`)
    return r.body.charged >= doneByBoth ? true : undefined
  }, 30_000, () => `B's view does not count A's charges (${doneByBoth} done)`)

  // B dies mid-run: A resumes the same run and finishes it.
  b.child.kill('SIGKILL')
  await b.exited
  const killedAt = Date.now()
  const resumedBy = await until(async () => {
    const r = await db.db.selectFrom('billingRuns').select(['owner', 'pid']).where('id', '=', runId).executeTakeFirstOrThrow()
    return r.pid !== b.child.pid ? r : undefined
  }, 60_000, () => `A did not take the run over: ${a.output()}`)
  assert.equal(resumedBy.pid, a.child.pid)
  assert.ok(Date.now() - killedAt < 30_000, 'taken over within seconds')
  const done = await until(async () => {
    const r = await call<{ status: string }>(a.url, office, 'GET', `/api/billing/runs/${runId}`)
    return r.body.status === 'running' ? undefined : r.body
  }, 300_000, () => `the run did not finish on A: ${a.output()}`)
  assert.equal(done.status, 'completed', JSON.stringify(done))

  const counts = await chargeCounts(db.db, h)
  assert.deepEqual({ double: counts.double, missing: counts.missing, pending: counts.pending, invoices: counts.invoices }, { double: 0, missing: 0, pending: 0, invoices: AGREEMENTS })
  // The gateway received the run's charges from both servers.
  const sentBy = new Map((await db.db.selectFrom('chargeAttempts').select(['id', 'claimedBy']).where('runId', '=', runId).execute()).map((r) => [r.id, r.claimedBy]))
  const ledger = (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && sentBy.has(r.orderid ?? ''))
  const byServer = { B: ledger.filter((r) => sentBy.get(r.orderid!) === holderB).length, A: ledger.filter((r) => sentBy.get(r.orderid!) === helperA).length }
  assert.ok(byServer.A > 0 && byServer.B > 0, JSON.stringify(byServer))
  assert.equal(byServer.A + byServer.B, AGREEMENTS, 'every approved charge of the run sent by A or B')

  // Receipts: B's claimed but unsent ones are taken over at once (B is gone). Delivery is at least
  // once: a mail the capture accepted in the instant before B died, not yet marked sent, goes
  // again, under the same Message-ID. Only such mails (claimed twice) may arrive twice.
  const receipts = await until(async () => {
    const rows = await db.db.selectFrom('emailOutbox').select(['id', 'attempts', 'status']).where('kind', '=', 'billing.receipt').execute()
    return rows.length === AGREEMENTS && rows.every((r) => r.status === 'sent') ? rows : undefined
  }, 120_000, () => 'receipts not all sent')
  const received = (await mail.messages()).filter((m) => m.subject.startsWith('Receipt for invoice'))
  assert.equal(new Set(received.map((m) => m.subject)).size, AGREEMENTS)
  const ids = new Set(receipts.map((r) => `<${r.id}@servicebook.local>`))
  assert.ok(received.every((m) => m.messageId && ids.has(m.messageId)), 'each copy carries its outbox email\'s Message-ID')
  assert.equal(new Set(received.map((m) => m.messageId)).size, AGREEMENTS, 'one Message-ID per receipt')
  const again = received.length - AGREEMENTS
  const claimedTwice = receipts.filter((r) => r.attempts > 1).length
  assert.ok(again <= claimedTwice, `${again} receipts arrived twice, but only ${claimedTwice} were claimed twice`)
  assert.ok(again <= 4, `${again} receipts arrived twice: more than the 4 a worker has in flight`)

  // A new B; the automatic daily run switched on through B: the two servers start it once.
  const b2 = await startServerProcess(env('b'))
  servers.push(b2)
  const settings = await call<Record<string, unknown>>(b2.url, office, 'GET', '/api/billing/settings')
  const { autoBill: _a, autoBillTime: _t, ...rest } = settings.body
  const put = await call(b2.url, office, 'PUT', '/api/billing/settings', { ...rest, autoBill: true, autoBillTime: '00:00' })
  assert.equal(put.status, 200, JSON.stringify(put.body))
  const automatic = await until(async () => {
    const rows = await db.db.selectFrom('billingRuns').select(['id', 'status', 'pid']).where('automaticFor', 'is not', null).execute()
    return rows.length > 0 && rows.every((r) => r.status === 'completed') ? rows : undefined
  }, 120_000, () => 'no automatic run')
  await new Promise((r) => setTimeout(r, 25_000)) // both servers' jobs look again (every 10 s)
  const after = await db.db.selectFrom('billingRuns').select(['id']).where('automaticFor', 'is not', null).execute()
  assert.equal(after.length, 1, `one automatic run for the day: ${JSON.stringify(automatic)}`)
  assert.equal((await chargeCounts(db.db, h)).double, 0)

  for (const s of [a, b2]) s.child.kill('SIGTERM')
  for (const s of [a, b2]) assert.equal((await s.exited).code, 0)
})
