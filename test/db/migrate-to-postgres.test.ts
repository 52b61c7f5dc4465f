/**
 * `migrate-to-postgres`: an embedded data folder that went through quotes, a sign-up, approval,
 * billing runs, a refund, a void and delivered emails is copied into an empty PostgreSQL database,
 * verified (counts and checksums), and the app then runs on the copy: the same agreements, the
 * same office login, numbering continues, and another billing run charges nothing twice. It
 * refuses a non-empty target and a data folder a server holds; a failed verification keeps
 * nothing. Runs in the PostgreSQL pass (TEST_DB=postgres: it needs a PostgreSQL server).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { lockDataDir } from '../../src/db/data-dir-lock.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { userRelations } from '../../src/db/transfer/catalog.ts'
import { loadSnapshot } from '../../src/db/transfer/load-snapshot.ts'
import { readSnapshot } from '../../src/db/transfer/read-snapshot.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { buildBookHistory } from '../helpers/book-history.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { createCustomer, quoteBody } from '../helpers/quote-fixtures.ts'
import { loginHeaders, startTestApp } from '../helpers/test-app.ts'
import { createPostgresDatabaseUrl, testBackend } from '../helpers/test-db.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const skip = testBackend !== 'postgres' && 'moves data into PostgreSQL: runs in the PostgreSQL pass (TEST_DB=postgres)'
let h: SandboxHarness
let mail: MailCapture
let dir: string
let target: { url: string; drop(): Promise<void> }
let history: Awaited<ReturnType<typeof buildBookHistory>>

before(async () => {
  if (skip) return
  h = await startHarness({ sandbox: { ledgerFile: null } })
  mail = await startMailCapture()
  dir = mkdtempSync(join(tmpdir(), 'sb-move-'))
  const source = await openDatabase({ kind: 'pglite', dataDir: dir })
  await migrateToLatest(source.db)
  const t = await startTestApp({ database: source, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  history = await buildBookHistory(t, h, mail)
  await t.close()
  target = (await createPostgresDatabaseUrl())!
})
after(async () => {
  if (skip) return
  await target?.drop()
  await mail.close()
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })

/** Every row of the tables that carry money and numbering, as text, in id order. */
async function facts(db: DatabaseHandle['db']) {
  const rows = async (q: string) => (await sql.raw<{ r: string }>(q).execute(db)).rows.map((x) => x.r)
  return {
    agreements: await rows(`select row(id, number, status, customer_id, payment_method_id, recurring_cents)::text as r from agreements order by id`),
    invoices: await rows(`select row(id, number, agreement_id, total_cents, paid_cents, status)::text as r from invoices order by id`),
    payments: await rows(`select row(id, invoice_id, amount_cents, refunded_cents, status, received_at)::text as r from payments order by id`),
    reversals: await rows(`select row(id, payment_id, kind, status, amount_cents)::text as r from payment_reversals order by id`),
    ledger: await rows(`select row(id, day, kind, amount_cents)::text as r from money_ledger order by id`),
    emails: await rows(`select row(id, kind, status, to_address, subject)::text as r from email_outbox order by id`),
    workOrders: await rows(`select row(id, agreement_id, visit_seq, status, version)::text as r from work_orders order by id`),
    sequences: await rows(`select row(sequencename, last_value)::text as r from pg_sequences where schemaname = 'public' order by 1`),
  }
}

test('refuses while a server holds the data folder, and says to stop it first', { skip }, async () => {
  const unlock = lockDataDir(dir)
  try {
    const r = await cli('migrate-to-postgres', '--to', target.url)
    assert.equal(r.status, 1)
    assert.match(r.stderr, /in use by another Servicebook process/)
    assert.match(r.stderr, /Stop the server first/)
  } finally {
    unlock()
  }
  const db = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 1 })
  assert.equal((await userRelations(db.db)).count, 0, 'nothing written')
  await db.close()
})

