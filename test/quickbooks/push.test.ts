/**
 * The QuickBooks push (issue 10) against the QuickBooks sandbox over HTTP, on the test
 * database (PGlite, and PostgreSQL in npm test's second pass): connecting through the consent
 * page, billing filling the queue, the worker pushing customers, invoices and payments exactly
 * once, voids and refunds, lost answers, name clashes, token rotation and a lost grant.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { refundPayment, voidPayment } from '../../src/services/billing/office-actions.ts'
import { drainQuickBooksQueue } from '../../src/services/quickbooks/quickbooks-worker.ts'
import { pushQuickBooksQueue } from '../../src/services/quickbooks/quickbooks-push.ts'
import { getQuickBooksStatus } from '../../src/services/quickbooks/quickbooks-connection.ts'
import { listSyncErrors, retrySyncEntry } from '../../src/services/quickbooks/quickbooks-sync-errors.ts'
import { localDate } from '../../src/domain/time-zone.ts'
import { companyTimeZone } from '../../src/services/settings/company-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'
import { startQuickBooksKit, type QuickBooksTestKit } from '../helpers/quickbooks.ts'

let s: BillingServices, h: SandboxHarness, deps: ServiceDeps, kit: QuickBooksTestKit
const now = new Date('2026-03-10T15:00:00Z')
const FAST = { retryDelaysMs: [20], claimLeaseMs: 2_000, maxWaitMs: 5_000 }

before(async () => {
  ;({ h, deps } = s = await startBillingServices(() => now))
  kit = await startQuickBooksKit()
})
after(async () => {
  await kit.close()
  await s.close()
})

async function billOne(name: string, amountCents: number, email: string | null = `${name.split(' ')[0]!.toLowerCase()}@example.com`) {
  const c = await aCustomer(deps, name, email)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(amountCents) })
  await (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 1000 })).done
  const inv = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
  const pay = await deps.db.selectFrom('payments').selectAll().where('invoiceId', '=', inv.id).executeTakeFirstOrThrow()
  return { customerId: c.id, invoice: inv, payment: pay }
}

const queued = async () => (await deps.db.selectFrom('quickbooksQueue').select(['entityType', 'status']).where('status', '<>', 'sent').execute())
/** Nothing left in the queue (else QuickBooks' words for what is left). */
async function assertDrained() {
  const left = await deps.db.selectFrom('quickbooksQueue').select(['entityType', 'status', 'lastError']).where('status', '<>', 'sent').execute()
  assert.deepEqual(left, [])
}

test('not connected: billing works and the queue waits', async () => {
  const { invoice } = await billOne('Ann Early', 12_345)
  assert.equal(invoice.status, 'paid')
  const round = await pushQuickBooksQueue(deps)
  assert.equal(round.idle, 'not_configured')
  deps.quickbooks = kit.runtime
  assert.equal((await pushQuickBooksQueue(deps)).idle, 'not_connected')
  assert.deepEqual((await queued()).map((q) => q.status).sort(), ['queued', 'queued'])
})

test('connect through the consent page: company named, tokens sealed, mapping found or created', async () => {
  const { realmId } = await kit.connect(deps)
  const st = await getQuickBooksStatus(deps)
  assert.equal(st.status, 'connected')
  assert.equal(st.realmId, realmId)
  assert.match(st.companyName ?? '', /Sandbox Company/)
  const row = await deps.db.selectFrom('quickbooksConnections').selectAll().executeTakeFirstOrThrow()
  assert.match(row.accessTokenSealed, /^v1\./)
  assert.ok(!row.accessTokenSealed.includes(kit.q.tokens.tokens.accessToken))
  const books = await kit.q.entities(realmId)
  const item = books.Item!.find((i) => i.Id === st.mapping!.serviceItemId)!
  assert.equal(item.Name, 'Service agreement')
  assert.equal(books.Account!.find((a) => a.Id === st.mapping!.depositAccountId)!.Name, 'Undeposited Funds')
  assert.equal(books.PaymentMethod!.find((m) => m.Id === st.mapping!.cardMethodId)!.Type, 'CREDIT_CARD')
})

