/**
 * The daily automatic Bill all: off by default; once on, a job's look at the clock starts one run
 * for the company's day when its time has come (not before, not twice, not while the office's own
 * run is going), the run charges like the office's, and the office is notified with the summary.
 * Two servers looking at the same minute start one run between them.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { hostname } from 'node:os'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { AppError } from '../../src/domain/errors.ts'
import { acquireRun } from '../../src/services/billing/billing-runs.ts'
import { startAutomaticBilling, startAutomaticRunIfDue } from '../../src/services/billing/automatic-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
// The company is in America/Chicago (UTC-6 in December): 11:59 UTC is 05:59 there.
let now = new Date('2026-12-01T11:59:00Z')

before(async () => {
  ;({ h, deps } = s = await startBillingServices(() => now))
  await deps.db.updateTable('companySettings').set({ timeZone: 'America/Chicago' }).execute()
  const c = await aCustomer(deps, 'Avery Auto', 'avery@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-11-01', lines: monthly(2500), name: 'Auto HVAC' })
})
after(() => s.close())

/** Each test turns the setting on itself (run alone, it does not rely on an earlier test's). */
const autoBillAt = async (time: string) => updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), autoBill: true, autoBillTime: time }, null)
const runs = () => deps.db.selectFrom('billingRuns').select(['id', 'automaticFor', 'status', 'startedBy']).orderBy('startedAt').execute()
const approvedCharges = async () => (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents > 0).length

test('off by default: nothing runs', async () => {
  assert.equal((await getBillingSettings(deps.db)).autoBill, false)
  now = new Date('2026-12-01T18:00:00Z')
  assert.equal(await startAutomaticRunIfDue(deps), null)
  assert.equal((await runs()).length, 0)
})

test("once on, the day's run starts at the set time in the company's time zone, once", async () => {
  const settings = await getBillingSettings(deps.db)
  await updateBillingSettings(deps, { ...settings, autoBill: true, autoBillTime: '06:00' }, null)
  const job = startAutomaticBilling(deps, { intervalMs: 3_600_000 })
  try {
    now = new Date('2026-12-01T11:59:00Z')
    await job.tick()
    assert.equal((await runs()).length, 0, '05:59 in Chicago: not yet')

    now = new Date('2026-12-01T12:00:00Z')
    await job.tick()
    const [run] = await runs()
    assert.deepEqual([run!.automaticFor, run!.status, run!.startedBy], ['2026-12-01', 'completed', null])
    assert.equal(await approvedCharges(), 1, 'November and December, charged together like any run (one charge per agreement)')
    const note = await deps.db.selectFrom('notifications').select(['kind', 'title', 'link']).where('kind', '=', 'billing.automatic_run').executeTakeFirstOrThrow()
    assert.deepEqual(note, { kind: 'billing.automatic_run', title: 'Automatic billing for 2026-12-01: 1 approved, $50.00 collected', link: '/billing' })

    now = new Date('2026-12-01T23:00:00Z')
    await Promise.all([job.tick(), job.tick()])
    assert.equal((await runs()).length, 1, 'not twice the same day')

    // The next day's look: nothing is due, but the run is made (it would charge retries due).
    now = new Date('2026-12-02T12:30:00Z')
    await job.tick()
    assert.deepEqual((await runs()).map((r) => r.automaticFor), ['2026-12-01', '2026-12-02'])
    assert.equal(await approvedCharges(), 1)
  } finally {
    job.stop()
  }
})

test("the office's own run in progress: the automatic one waits for the next look", async () => {
  await autoBillAt('06:00')
  now = new Date('2026-12-03T12:00:00Z')
  await h.faults({ latencyMs: 300, endpoints: ['auth'] })
  const c = await aCustomer(deps, 'Olive Office', 'olive@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-03', lines: monthly(1200), name: 'Office run' })
  const office = await startBillingRun(deps, { through: '2026-12-03', actor: null, settleWindowMs: 1000 })
  try {
    assert.equal(await startAutomaticRunIfDue(deps), null, 'a run is in progress')
  } finally {
    await office.done
    await h.faults({ reset: true })
  }
  const later = await startAutomaticRunIfDue(deps)
  assert.ok(later, 'once it has finished, the next look starts the day’s run')
  await later.done
  assert.deepEqual((await runs()).filter((r) => r.id === office.runId || r.id === later.runId).map((r) => r.automaticFor), [null, '2026-12-03'])
})

