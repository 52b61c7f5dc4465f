/**
 * A run's charge passes (run-billing.ts): after each pass, the attempts found never sent free
 * their invoices for one more pass, three passes at most, so a run ends even while every request
 * is lost. An invoice first sent in the second pass (another server's charge of it was in flight
 * during the first) is sent twice, not more: the run does not go on to a fourth pass for it.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { claimAttempts } from '../../src/services/billing/charge.ts'
import { singleTarget } from '../../src/services/billing/charge-types.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { invoicedOnCard, startBillingServices, type BillingServices } from '../helpers/billing-services.ts'
import { testBackend } from '../helpers/test-db.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now, { readTimeoutMs: 200 })))
after(() => s.close())

test('while every charge request is lost, a run sends an invoice at most three times, in three passes at most', { skip: testBackend !== 'postgres' && 'another live server needs PostgreSQL' }, async () => {
  const a = (await invoicedOnCard(s, 'Pass Early', 1500)).invoices[0]!
  const b = await invoicedOnCard(s, 'Pass Late', 1600)
  // Another live server (holding its liveness lock) has a charge of Late's invoice in flight, never
  // sent: the run's recover leaves it to that server, its first pass passes Late over, and its
  // settle finds that charge never sent, so Late is first sent in the second pass.
  const dbName = (await deps.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('n')).executeTakeFirstOrThrow()).n
  const u = new URL(process.env.TEST_DATABASE_URL!)
  u.pathname = `/${dbName}`
  const other = new pg.Client({ connectionString: u.toString() })
  await other.connect()
  try {
    await other.query('select pg_advisory_lock($1, hashtext($2))', [0x5342_0001, 'srv_live'])
    const [foreign] = await claimAttempts(deps, [singleTarget(b.invoices[0]!.id, 1600, b.pm)], null)
    await deps.db.updateTable('chargeAttempts').set({ sentAt: new Date(Date.now() - 120_000), claimedBy: 'srv_live' }).where('id', '=', foreign!.orderId).execute()
    const summary = await h.withFaults({ timeoutRate: 1, hangMs: 300, endpoints: ['auth'] }, async () =>
      (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 400, inRunRetries: 0 })).done)
    assert.equal(summary.status, 'completed')
    const sends = async (invoiceId: string) =>
      (await deps.db.selectFrom('chargeAttempts as ca').innerJoin('chargeAttemptInvoices as c', 'c.attemptId', 'ca.id').select('ca.status').where('c.invoiceId', '=', invoiceId).where('ca.runId', '=', summary.runId).execute()).map((r) => r.status)
    assert.deepEqual(await sends(a.id), ['not_sent', 'not_sent', 'not_sent'])
    assert.deepEqual(await sends(b.invoices[0]!.id), ['not_sent', 'not_sent'], 'passes 2 and 3 only')
    const statuses = await deps.db.selectFrom('invoices').select('status').where('id', 'in', [a.id, b.invoices[0]!.id]).execute()
    assert.deepEqual(statuses.map((i) => i.status), ['open', 'open'])
  } finally {
    await other.end()
  }
})