test('the queue drains: one customer, one invoice numbered as ours, one payment linked with the gateway reference', async () => {
  const r = await drainQuickBooksQueue(deps, FAST)
  assert.equal(r.failed, 0)
  await assertDrained()
  const st = await getQuickBooksStatus(deps)
  const books = await kit.q.entities(st.realmId!)
  const inv = await deps.db.selectFrom('invoices').selectAll().executeTakeFirstOrThrow()
  const pay = await deps.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow()
  const customers = books.Customer!.filter((c) => c.DisplayName === 'Ann Early')
  assert.equal(customers.length, 1)
  const qInv = books.Invoice!.filter((i) => i.DocNumber === String(inv.number))
  assert.equal(qInv.length, 1)
  assert.equal(Math.round(Number(qInv[0]!.TotalAmt) * 100), Number(inv.totalCents))
  assert.equal(Number(qInv[0]!.Balance), 0)
  assert.equal(qInv[0]!.TxnDate, localDate(inv.createdAt, await companyTimeZone(deps.db)))
  assert.deepEqual(qInv[0]!.BillEmail, { Address: 'ann@example.com' })
  const qPay = books.Payment!
  assert.equal(qPay.length, 1)
  assert.equal(qPay[0]!.PaymentRefNum, pay.gatewayRef)
  assert.match(String(qPay[0]!.PrivateNote), new RegExp(pay.id))
  const links = await deps.db.selectFrom('quickbooksLinks').select(['entityType', 'qboId']).orderBy('entityType').execute()
  assert.deepEqual(links.map((l) => l.entityType), ['customer', 'invoice', 'payment'])
  // A second drain changes nothing.
  await drainQuickBooksQueue(deps, FAST)
  assert.equal((await kit.q.entities(st.realmId!)).Invoice!.length, 1)
})