test('two servers starting the same day: the database lets one through', async () => {
  await autoBillAt('06:00')
  now = new Date('2026-12-04T12:00:00Z')
  const both = await Promise.all([startAutomaticRunIfDue(deps), startAutomaticRunIfDue(deps)])
  assert.equal(both.filter(Boolean).length, 1)
  await both.find(Boolean)!.done
  assert.equal((await runs()).filter((r) => r.automaticFor === '2026-12-04').length, 1)
  await assert.rejects(
    acquireRun(deps.db, '2026-12-04', null, '2026-12-04'),
    (e: AppError) => e.kind === 'conflict' && e.code === 'automatic_run_exists',
  )
})

test("a day's automatic run cut short by a crash is made again that day", async () => {
  await autoBillAt('06:00')
  // The server that ran it is gone (nobody holds its instance's liveness lock), a minute ago.
  await deps.db
    .insertInto('billingRuns')
    .values({ id: 'run_crashed', throughDate: '2026-12-05', status: 'running', startedBy: null, automaticFor: '2026-12-05', host: hostname(), pid: 1, owner: 'srv_gone' })
    .execute()
  now = new Date('2026-12-05T12:00:00Z')
  const again = await startAutomaticRunIfDue(deps)
  assert.ok(again, 'the crashed run does not count')
  await again.done
  const day = await deps.db.selectFrom('billingRuns').select(['id', 'status']).where('automaticFor', '=', '2026-12-05').orderBy('startedAt').execute()
  assert.deepEqual(day.map((r) => r.status), ['interrupted', 'completed'])
  assert.equal(await startAutomaticRunIfDue(deps), null, 'and only once')
})

test("a day's automatic run that failed is not made again that day; the next day's run bills what it left", async () => {
  await autoBillAt('06:00')
  const c = await aCustomer(deps, 'Fay Failed', 'fay@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agreement = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-06', lines: monthly(3300), name: 'Failed day' })
  const unpaid = () => deps.db.selectFrom('invoices').select(['status']).where('agreementId', '=', agreement).where('status', '<>', 'paid').execute()
  // This agreement's charges at the gateway (its amount is the only $33.00 in this file).
  const charges = async () => (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents === 3300).length
  const job = startAutomaticBilling(deps, { intervalMs: 3_600_000 })
  const good = deps.gateway
  try {
    // The gateway refuses our credentials: the run stops with an error (it is `failed`, not interrupted).
    deps.gateway = new CardPointeGateway({ ...h.config, password: 'wrong' })
    now = new Date('2026-12-06T12:00:00Z')
    await job.tick()
    const [failed, ...more] = await deps.db.selectFrom('billingRuns').select(['status', 'error']).where('automaticFor', '=', '2026-12-06').execute()
    assert.equal(more.length, 0)
    assert.equal(failed!.status, 'failed')
    assert.match(failed!.error ?? '', /refused our credentials/)
    const note = await deps.db.selectFrom('notifications').select('title').where('kind', '=', 'billing.automatic_run').where('title', 'like', '%2026-12-06%').executeTakeFirstOrThrow()
    assert.match(note.title, /^Automatic billing for 2026-12-06 stopped: /)

    // Credentials fixed; the job's later looks that day start nothing.
    deps.gateway = good
    for (const at of ['2026-12-06T12:01:00Z', '2026-12-06T23:59:00Z']) {
      now = new Date(at)
      await job.tick()
    }
    assert.equal((await deps.db.selectFrom('billingRuns').select('id').where('automaticFor', '=', '2026-12-06').execute()).length, 1, 'not repeated that day')
    await assert.rejects(acquireRun(deps.db, '2026-12-06', null, '2026-12-06'), (e: AppError) => e.code === 'automatic_run_exists')
    assert.equal(await charges(), 0)
    assert.equal((await unpaid()).length, 1)

    now = new Date('2026-12-07T12:00:00Z')
    await job.tick()
    assert.deepEqual((await deps.db.selectFrom('billingRuns').select('status').where('automaticFor', '=', '2026-12-07').execute()).map((r) => r.status), ['completed'])
    assert.equal((await unpaid()).length, 0, "the next day's run charges the invoice the failed one left")
    assert.equal(await charges(), 1)
  } finally {
    deps.gateway = good
    job.stop()
  }
})