test('copies every table into an empty PostgreSQL database, verified, with ids and sequences kept', { skip }, async () => {
  assert.ok(history.delivered.sent >= 3, `emails were delivered: ${JSON.stringify(history.delivered)}`)
  const r = await cli('migrate-to-postgres', '--to', target.url)
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /verified tables=\d+ rows=\d+ counts_and_checksums=equal/)
  assert.match(r.stderr, /invoices\s+[\d,]+ \/ [\d,]+/, 'progress per table')
  const source = await openDatabase({ kind: 'pglite', dataDir: dir })
  const copy = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 2 })
  try {
    const [a, b] = [await facts(source.db), await facts(copy.db)]
    assert.ok(a.payments.length >= 3 && a.reversals.length >= 2 && a.ledger.length >= 3 && a.workOrders.length >= 2)
    assert.deepEqual(b, a)
    // The copy stamps the changes feed with its own transaction (the source's ids mean nothing here).
    const feed = await sql<{ n: number; ok: boolean }>`select count(*)::int as n, bool_and(txid <= pg_current_xact_id()) as ok from schedule_changes`.execute(copy.db)
    assert.ok(feed.rows[0]!.n > 0 && feed.rows[0]!.ok)
  } finally {
    await source.close()
    await copy.close()
  }
})

test('the app runs on the copy: same login and agreements, numbering goes on, a second run charges nothing', { skip }, async () => {
  const authsBefore = (await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length
  const copy = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 4 })
  const t = await startTestApp({ database: copy, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  try {
    const office = await loginHeaders(t.app, history.officeEmail)
    const list = await t.app.inject({ method: 'GET', url: '/api/agreements', headers: office })
    assert.equal(list.statusCode, 200, list.body)
    const ids = (list.json().items as { id: string }[]).map((x) => x.id)
    assert.ok(ids.includes(history.agreementId), 'the signed-up agreement is listed')
    assert.equal(ids.length, 4)

    const run = await (await startBillingRun(t.deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
    assert.equal(run.status, 'completed')
    assert.equal(run.invoicesCreated, 0)
    assert.equal(run.charged, 0)
    assert.equal((await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length, authsBefore, 'no charge twice')

    const before = await copy.db.selectFrom('quotes').select(sql<number>`max(number)`.as('n')).executeTakeFirstOrThrow()
    const customer = await createCustomer(t.app, office, 'Barbara Liskov', 'barbara@example.com')
    const quote = await t.app.inject({ method: 'POST', url: '/api/quotes', headers: office, payload: quoteBody(customer) })
    assert.equal(quote.statusCode, 201, quote.body)
    assert.equal(quote.json().number, Number(before.n) + 1, 'the quote number continues from the copied sequence')
  } finally {
    await t.close()
  }
})

test('refuses a non-empty target and leaves it as it was', { skip }, async () => {
  const r = await cli('migrate-to-postgres', '--to', target.url)
  assert.equal(r.status, 1)
  assert.match(r.stderr, /target database is not empty: it has \d+ table/)
  assert.match(r.stderr, /Nothing was written/)
})

test('a copy whose checksum does not match keeps nothing: the target stays empty', { skip }, async () => {
  const other = (await createPostgresDatabaseUrl())!
  const source = await openDatabase({ kind: 'pglite', dataDir: dir })
  const db = await openDatabase({ kind: 'postgres', url: other.url, poolSize: 1 })
  try {
    await assert.rejects(
      loadSnapshot(db.db, async (sink) => {
        await readSnapshot(source.db, 'pglite', {
          ...sink,
          manifest: (m) => sink.manifest({ ...m, tables: m.tables.map((t) => (t.name === 'payments' ? { ...t, md5: '0'.repeat(32) } : t)) }),
          table: (n, c) => sink.table(n, c),
          rows: (r) => sink.rows(r),
        })
      }),
      /Verification failed, nothing was kept: payments \(rows \d+ of \d+, checksum/,
    )
    assert.equal((await userRelations(db.db)).count, 0)
  } finally {
    await db.close()
    await source.close()
    await other.drop()
  }
})