test('customers are matched before created: by e-mail, then by name including inactive; a vendor name gets a suffix', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  const api = async (path: string, body: unknown) => {
    const { DbTokenSource } = await import('../../src/services/quickbooks/quickbooks-runtime.ts')
    const tokens = new DbTokenSource(deps, kit.runtime, realmId)
    const lease = await tokens.accessToken()
    assert.equal(lease.status, 'ok')
    const res = await fetch(`${kit.q.sandbox.url}/v3/company/${realmId}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${(lease as { accessToken: string }).accessToken}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
    assert.equal(res.status, 200, await res.clone().text())
    return res.json() as Promise<Record<string, Record<string, unknown>>>
  }
  await api('customer', { DisplayName: 'Bea Byemail Old Name', PrimaryEmailAddr: { Address: 'bea@example.com' } })
  const inactive = await api('customer', { DisplayName: 'Cy Inactive' })
  await api('customer', { Id: inactive.Customer!.Id, SyncToken: inactive.Customer!.SyncToken, sparse: true, Active: false })
  await api('vendor', { DisplayName: 'Dee Vendor' })
  await billOne('Bea Byemail', 1_000)
  await billOne('Cy Inactive', 2_000, null)
  await billOne('Dee Vendor', 3_000, null)
  await drainQuickBooksQueue(deps, FAST)
  await assertDrained()
  const books = await kit.q.entities(realmId)
  const names = books.Customer!.map((x) => x.DisplayName).sort()
  assert.deepEqual(names, ['Ann Early', 'Bea Byemail Old Name', 'Cy Inactive', 'Dee Vendor (customer)'])
})

test('a round of new customers is looked up together: one query by e-mail and one by name, not two per customer', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  const names = Array.from({ length: 12 }, (_, i) => `Round Customer ${i}`)
  for (const [i, name] of names.entries()) {
    const c = await aCustomer(deps, name, `round${i}@example.com`)
    await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, c.id), startDate: '2026-03-01', lines: monthly(1_000 + i) })
  }
  await (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 1000 })).done
  const queries: string[] = []
  const original = globalThis.fetch
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(String(input))
    if (url.pathname.endsWith('/query')) queries.push(url.searchParams.get('query') ?? String(init?.body))
    return original(input, init)
  }) as typeof fetch
  deps.quickbooks = { ...kit.runtime } // a client built now, on the counting fetch
  try {
    await drainQuickBooksQueue(deps, FAST)
  } finally {
    globalThis.fetch = original
    deps.quickbooks = kit.runtime
  }
  await assertDrained()
  const lookups = queries.filter((q) => /from customer/i.test(q))
  assert.equal(lookups.length, 2, lookups.join('\n'))
  assert.match(lookups.find((q) => /PrimaryEmailAddr in/.test(q)) ?? '', /'round0@example\.com'.*'round11@example\.com'/)
  assert.match(lookups.find((q) => /DisplayName in/.test(q)) ?? '', /'Round Customer 0'.*'Round Customer 11'.*Active in \(true, false\)/)
  const books = await kit.q.entities(realmId)
  for (const name of names) assert.equal(books.Customer!.filter((c) => c.DisplayName === name).length, 1, name)
})

test('a lost answer: the invoice and payment are looked up, not created twice', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  await billOne('Eve Dropped', 4_321)
  await kit.q.withFaults({ dropRate: 1, requestIdReplay: false, endpoints: ['invoice', 'payment', 'customer'] }, () => pushQuickBooksQueue(deps, FAST))
  await drainQuickBooksQueue(deps, FAST)
  const books = await kit.q.entities(realmId)
  assert.equal(books.Customer!.filter((x) => x.DisplayName === 'Eve Dropped').length, 1)
  const inv = await deps.db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customerId').select('i.number').where('c.name', '=', 'Eve Dropped').executeTakeFirstOrThrow()
  assert.equal(books.Invoice!.filter((x) => x.DocNumber === String(inv.number)).length, 1)
  assert.equal(books.Payment!.filter((x) => Number(x.TotalAmt) === 43.21).length, 1)
  await assertDrained()
})

test('a payment whose answer is lost and whose lookup is then throttled is looked up on the next try, not created again', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  const { payment } = await billOne('Ida Throttled', 3_210)
  const due = () => deps.db.updateTable('quickbooksQueue').set({ nextAttemptAt: new Date(0) }).where('entityId', '=', payment.id).execute()
  // The customer and invoice go through; the payment is throttled, so it waits untried.
  await kit.q.withFaults({ throttleRate: 1, endpoints: ['payment'] }, () => pushQuickBooksQueue(deps, FAST))
  await due()
  // QuickBooks stores the payment but the answer is lost, and the lookup after it gets a 429.
  const round = await kit.q.withFaults({ dropRate: 1, endpoints: ['payment'], throttleRate: 1, throttleEndpoints: ['query'], requestIdReplay: false }, () => pushQuickBooksQueue(deps, FAST))
  assert.equal(round.deferred, 1)
  await due()
  await kit.q.withFaults({ requestIdReplay: false }, () => drainQuickBooksQueue(deps, FAST))
  await assertDrained()
  const books = await kit.q.entities(realmId)
  assert.equal(books.Payment!.filter((x) => x.PrivateNote === `Servicebook ${payment.id}`).length, 1)
})

test('a voided payment voids the QuickBooks payment; a refund becomes a refund receipt', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  const { payment: p1 } = await billOne('Fay Voided', 5_000)
  const { payment: p2 } = await billOne('Gus Refunded', 6_000)
  await drainQuickBooksQueue(deps, FAST)
  assert.equal((await voidPayment(deps, p1.id, 'customer asked', null)).status, 'voided')
  await h.settle()
  assert.equal((await refundPayment(deps, p2.id, { amountCents: 2_500, reason: 'partial credit' }, null)).refundedCents, 2_500)
  await drainQuickBooksQueue(deps, FAST)
  await assertDrained()
  const books = await kit.q.entities(realmId)
  const linkOf = async (t: 'payment', id: string) => (await deps.db.selectFrom('quickbooksLinks').select('qboId').where('entityType', '=', t).where('entityId', '=', id).executeTakeFirstOrThrow()).qboId
  const voidedId = await linkOf('payment', p1.id)
  const voided = books.Payment!.find((x) => x.Id === voidedId)!
  assert.equal(Number(voided.TotalAmt), 0)
  assert.match(String(voided.PrivateNote), /^Voided/)
  const receipts = books.RefundReceipt ?? []
  assert.equal(receipts.length, 1)
  assert.equal(Number(receipts[0]!.TotalAmt), 25)
})

test('a catch-up of six periods is one QuickBooks payment with a line linked to each of the six invoices', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  const c = await aCustomer(deps, 'Hal Behind', 'hal@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2025-10-01', lines: monthly(2_995) })
  await (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 1000 })).done
  const invoices = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).orderBy('periodStart').execute()
  assert.equal(invoices.length, 6)
  const payments = await deps.db.selectFrom('payments').selectAll().where('customerId', '=', c.id).execute()
  assert.equal(payments.length, 1)
  await drainQuickBooksQueue(deps, FAST)
  await assertDrained()
  const books = await kit.q.entities(realmId)
  const link = async (t: 'payment' | 'invoice', id: string) => (await deps.db.selectFrom('quickbooksLinks').select('qboId').where('entityType', '=', t).where('entityId', '=', id).executeTakeFirstOrThrow()).qboId
  const qPay = books.Payment!.filter((x) => String(x.PrivateNote).includes(payments[0]!.id))
  assert.equal(qPay.length, 1, 'one QuickBooks payment')
  assert.equal(Number(qPay[0]!.TotalAmt), 179.7)
  const lines = qPay[0]!.Line as { Amount: number; LinkedTxn: { TxnId: string; TxnType: string }[] }[]
  const invoiceIds = await Promise.all(invoices.map((i) => link('invoice', i.id)))
  assert.deepEqual(lines.map((l) => [l.Amount, l.LinkedTxn.map((t) => [t.TxnType, t.TxnId])]), invoiceIds.map((id) => [29.95, [['Invoice', id]]]))
  for (const id of invoiceIds) assert.equal(Number(books.Invoice!.find((x) => x.Id === id)!.Balance), 0, 'each invoice paid in QuickBooks')
})

test('a refused record is listed with QuickBooks\' message and a hint; Retry sends it once fixed', async () => {
  const realmId = (await getQuickBooksStatus(deps)).realmId!
  // The service item is made inactive in QuickBooks: invoices are refused (610/2500).
  const { DbTokenSource } = await import('../../src/services/quickbooks/quickbooks-runtime.ts')
  const tokens = new DbTokenSource(deps, kit.runtime, realmId)
  const token = ((await tokens.accessToken()) as { accessToken: string }).accessToken
  const itemId = (await getQuickBooksStatus(deps)).mapping!.serviceItemId!
  const post = async (body: unknown) => fetch(`${kit.q.sandbox.url}/v3/company/${realmId}/item`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ Item: { SyncToken: string } }>)
  const current = (await fetch(`${kit.q.sandbox.url}/v3/company/${realmId}/item/${itemId}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).then((r) => r.json())) as { Item: { SyncToken: string } }
  const off = await post({ Id: itemId, SyncToken: current.Item.SyncToken, sparse: true, Active: false })
  await billOne('Hal Refused', 7_000)
  await drainQuickBooksQueue(deps, FAST)
  const errors = await listSyncErrors(deps, { limit: 50, offset: 0 })
  const failed = errors.items.find((e) => e.entityType === 'invoice' && e.status === 'failed')!
  assert.ok(failed, JSON.stringify(errors.items))
  assert.equal(failed.customerName, 'Hal Refused')
  assert.ok(failed.lastError && failed.fixHint)
  const on = await post({ Id: itemId, SyncToken: off.Item.SyncToken, sparse: true, Active: true })
  assert.equal((on as unknown as { Item: { Active: boolean } }).Item.Active, true, JSON.stringify(on))
  await retrySyncEntry(deps, failed.id, null)
  await drainQuickBooksQueue(deps, FAST)
  // The payment waited for its invoice; both are sent now.
  await assertDrained()
})

