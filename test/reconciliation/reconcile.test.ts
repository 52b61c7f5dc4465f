/**
 * Reconciliation against the CardPointe sandbox over HTTP, on the test database: after a clean
 * billing run and the day's batch close nothing is reported; a payment deleted from our books, an
 * amount changed in them and an approved charge we never recorded are each found, with a link to
 * act on; a bank payment the customer's bank returns (R01) is reversed in our books, queued for
 * QuickBooks and sent into the failed-payment flow once, however many reconciles run, at once or
 * one after another.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { newId } from '../../src/domain/ids.ts'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { DatabaseHandle } from '../../src/db/database.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { reconcileDays, type ReconcileSides } from '../../src/services/reconciliation/reconcile.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { createTestDatabase } from '../helpers/test-db.ts'

// The sandbox dates batches by the real clock, so the books use it too.
let h: SandboxHarness
let deps: ServiceDeps
let database: DatabaseHandle
let sides: ReconcileSides
let today: string
const agreements: Record<string, string> = {}

before(async () => {
  h = await startHarness()
  database = await createTestDatabase()
  deps = { db: database.db, clock: { now: () => new Date() }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
  sides = { reports: h.gateway, ledger: null }
  today = await companyToday(deps)
})
after(async () => {
  await database.close()
  await h.close()
})

async function anAchAccount(customerId: string): Promise<string> {
  const stored = await deps.gateway.verifyAndStoreBankAccount({ kind: 'checking', accountNumber: '4099999992', routingNumber: '036001808', accountHolderName: 'Dee Ach', orderId: deps.gateway.newOrderId() })
  if (stored.status !== 'approved' || !stored.profileId || !stored.accountId) throw new Error(JSON.stringify(stored))
  const id = newId('pm')
  await deps.db.insertInto('paymentMethods').values({ id, customerId, kind: 'ach', profileId: stored.profileId, acctId: stored.accountId, token: stored.token ?? 'tok', last4: '9992', brand: null, accountType: 'ECHK', expiry: null }).execute()
  return id
}

async function customerWith(name: string, amountCents: number, method: 'card' | 'ach') {
  const c = await aCustomer(deps, name, `${name.split(' ')[0]!.toLowerCase()}@example.com`)
  const pm = method === 'card' ? await aCard(deps.db, deps.gateway, h.tokenize, c.id) : await anAchAccount(c.id)
  agreements[name] = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: today, lines: monthly(amountCents) })
}

async function bill() {
  const run = await (await startBillingRun(deps, { through: today, actor: null, settleWindowMs: 1000 })).done
  assert.equal(run.status, 'completed')
}

const paymentOf = (name: string) =>
  deps.db.selectFrom('payments as p').innerJoin('invoices as i', 'i.id', 'p.invoiceId').selectAll('p').select(['i.number']).where('i.agreementId', '=', agreements[name]!).executeTakeFirstOrThrow()

test('after a clean billing run and the batch close, reconcile reports zero mismatches', async () => {
  await customerWith('Ann Card', 5000, 'card')
  await customerWith('Bob Card', 7250, 'card')
  await customerWith('Cy Card', 1999, 'card')
  await customerWith('Dee Bank', 8800, 'ach')
  await bill()
  await h.settle()
  const r = await reconcileDays(deps, sides, { from: today, to: today })
  assert.deepEqual(r.mismatches, [])
  assert.deepEqual(r.days, [{ day: today, gateway: { count: 4, cents: 23049 }, books: { count: 4, cents: 23049 }, ledger: null, mismatches: 0 }])
  assert.equal(r.returnsApplied, 0)
})

test('a deleted payment, a changed amount and a charge we never recorded are each found', async () => {
  const ann = await paymentOf('Ann Card')
  const bob = await paymentOf('Bob Card')
  await sql`delete from payments where id = ${ann.id}`.execute(deps.db)
  await deps.db.updateTable('payments').set({ amountCents: 7000 }).where('id', '=', bob.id).execute()
  const outside = await h.client.auth({ account: '4788250000121443', expiry: '1230', amount: '12.34', capture: 'Y', orderid: 'not-ours-1' })
  const outsideRef = outside.kind === 'http' ? String((outside.body as Record<string, unknown>).retref) : ''
  await h.settle()

  const r = await reconcileDays(deps, sides, { from: today, to: today })
  const found = r.mismatches.map((m) => [m.kind, m.gatewayRef, m.bookCents, m.otherCents, m.link.href])
  assert.deepEqual(found.sort(), [
    ['amount_differs', bob.gatewayRef, 7000, 7250, `/agreements/${agreements['Bob Card']}`],
    ['charged_not_recorded', ann.gatewayRef, null, 5000, `/agreements/${agreements['Ann Card']}`],
    ['charged_not_recorded', outsideRef, null, 1234, '/billing'],
  ].sort())
  assert.match(r.mismatches.find((m) => m.gatewayRef === ann.gatewayRef)!.message, new RegExp(`invoice ${ann.number}`))
  assert.equal(r.days[0]!.mismatches, 3)
})

test('a returned bank payment is reversed and enters the failed-payment flow once, across runs at once and after', async () => {
  await h.withFaults({ achReturnCode: 'R01', achReturnAfterDays: 0 }, async () => {
    await customerWith('Eve Bank', 4321, 'ach')
    await bill()
    await h.settle()
  })
  const eve = await paymentOf('Eve Bank')
  const [first, second] = await Promise.all([reconcileDays(deps, sides, { from: today, to: today }), reconcileDays(deps, sides, { from: today, to: today })])
  const third = await reconcileDays(deps, sides, { from: today, to: today })
  assert.equal(first.returnsApplied + second.returnsApplied + third.returnsApplied, 1)
  for (const r of [first, second, third]) {
    const returned = r.mismatches.filter((m) => m.kind === 'bank_payment_returned')
    assert.deepEqual(returned.map((m) => [m.paymentId, m.otherCents, m.link.href]), [[eve.id, 4321, `/agreements/${agreements['Eve Bank']}`]])
    assert.match(returned[0]!.message, /R01 Insufficient Funds/)
  }

  const pay = await deps.db.selectFrom('payments').selectAll().where('id', '=', eve.id).executeTakeFirstOrThrow()
  assert.equal(pay.status, 'voided')
  const inv = await deps.db.selectFrom('invoices').selectAll().where('id', '=', eve.invoiceId).executeTakeFirstOrThrow()
  assert.deepEqual([inv.status, Number(inv.paidCents), inv.failureCode, inv.retryState, inv.failedAttempts], ['failed', 0, 'bank_payment_returned', 'scheduled', 1])
  assert.ok(inv.nextRetryDate, 'insufficient funds: retried on the schedule')
  const reversals = await deps.db.selectFrom('paymentReversals').selectAll().where('paymentId', '=', eve.id).execute()
  assert.deepEqual(reversals.map((x) => [x.kind, x.status, Number(x.amountCents)]), [['void', 'approved', 4321]])
  const queued = await deps.db.selectFrom('quickbooksQueue').select('entityType').where('entityId', '=', eve.id).orderBy('entityType').execute()
  assert.deepEqual(queued.map((q) => q.entityType), ['payment', 'void'])
  const notices = await deps.db.selectFrom('emailOutbox').select(['kind', 'toAddress']).where('relatedId', '=', eve.invoiceId).where('kind', '!=', 'billing.receipt').execute()
  assert.deepEqual(notices.map((n) => [n.kind, n.toAddress]), [['billing.payment_failed', 'eve@example.com']])
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ach_returns where payment_id = ${eve.id}`.execute(deps.db)
  assert.equal(rows[0]!.n, 1)

  // Later, with the sandbox's funding for the return day gone from view (the bank told us on an
  // earlier day), the settled-then-voided payment is still explained by the applied return.
  const blind = { reports: { settledOn: (d: string) => h.gateway.settledOn(d), fundedOn: async () => ({ status: 'ok' as const, value: [] }) }, ledger: null }
  const later = await reconcileDays(deps, blind, { from: today, to: today })
  assert.deepEqual(later.mismatches.filter((m) => m.paymentId === eve.id).map((m) => m.kind), ['bank_payment_returned'])
})

test('a gateway whose reports cannot be read is left out and said so, not taken as an empty day', async () => {
  const r = await reconcileDays(deps, { reports: new CardPointeGateway({ ...h.config, password: 'wrong' }), ledger: null }, { from: today, to: today })
  assert.equal(r.days[0]!.gateway, null)
  assert.deepEqual(r.mismatches.filter((m) => m.kind !== 'bank_payment_returned'), [])
  assert.match(r.warnings.join(), /settlement report .* could not be read .*credentials/)
})

test('bad ranges are refused naming the field', async () => {
  await assert.rejects(reconcileDays(deps, sides, { from: '2026-13-01' }), (e: Error & { details?: { fields?: Record<string, string> } }) => 'from' in (e.details?.fields ?? {}))
  await assert.rejects(reconcileDays(deps, sides, { from: today, to: '2999-01-01' }), (e: Error & { details?: { fields?: Record<string, string> } }) => 'to' in (e.details?.fields ?? {}))
})
