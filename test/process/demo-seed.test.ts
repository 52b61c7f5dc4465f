/**
 * `--demo` seeding: quotes in each state, about ten active agreements with cards stored at the
 * CardPointe sandbox and past start dates, so Bill all previews and bills due invoices (one
 * agreement declines); a second seed does nothing; without a gateway the quotes are still made.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { seedDemoData } from '../../src/services/demo/seed-demo-data.ts'
import { previewBilling } from '../../src/services/billing/preview-billing.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { createTestDatabase } from '../helpers/test-db.ts'

let h: SandboxHarness
let database: DatabaseHandle
let deps: ServiceDeps

before(async () => {
  h = await startHarness()
  database = await createTestDatabase()
  deps = { db: database.db, clock: { now: () => new Date() }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
})
after(async () => {
  await database.close()
  await h.close()
})

test('seeds quotes in each state and active agreements with cards on file; a second call seeds nothing', async () => {
  const seeded = await seedDemoData(deps)
  assert.ok(seeded)
  assert.equal(seeded.agreementsSkipped, undefined, seeded.agreementsSkipped)
  assert.equal(seeded.customers, 48)
  assert.equal(seeded.plans, 4)
  assert.equal(seeded.agreements, 10)
  assert.equal(seeded.awaitingApproval, 1)

  const quotes = await deps.db.selectFrom('quotes').select('status').execute()
  assert.equal(quotes.length, seeded.quotes)
  const byStatus = (s: string) => quotes.filter((q) => q.status === s).length
  assert.ok(byStatus('draft') >= 2)
  assert.ok(byStatus('sent') >= 1)
  assert.ok(byStatus('viewed') >= 1)
  assert.ok(byStatus('declined') >= 1)
  assert.equal(byStatus('accepted'), 11)

  const agreements = await deps.db.selectFrom('agreements').select(['id', 'status', 'startDate', 'paymentMethodId', 'quoteId']).execute()
  assert.equal(agreements.filter((a) => a.status === 'active').length, 10)
  assert.equal(agreements.filter((a) => a.status === 'pending_approval').length, 1)
  for (const a of agreements) {
    assert.ok(a.paymentMethodId, 'a card on file')
    assert.ok(a.quoteId, 'made from a signed quote')
  }
  const starts = new Set(agreements.filter((a) => a.status === 'active').map((a) => a.startDate.slice(0, 7)))
  assert.ok(starts.size >= 4, `start dates over several months: ${[...starts]}`)
  const methods = await deps.db.selectFrom('paymentMethods').select(['profileId', 'acctId', 'token']).execute()
  assert.equal(methods.length, 11)
  for (const m of methods) assert.ok(m.profileId && m.acctId && /^9\d+$/.test(m.token))
  const workOrders = await deps.db.selectFrom('workOrders').select('id').execute()
  assert.ok(workOrders.length >= 10, 'approval made the work orders')

  assert.equal(await seedDemoData(deps), undefined)
  assert.equal((await deps.db.selectFrom('quotes').select('id').execute()).length, seeded.quotes)
  assert.equal((await deps.db.selectFrom('agreements').select('id').execute()).length, 11)
})

test('Bill all previews due invoices today and a run approves most and declines one', async () => {
  const preview = await previewBilling(deps, {})
  assert.ok(preview.agreements >= 8, JSON.stringify(preview))
  assert.ok(preview.invoices >= 15)
  assert.ok(preview.rows.some((r) => r.totalCents === 111_600))

  const { done } = await startBillingRun(deps, { actor: null, settleWindowMs: 1000 })
  const summary = await done
  assert.equal(summary.status, 'completed')
  assert.equal(summary.invoicesCreated, preview.invoices)
  assert.ok(summary.approved >= 1)
  assert.ok(summary.declined >= 1)
  // One charge per agreement for all its due periods: approved and declined count charges.
  const charged = await deps.db.selectFrom('invoices').select('agreementId').distinct().where('status', 'in', ['paid', 'failed']).where('failureCode', 'is distinct from', 'no_payment_method').execute()
  assert.equal(summary.approved + summary.declined, charged.length)
  const failed = await deps.db.selectFrom('invoices').select(['status', 'failureCode']).where('status', '=', 'failed').execute()
  assert.ok(failed.length >= 1)
  assert.equal(failed[0]!.failureCode, 'insufficient_funds')
})

test('without a reachable gateway the quotes are seeded and the agreements skipped with a reason', async () => {
  const db = await createTestDatabase()
  try {
    const closed = 'http://127.0.0.1:9'
    const offline: ServiceDeps = {
      db: db.db,
      clock: { now: () => new Date() },
      gateway: new CardPointeGateway({ baseUrl: closed, merchantId: '496160873888', username: 'testing', password: 'testing123', readTimeoutMs: 2000 }),
      gatewayBrowserUrl: closed,
      publicUrl: 'http://sb.test',
    }
    const seeded = await seedDemoData(offline)
    assert.ok(seeded)
    assert.equal(seeded.customers, 48)
    assert.ok(seeded.quotes >= 4)
    assert.equal(seeded.agreements, 0)
    assert.match(seeded.agreementsSkipped ?? '', /gateway/)
    assert.equal(seeded.quotesFailed, undefined)
    assert.equal((await db.db.selectFrom('quotes').select('id').execute()).length, seeded.quotes)
    assert.equal((await db.db.selectFrom('agreements').select('id').execute()).length, 0)
  } finally {
    await db.close()
  }
})
