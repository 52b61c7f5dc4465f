/**
 * The `reconcile` command: after a run billed and settled by the sandbox it prints the day side by
 * side and `mismatches=0` (exit 0); a charge the gateway settled that the books lack is printed
 * with its link (exit 3); a bad date names its option (exit 1).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { localDate } from '../../src/domain/time-zone.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { aCard, seedAgreements } from '../helpers/billing-fixtures.ts'

const ROOT = new URL('../../', import.meta.url).pathname
// The company's default zone; the sandbox dates its batches by the real clock.
const today = localDate(new Date(), 'America/New_York')
let h: SandboxHarness
let dir: string

before(async () => {
  h = await startHarness({ sandbox: { ledgerFile: null } })
  dir = mkdtempSync(join(tmpdir(), 'sb-reconcile-cli-'))
  const db = await openDatabase({ kind: 'pglite', dataDir: dir })
  await migrateToLatest(db.db)
  await db.db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const pm = { id: await aCard(db.db, h.gateway, h.tokenize, 'cus_cards'), customerId: 'cus_cards' }
  await seedAgreements(db.db, { count: 2, paymentMethods: [pm], startDate: () => today, amountCents: (i) => 1000 * (i + 1) })
  await db.close()
})
after(async () => {
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

// NOTE: asynchronous on purpose: the sandbox answers from this process's event loop.
const cli = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', CARDPOINTE_URL: h.sandbox.url } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })

test('after billing and the batch close, reconcile prints the day and zero mismatches', async () => {
  assert.equal((await cli('bill', '--through', today)).status, 0)
  await h.settle()
  const r = await cli('reconcile', '--from', today, '--to', today)
  assert.equal(r.status, 0, r.stderr + r.stdout)
  assert.match(r.stdout, new RegExp(`${today}  2 \\$30\\.00 +2 \\$30\\.00 +- +0`))
  assert.match(r.stdout, new RegExp(`reconcile from=${today} to=${today} mismatches=0 returns_applied=0 quickbooks=not_connected`))
})

test('a settled charge the books lack is listed with its link, and the exit code says so', async () => {
  await h.client.auth({ account: '4788250000121443', expiry: '1230', amount: '12.34', capture: 'Y', orderid: 'not-ours-cli' })
  await h.settle()
  const r = await cli('reconcile', '--to', today)
  assert.equal(r.status, 3, r.stderr)
  assert.match(r.stdout, /charged_not_recorded  The gateway settled \$12\.34 .*order not-ours-cli.*\(Open billing: \/billing\)/)
  assert.match(r.stdout, /mismatches=1 /)
})

test('a bad date is refused naming the option', async () => {
  const r = await cli('reconcile', '--from', '2026-02-30')
  assert.equal(r.status, 1)
  assert.match(r.stderr, /--from must be a date/)
})
