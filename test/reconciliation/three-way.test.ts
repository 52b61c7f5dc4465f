/**
 * Three ways with QuickBooks connected (the QuickBooks sandbox over HTTP, pushed by the push
 * worker): after billing, the batch close and the push, the gateway, Servicebook and QuickBooks
 * agree to the cent with zero mismatches; a payment billed but not yet pushed is "not in
 * QuickBooks", linked to its invoice; a bank payment returned R02 is reversed in our books and,
 * through the queue, voided in QuickBooks, and the invoice waits for a new payment method.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { connectedLedger } from '../../src/services/quickbooks/quickbooks-runtime.ts'
import { drainQuickBooksQueue } from '../../src/services/quickbooks/quickbooks-worker.ts'
import { reconcileDays } from '../../src/services/reconciliation/reconcile.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { newId } from '../../src/domain/ids.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startQuickBooksKit, type QuickBooksTestKit } from '../helpers/quickbooks.ts'
import { createTestDatabase } from '../helpers/test-db.ts'

// The CardPointe sandbox dates its batches by the real clock, so the books use it too.
let h: SandboxHarness
let database: DatabaseHandle
let deps: ServiceDeps
let kit: QuickBooksTestKit
let today: string
const FAST = { retryDelaysMs: [20], claimLeaseMs: 2_000, maxWaitMs: 5_000 }

before(async () => {
  h = await startHarness()
  database = await createTestDatabase()
  deps = { db: database.db, clock: { now: () => new Date() }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
  kit = await startQuickBooksKit()
  await kit.connect(deps)
  today = await companyToday(deps)
})
after(async () => {
  await kit.close()
  await database.close()
  await h.close()
})

async function billOne(name: string, amountCents: number): Promise<string> {
  const c = await aCustomer(deps, name, `${name.split(' ')[0]!.toLowerCase()}@example.com`)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: today, lines: monthly(amountCents) })
  await (await startBillingRun(deps, { through: today, actor: null, settleWindowMs: 1000 })).done
  return agr
}

const reconcileToday = async () => reconcileDays(deps, { reports: h.gateway, ledger: await connectedLedger(deps) }, { from: today, to: today })

test('billed, settled and pushed: the three sides agree with zero mismatches', async () => {
  await billOne('Quinn Books', 6100)
  await billOne('Rae Books', 2575)
  await h.settle()
  await drainQuickBooksQueue(deps, FAST)
  const r = await reconcileToday()
  assert.deepEqual(r.warnings, [])
  assert.equal(r.ledgerConnected, true)
  assert.deepEqual(r.mismatches, [])
  assert.deepEqual(r.days, [{ day: today, gateway: { count: 2, cents: 8675 }, books: { count: 2, cents: 8675 }, ledger: { count: 2, cents: 8675 }, mismatches: 0 }])
})

test('a payment not pushed yet is in our books but not in QuickBooks', async () => {
  const agr = await billOne('Sam Unpushed', 999)
  await h.settle()
  const r = await reconcileToday()
  assert.deepEqual(r.mismatches.map((m) => [m.kind, m.bookCents, m.link.href]), [['not_in_ledger', 999, `/agreements/${agr}`]])
  await drainQuickBooksQueue(deps, FAST)
  assert.deepEqual((await reconcileToday()).mismatches, [])
})

test('a bank payment returned R02 is reversed in our books and voided in QuickBooks once pushed', async () => {
  const c = await aCustomer(deps, 'Tess Bank', 'tess@example.com')
  const stored = await deps.gateway.verifyAndStoreBankAccount({ kind: 'checking', accountNumber: '4099999993', routingNumber: '036001808', accountHolderName: 'Tess Bank', orderId: deps.gateway.newOrderId() })
  assert.ok(stored.status === 'approved' && stored.profileId && stored.accountId)
  const pm = newId('pm')
  await deps.db.insertInto('paymentMethods').values({ id: pm, customerId: c.id, kind: 'ach', profileId: stored.profileId, acctId: stored.accountId, token: stored.token ?? 'tok', last4: '9993', brand: null, accountType: 'ECHK', expiry: null }).execute()
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: today, lines: monthly(3300) })
  await h.withFaults({ achReturnCode: 'R02', achReturnAfterDays: 0 }, async () => {
    await (await startBillingRun(deps, { through: today, actor: null, settleWindowMs: 1000 })).done
    await h.settle()
  })
  await drainQuickBooksQueue(deps, FAST)
  const first = await reconcileToday()
  assert.equal(first.returnsApplied, 1)
  await drainQuickBooksQueue(deps, FAST)
  const after = await reconcileToday()
  assert.equal(after.returnsApplied, 0)
  assert.deepEqual(after.mismatches.map((m) => [m.kind, m.link.href]), [['bank_payment_returned', `/agreements/${agr}`]])
  const inv = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.deepEqual([inv.status, inv.failureCode, inv.retryState], ['failed', 'bank_payment_returned', 'needs_payment_method'])
  const pay = await deps.db.selectFrom('payments').selectAll().where('invoiceId', '=', inv.id).executeTakeFirstOrThrow()
  const listed = await (await connectedLedger(deps))!.listPayments({ from: today, to: today })
  assert.ok(listed.status === 'ok')
  const inBooks = listed.value.filter((l) => l.gatewayRef === pay.gatewayRef)
  assert.deepEqual(inBooks.map((l) => [l.isVoided, l.amountCents]), [[true, 0]])
})