test('tokens: an expired access token is refreshed once and the new refresh token stored; a lost grant waits for reconnection and tells the office', async () => {
  const before = await deps.db.selectFrom('quickbooksConnections').select(['refreshTokenSealed']).executeTakeFirstOrThrow()
  await billOne('Ida Expired', 1_111)
  await kit.q.faults({ expireTokens: true })
  await drainQuickBooksQueue(deps, FAST)
  await kit.q.faults({ reset: true })
  await assertDrained()
  const afterRow = await deps.db.selectFrom('quickbooksConnections').select(['refreshTokenSealed', 'refreshedAt']).executeTakeFirstOrThrow()
  assert.notEqual(afterRow.refreshTokenSealed, before.refreshTokenSealed)
  assert.ok(afterRow.refreshedAt)
  // The grant is revoked at Intuit (someone disconnected the app there).
  const { openToken } = await import('../../src/integrations/quickbooks/token-crypto.ts')
  const row = await deps.db.selectFrom('quickbooksConnections').selectAll().executeTakeFirstOrThrow()
  assert.equal((await kit.runtime.oauth.revoke(openToken(row.refreshTokenSealed, kit.runtime.tokenKey, row.realmId))).status, 'ok')
  await deps.db.updateTable('quickbooksConnections').set({ accessExpiresAt: new Date(Date.now() - 1000) }).execute()
  const { forgetClients } = await import('../../src/services/quickbooks/quickbooks-runtime.ts')
  forgetClients(deps)
  await billOne('Jo Waiting', 2_222)
  await drainQuickBooksQueue(deps, FAST)
  const st = await getQuickBooksStatus(deps)
  assert.equal(st.status, 'needs_reconnect')
  assert.ok(st.queue.queued + st.queue.waiting >= 2)
  const bell = await deps.db.selectFrom('notifications').select(['kind']).where('kind', '=', 'quickbooks.needs_reconnect').execute()
  assert.equal(bell.length, 1)
  // Reconnecting the same company sends what waited.
  await kit.connect(deps, { company: st.realmId! })
  await drainQuickBooksQueue(deps, FAST)
  await assertDrained()
  const books = await kit.q.entities(st.realmId!)
  assert.equal(books.Customer!.filter((x) => x.DisplayName === 'Jo Waiting').length, 1)
})
