/**
 * The `bill` command: preview prints what would be billed and charges nothing; with PGlite it
 * refuses to run while another process (e.g. the server) holds the data folder, and says so.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.ts'
import { lockDataDir } from '../../src/db/data-dir-lock.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { aCard, seedAgreements } from '../helpers/billing-fixtures.ts'

const ROOT = new URL('../../', import.meta.url).pathname
let h: SandboxHarness
let dir: string

before(async () => {
  h = await startHarness({ sandbox: { ledgerFile: null } })
  dir = mkdtempSync(join(tmpdir(), 'sb-cli-'))
  const db = await openDatabase({ kind: 'pglite', dataDir: dir })
  await migrateToLatest(db.db)
  await db.db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const pm = { id: await aCard(db.db, h.gateway, h.tokenize, 'cus_cards'), customerId: 'cus_cards' }
  await seedAgreements(db.db, { count: 3, paymentMethods: [pm], startDate: () => '2026-11-10', amountCents: (i) => 1000 * (i + 1) })
  await db.close()
})
after(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

// NOTE: asynchronous on purpose: the sandbox answers from this process's event loop.
const bill = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'bill', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', CARDPOINTE_URL: h.sandbox.url },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })

test('--preview lists what would be billed and charges nothing', async () => {
  const r = await bill('--through', '2026-12-01', '--preview')
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /preview through=2026-12-01 agreements=3 invoices=3 total_cents=6000 /)
  assert.equal((await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length, 0)
})

test('a bad date is refused', async () => {
  const r = await bill('--through', '2026-02-30')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /through/)
})

test('a run past today is refused, naming --through and why; nothing is charged', async () => {
  const r = await bill('--through', '9999-12-31')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /--through must be on or before \d{4}-\d{2}-\d{2}, today in the company's time zone/)
  assert.equal((await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length, 0)
})

test('refuses to run while another process holds the data folder, and says why', async () => {
  // This test process takes the lock, as a running server would.
  const unlock = lockDataDir(dir)
  try {
    const r = await bill('--through', '2026-12-01')
    assert.equal(r.status, 1)
    assert.match(r.stderr, /in use by another Servicebook process/)
    assert.match(r.stderr, /cannot run while the server uses the same DATA_DIR/)
  } finally {
    unlock()
  }
})

test('bills, then a second run bills nothing', async () => {
  const first = await bill('--through', '2026-12-01')
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /status=completed agreements=3 invoices=3 charged=3 approved=3 declined=0 errors=0 unresolved=0 recovered=0 billed_cents=6000 collected_cents=6000/)
  const second = await bill('--through', '2026-12-01')
  assert.match(second.stdout, /invoices=0 charged=0/)
  assert.equal((await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length, 3)
})
