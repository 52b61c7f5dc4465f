/**
 * A database failure while a run writes its approvals (the group commit: several approvals in
 * one transaction) loses nothing and charges nothing twice: the charges were approved at the
 * gateway, so their attempts stay pending, never "not sent" or failed; the invoices stay unpaid
 * until a run with a working database finds the approvals by inquiry and records each once.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

test('approvals whose write fails stay pending and are recorded once by the next run, without a second charge', async () => {
  const agreements: string[] = []
  for (let i = 0; i < 3; i++) {
    const c = await aCustomer(deps, `Gus Group ${i}`, `gus${i}@example.com`)
    const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
    agreements.push(await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(2100 + i) }))
  }
  // The database refuses every payment row (as a full disk or a lost connection would): the
  // approvals' write fails after the gateway approved the charges.
  await sql`create function refuse_payments() returns trigger language plpgsql as $$ begin raise exception 'payments are refused (test)'; end $$`.execute(deps.db)
  await sql`create trigger refuse_payments before insert on payments for each row execute function refuse_payments()`.execute(deps.db)
  const broken = await (await startBillingRun(deps, { through: '2026-03-10', actor: null, concurrency: 3, settleWindowMs: 300 })).done
  assert.equal(broken.approved, 0, 'nothing is counted as collected')

  const attempts = () => deps.db.selectFrom('chargeAttempts').select(['id', 'status']).orderBy('id').execute()
  const charged = async () => (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents > 0)
  const invoices = () => deps.db.selectFrom('invoices').select(['status', 'paidCents']).where('agreementId', 'in', agreements).execute()
  const afterFailure = await attempts()
  assert.equal(afterFailure.length, 3)
  assert.deepEqual(afterFailure.map((a) => a.status), ['pending', 'pending', 'pending'], 'approved at the gateway, not written: pending for inquiry')
  assert.equal((await charged()).length, 3)
  assert.deepEqual((await invoices()).map((i) => [i.status, i.paidCents]), [['open', 0], ['open', 0], ['open', 0]], 'nothing paid yet')
  assert.equal((await deps.db.selectFrom('payments').select('id').execute()).length, 0)

  await sql`drop trigger refuse_payments on payments`.execute(deps.db)
  const next = await (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 300 })).done
  assert.equal(next.status, 'completed')
  assert.equal(next.recovered, 3, 'the three approvals are found by inquiry')
  assert.deepEqual((await attempts()).map((a) => [a.id, a.status]), afterFailure.map((a) => [a.id, 'approved']), 'the same attempts, no new ones')
  assert.equal((await charged()).length, 3, 'no second charge')
  assert.deepEqual((await invoices()).map((i) => i.status), ['paid', 'paid', 'paid'])
  const payments = await deps.db.selectFrom('payments').select(['amountCents']).orderBy('amountCents').execute()
  assert.deepEqual(payments.map((p) => Number(p.amountCents)), [2100, 2101, 2102], 'one payment per approval')
})
