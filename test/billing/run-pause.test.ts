/**
 * A server's graceful stop (`pauseBillingRuns`, main.ts on SIGTERM) in the middle of billing: a
 * run it executes stops, says it is paused and frees its lease, and the next server finishes it,
 * each invoice charged once; a run it only helps (another server holds it) gets no more charges
 * from it, and a helper that is not stopped charges its share, counted on the run (counts whose
 * write failed are kept and written when it leaves).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { helpBillingRun, pauseBillingRuns, resumeBillingRun, startBillingRun } from '../../src/services/billing/run-billing.ts'
import { invoicedOnCard, startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

const attemptsOf = async (invoiceIds: string[]) => (await deps.db.selectFrom('chargeAttemptInvoices').select('invoiceId').where('invoiceId', 'in', invoiceIds).execute()).length
const paidOf = async (invoiceIds: string[]) =>
  (await deps.db.selectFrom('invoices').select(['status', 'paidCents', 'totalCents']).where('id', 'in', invoiceIds).execute()).map((i) => [i.status, Number(i.paidCents) === Number(i.totalCents)])
const paymentsOf = async (invoiceIds: string[]) => (await deps.db.selectFrom('payments').select('invoiceId').where('invoiceId', 'in', invoiceIds).execute()).length

test("a run another server holds: this server, stopping, charges none of it; helping, it charges them once and adds its counts to the run's", async () => {
  const ids: string[] = []
  for (const n of [1, 2]) ids.push(...(await invoicedOnCard(s, `Helped ${n}`, 1000 + n, { email: `helped${n}@example.com` })).invoices.map((i) => i.id))
  await deps.db.insertInto('billingRuns').values({ id: 'run_helped', throughDate: '2026-03-10', status: 'running', phase: 'charge', startedBy: null, automaticFor: null, owner: 'srv_other' }).execute()

  const stopped = await helpBillingRun(deps, { concurrency: 1 })
  assert.equal(stopped?.runId, 'run_helped')
  await pauseBillingRuns()
  await stopped!.done
  assert.equal(await attemptsOf(ids), 0, 'a stopping server claims no charge')

  const helping = await helpBillingRun(deps, { concurrency: 1 })
  await helping!.done
  assert.deepEqual(await paidOf(ids), [['paid', true], ['paid', true]])
  assert.equal(await paymentsOf(ids), 2)
  const run = await deps.db.selectFrom('billingRuns').select(['approved', 'collectedCents', 'helpers']).where('id', '=', 'run_helped').executeTakeFirstOrThrow()
  assert.deepEqual([run.approved, Number(run.collectedCents), run.helpers], [2, 1001 + 1002, []])
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_helped').execute()
})

test('a run this server executes, stopped: it ends paused with its lease free, and the next server finishes it, charging each invoice once', async () => {
  const ids: string[] = []
  for (const n of [1, 2]) ids.push(...(await invoicedOnCard(s, `Paused ${n}`, 2000 + n, { email: `paused${n}@example.com` })).invoices.map((i) => i.id))
  const started = await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 1000, concurrency: 1 })
  await pauseBillingRuns()
  const summary = await started.done
  assert.deepEqual([summary.runId, summary.status, summary.error], [started.runId, 'paused', null])
  const row = await deps.db.selectFrom('billingRuns').select(['status', 'owner']).where('id', '=', started.runId).executeTakeFirstOrThrow()
  assert.equal(row.owner, null, 'the lease is free for the next server')

  const resumed = await resumeBillingRun(deps, { actor: null, settleWindowMs: 1000 })
  assert.equal(resumed?.runId, started.runId)
  assert.equal((await resumed!.done).status, 'completed')
  assert.deepEqual(await paidOf(ids), [['paid', true], ['paid', true]])
  assert.equal(await paymentsOf(ids), 2)
})

test("a helper whose progress write fails keeps those counts and adds them to the run's when it leaves", async () => {
  const ids: string[] = []
  for (const n of [1, 2]) ids.push(...(await invoicedOnCard(s, `Unsaved ${n}`, 3000 + n, { email: `unsaved${n}@example.com` })).invoices.map((i) => i.id))
  await deps.db.insertInto('billingRuns').values({ id: 'run_unsaved', throughDate: '2026-03-10', status: 'running', phase: 'charge', startedBy: null, automaticFor: null, owner: 'srv_other' }).execute()
  // The database refuses the helper's progress writes (every second), not its joining or leaving
  // (those change the run's helpers); each charge takes 1.5 s, so a write fails between the two.
  await sql`create function refuse_progress() returns trigger language plpgsql as $$ begin
    if new.helpers is not distinct from old.helpers then raise exception 'progress refused (test)'; end if; return new; end $$`.execute(deps.db)
  await sql`create trigger refuse_progress before update on billing_runs for each row execute function refuse_progress()`.execute(deps.db)
  try {
    await h.withFaults({ latencyMs: 1500, endpoints: ['auth'] }, async () => {
      const helping = await helpBillingRun(deps, { concurrency: 1 })
      assert.equal(helping?.runId, 'run_unsaved')
      await helping!.done
    })
  } finally {
    await sql`drop trigger refuse_progress on billing_runs`.execute(deps.db)
  }
  assert.deepEqual(await paidOf(ids), [['paid', true], ['paid', true]])
  const run = await deps.db.selectFrom('billingRuns').select(['approved', 'collectedCents']).where('id', '=', 'run_unsaved').executeTakeFirstOrThrow()
  assert.deepEqual([run.approved, Number(run.collectedCents)], [2, 3001 + 3002])
  await deps.db.updateTable('billingRuns').set({ status: 'completed' }).where('id', '=', 'run_unsaved').execute()
})
