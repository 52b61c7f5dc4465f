/**
 * The billing run's lease across servers: held by a server instance (its liveness lock), not a
 * pid; a run whose server is gone or stopped is resumed by another server, the same run to the
 * end; a server that lost the lease stops; a live server's run is left alone on any host.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { AppError } from '../../src/domain/errors.ts'
import { INSTANCE_ID, isInstanceAlive } from '../../src/db/instance-liveness.ts'
import { acquireRun, joinRun, leaveRun, saveProgress, setPhase, takeOverRun, zeroCounters } from '../../src/services/billing/billing-runs.ts'
import { resumeBillingRun } from '../../src/services/billing/run-billing.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'
import { testBackend } from '../helpers/test-db.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-12-01T18:00:00Z')

before(async () => {
  ;({ h, deps } = s = await startBillingServices(() => now))
  for (let i = 0; i < 3; i++) {
    const c = await aCustomer(deps, `Lease ${i}`, `lease${i}@example.com`)
    const pm = await aCard(deps.db, h.gateway, h.tokenize, c.id, '4111111111111111')
    await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-11-01', lines: monthly(1000 + i) })
  }
})
after(() => s.close())

const run = (id: string) => deps.db.selectFrom('billingRuns').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const insertRunning = (id: string, owner: string | null, extra: Record<string, unknown> = {}) =>
  deps.db.insertInto('billingRuns').values({ id, throughDate: '2026-12-01', status: 'running', startedBy: null, automaticFor: null, owner, ...extra }).execute()

test('a run whose server is gone (nobody holds its liveness lock) does not block a new run', async () => {
  assert.equal(await isInstanceAlive(deps.db, 'srv_gone'), false)
  assert.equal(await isInstanceAlive(deps.db, INSTANCE_ID), true)
  await insertRunning('run_gone', 'srv_gone', { host: 'another-host', pid: process.pid })
  const next = await acquireRun(deps.db, '2026-12-01', null)
  assert.equal((await run('run_gone')).status, 'interrupted')
  assert.equal((await run('run_gone')).error, 'The billing process stopped (crash or kill)')
  // This instance's own run blocks the next one, and the refusal names it.
  await assert.rejects(acquireRun(deps.db, '2026-12-01', null), (e: AppError) => e.code === 'billing_run_in_progress' && e.message === `A billing run is already in progress (${next}); wait for it to finish`)
  await deps.db.updateTable('billingRuns').set({ status: 'completed', owner: null }).where('id', '=', next).execute()
})

test('a run released by a stopped server is resumed by another: the same run, counting on, to the end', async () => {
  const counters = { ...zeroCounters(), agreementsDue: 7, billedCents: 123 }
  await insertRunning('run_paused', null, { ...counters, phase: 'charge' })
  const resumed = await resumeBillingRun(deps, { actor: null, settleWindowMs: 500 })
  assert.ok(resumed)
  assert.equal(resumed.runId, 'run_paused')
  assert.equal(await takeOverRun(deps.db), null, 'taken by one server only')
  const summary = await resumed.done
  assert.equal(summary.status, 'completed')
  const row = await run('run_paused')
  assert.equal(row.status, 'completed')
  assert.equal(row.owner, INSTANCE_ID)
  assert.equal(row.agreementsDue, 7 + 3, 'counts on from the saved progress')
  // November and December for each of the three: six invoices, paid by one charge per agreement (issue 13 defect 7).
  const invoices = await deps.db.selectFrom('invoices').select(['id', 'status']).execute()
  assert.deepEqual(invoices.map((i) => i.status), Array(6).fill('paid'))
  assert.equal(row.approved, 3, 'approved counts charges')
  const attempts = new Set((await deps.db.selectFrom('chargeAttempts').select('id').where('runId', '=', 'run_paused').execute()).map((a) => a.id))
  assert.equal((await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && attempts.has(r.orderid ?? '')).length, 3)
  assert.equal(await resumeBillingRun(deps), null, 'nothing left to resume')
})

test("a helper's last counts add up on the run as it leaves it; the holder moves the run to its next phase", async () => {
  await insertRunning('run_shared', 'srv_holder', { phase: 'charge', charged: 2, approved: 2, collectedCents: 2000 })
  assert.deepEqual(await joinRun(deps.db), { id: 'run_shared', throughDate: '2026-12-01' })
  assert.deepEqual((await run('run_shared')).helpers, [INSTANCE_ID])
  await leaveRun(deps.db, 'run_shared', { ...zeroCounters(), charged: 2, approved: 1, declined: 1, collectedCents: 1500 })
  const left = await run('run_shared')
  assert.deepEqual([left.charged, left.approved, left.declined, Number(left.collectedCents), left.helpers], [4, 3, 1, 3500, []])

  // This server holds the lease now: the run moves on to settle, and its heartbeat with it.
  await deps.db.updateTable('billingRuns').set({ owner: INSTANCE_ID, heartbeatAt: new Date(Date.now() - 30_000) }).where('id', '=', 'run_shared').execute()
  await setPhase(deps.db, 'run_shared', 'settle')
  const moved = await run('run_shared')
  assert.equal(moved.phase, 'settle')
  assert.ok(Date.now() - moved.heartbeatAt!.getTime() < 10_000)
  assert.equal(await joinRun(deps.db), null, 'no helper joins a run past charging')
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_shared').execute()
  await setPhase(deps.db, 'run_shared', 'charge')
  assert.equal((await run('run_shared')).phase, 'settle', 'a finished run stays as it ended')
})

test('a server that lost the lease (another took the run over) is told so by its heartbeat', async () => {
  await insertRunning('run_lost', INSTANCE_ID)
  assert.equal((await saveProgress(deps.db, 'run_lost', 'charge', zeroCounters())).held, true)
  await deps.db.updateTable('billingRuns').set({ owner: 'srv_other' }).where('id', '=', 'run_lost').execute()
  assert.equal((await saveProgress(deps.db, 'run_lost', 'charge', zeroCounters())).held, false)
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_lost').execute()
})

test('a live server on any host keeps its run; once its connection is gone the run is taken over', { skip: testBackend !== 'postgres' && 'several servers need PostgreSQL' }, async () => {
  // Another server: an instance holding its liveness lock on its own connection, as openDatabase does.
  const dbName = (await deps.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('n')).executeTakeFirstOrThrow()).n
  const u = new URL(process.env.TEST_DATABASE_URL!)
  u.pathname = `/${dbName}`
  const other = new pg.Client({ connectionString: u.toString() })
  await other.connect()
  await other.query('select pg_advisory_lock($1, hashtext($2))', [0x5342_0001, 'srv_live'])
  // Same host name and a pid that does not run here: a pid check would call it dead.
  await insertRunning('run_live', 'srv_live', { host: (await import('node:os')).hostname(), pid: 999_999 })
  await assert.rejects(acquireRun(deps.db, '2026-12-01', null), (e: AppError) => e.code === 'billing_run_in_progress')
  assert.equal(await takeOverRun(deps.db), null)
  await other.end()
  const taken = await takeOverRun(deps.db)
  assert.equal(taken?.id, 'run_live')
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_live').execute()
})

test("a live server's run whose heartbeat stopped a minute ago (a host cut off) is taken over; a fresh heartbeat is not", async () => {
  // The holder is alive (this instance holds its liveness lock), so only the heartbeat's age frees the lease.
  await insertRunning('run_fresh', INSTANCE_ID, { heartbeatAt: new Date(Date.now() - 20_000) })
  assert.equal(await takeOverRun(deps.db), null, 'a heartbeat 20 s old: the holder is still at it')
  await assert.rejects(acquireRun(deps.db, '2026-12-01', null), (e: AppError) => e.code === 'billing_run_in_progress')
  assert.equal((await run('run_fresh')).status, 'running')

  await deps.db.updateTable('billingRuns').set({ heartbeatAt: new Date(Date.now() - 61_000) }).where('id', '=', 'run_fresh').execute()
  const taken = await takeOverRun(deps.db)
  assert.equal(taken?.id, 'run_fresh', 'a heartbeat over a minute old frees the lease')
  const row = await run('run_fresh')
  assert.equal(row.owner, INSTANCE_ID)
  assert.ok(Date.now() - row.heartbeatAt!.getTime() < 10_000, 'the new holder beats at once')
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_fresh').execute()

  // A new Bill all instead marks a stale run interrupted and starts its own.
  await insertRunning('run_stale', INSTANCE_ID, { heartbeatAt: new Date(Date.now() - 61_000) })
  const next = await acquireRun(deps.db, '2026-12-01', null)
  assert.equal((await run('run_stale')).status, 'interrupted')
  await deps.db.updateTable('billingRuns').set({ status: 'completed', owner: null }).where('id', '=', next).execute()
})
