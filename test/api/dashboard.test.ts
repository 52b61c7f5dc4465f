/**
 * The dashboard's data (GET /api/dashboard) on a small known book, both databases: every tile as of
 * the company's today with the list it opens, and the 12-month series (recurring revenue at each
 * month's end including a renewal's hand-over and an expiry, billed and collected by month from the
 * ledger the triggers write, renewal rate, failed payments by reason, recovered vs lost, agreements
 * by plan). Each figure is worked out by hand in the comments.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../../src/domain/ids.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'

let t: TestApp
let h: Record<string, string>
const now = new Date('2026-06-15T17:00:00Z') // 13:00 in New York, the company's zone

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
  h = await loginHeaders(t.app, await t.addUser('office'))
})
after(() => t.close())

test('tiles as of today with their lists, and twelve months of series', async () => {
  const db = t.deps.db
  const c = await aCustomer(t.deps, 'Dash Customer', 'dash@example.com')
  const plan = async (name: string) => {
    const id = newId('pln')
    await db.insertInto('plans').values({ id, name, priceCents: 1000, billingFrequency: 'monthly', billingIntervalMonths: 1, termMonths: 12, archivedAt: null }).execute()
    return id
  }
  const [p1, p2] = [await plan('Comfort'), await plan('Premium')]
  const agr = (o: Parameters<typeof anAgreement>[1]) => anAgreement(db, o)
  const base = { customerId: c.id, locationId: c.locationId, paymentMethodId: null }
  const A = await agr({ ...base, startDate: '2026-01-01', lines: monthly(3000) }) // open-ended, 3000 a month
  const B = await agr({ ...base, startDate: '2026-03-01', intervalMonths: 3, termMonths: 12, endDate: '2027-03-01', lines: monthly(9000) }) // 3000 a month
  const C = await agr({ ...base, startDate: '2025-07-01', intervalMonths: 12, termMonths: 12, endDate: '2026-07-01', lines: monthly(12000) }) // 1000 a month, ends in 16 days
  await agr({ ...base, startDate: '2026-02-01', termMonths: 12, endDate: '2027-02-01', lines: monthly(2000), status: 'suspended' })
  await agr({ ...base, startDate: '2026-07-01', termMonths: 12, endDate: '2027-07-01', status: 'pending_approval' })
  const F = await agr({ ...base, startDate: '2025-05-01', termMonths: 12, endDate: '2026-05-01', lines: monthly(1500) }) // expired in May
  const G = await agr({ ...base, startDate: '2025-04-01', termMonths: 12, endDate: '2026-04-01', lines: monthly(2400) }) // renewed in April by H
  const H = await agr({ ...base, startDate: '2026-04-01', termMonths: 12, endDate: '2027-04-01', lines: monthly(2500) })
  const I = await agr({ ...base, startDate: '2025-08-01', termMonths: 12, endDate: '2026-08-01', lines: monthly(1000) }) // ends in 47 days
  await db.updateTable('agreements').set({ planId: p1 }).where('id', 'in', [A, B]).execute()
  await db.updateTable('agreements').set({ planId: p2 }).where('id', 'in', [H, I]).execute()
  await db.updateTable('agreements').set({ status: 'expired', endedOn: '2026-05-01' }).where('id', '=', F).execute()
  await db.updateTable('agreements').set({ status: 'renewed', endedOn: '2026-04-01', renewedById: H }).where('id', '=', G).execute()
  await db.updateTable('agreements').set({ renewalOfId: G }).where('id', '=', H).execute()

  const at = (iso: string) => new Date(iso)
  let seq = 0
  const invoice = (o: { agreementId: string; total: number; paid?: number; status: 'open' | 'paid' | 'failed' | 'void'; created: string; failure?: string; firstFailed?: string; retry?: 'scheduled' | 'exhausted' }) => {
    const id = newId('inv')
    return db
      .insertInto('invoices')
      .values({
        id, agreementId: o.agreementId, customerId: c.id, runId: null, periodIndex: ++seq, periodStart: `2099-01-${String(seq).padStart(2, '0')}`, periodEnd: '2099-02-01', lines: '[]',
        subtotalCents: o.total, taxCents: 0, totalCents: o.total, paidCents: o.paid ?? 0, status: o.status, failureCode: o.failure ?? null, failureMessage: null,
        retryState: o.retry ?? null, nextRetryDate: null, firstFailedAt: o.firstFailed ? at(o.firstFailed) : null, paidAt: null, createdAt: at(o.created), updatedAt: at(o.created),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id)
  }
  const pay = (invoiceId: string, amount: number, received: string) =>
    db.insertInto('payments').values({ id: newId('pay'), invoiceId, customerId: c.id, attemptId: null, method: 'card', amountCents: amount, gatewayRef: null, authCode: null, recordedBy: null, receivedAt: at(received) }).execute()
  // Billed: May 1000 + 800 = 1800; June 2000 + 3 × 1000 = 5000 (a void one never counts). Collected: May 800, June 2000 + 300.
  await invoice({ agreementId: A, total: 1000, status: 'open', created: '2026-05-10T15:00:00Z' })
  const paid = await invoice({ agreementId: A, total: 2000, paid: 2000, status: 'paid', created: '2026-06-02T15:00:00Z' })
  await pay(paid, 2000, '2026-06-02T16:00:00Z')
  const partial = await invoice({ agreementId: B, total: 1000, paid: 300, status: 'failed', failure: 'insufficient_funds', firstFailed: '2026-06-03T15:00:00Z', retry: 'scheduled', created: '2026-06-03T15:00:00Z' })
  await pay(partial, 300, '2026-06-03T16:00:00Z')
  await invoice({ agreementId: B, total: 1000, status: 'failed', failure: 'insufficient_funds', firstFailed: '2026-06-03T15:00:00Z', retry: 'scheduled', created: '2026-06-03T15:00:00Z' })
  await invoice({ agreementId: I, total: 1000, status: 'failed', failure: 'expired_card', firstFailed: '2026-06-03T15:00:00Z', retry: 'exhausted', created: '2026-06-03T15:00:00Z' })
  const recovered = await invoice({ agreementId: I, total: 800, paid: 800, status: 'paid', firstFailed: '2026-05-05T15:00:00Z', created: '2026-05-01T15:00:00Z' })
  await pay(recovered, 800, '2026-05-08T15:00:00Z')
  await invoice({ agreementId: I, total: 600, status: 'void', firstFailed: '2026-04-02T15:00:00Z', created: '2026-04-01T15:00:00Z' })
  // Renewals this month: one quote sent (and accepted); one sent last month.
  const notice = (sent: string, accepted: string | null) =>
    db.insertInto('renewalNotices').values({
      id: newId('rnw'), agreementId: C, kind: 'quote', termEnd: '2026-07-01', startDate: '2026-07-01', termMonths: 12, billingIntervalMonths: 12, lines: '[]', priceChange: '{"kind":"none"}',
      oldPeriodCents: 12000, newPeriodCents: 12000, tokenHash: newId('rnw'), expiresAt: at('2026-08-01T00:00:00Z'), sentAt: at(sent), acceptedAt: accepted ? at(accepted) : null, status: accepted ? 'accepted' : 'superseded',
    }).execute()
  await notice('2026-06-10T15:00:00Z', '2026-06-12T15:00:00Z')
  await notice('2026-05-30T15:00:00Z', null)
  // Today's visits: one at 10:00 New York; tomorrow's and a cancelled one do not count.
  const visit = (start: string, status: 'scheduled' | 'cancelled') =>
    db.insertInto('workOrders').values({ id: newId('wo'), agreementId: A, customerId: c.id, locationId: c.locationId, description: 'Tune-up', windowStart: '2026-06-01', windowEnd: '2026-06-30', status, statusBeforeSuspension: null, technicianId: null, scheduledStart: at(start), scheduledEnd: new Date(at(start).getTime() + 3_600_000) }).execute()
  await visit('2026-06-15T14:00:00Z', 'scheduled')
  await visit('2026-06-16T14:00:00Z', 'scheduled')
  await visit('2026-06-15T15:00:00Z', 'cancelled')
  await db.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'invoice', entityId: partial, status: 'failed' }).execute()

  const res = await t.app.inject({ method: 'GET', url: '/api/dashboard', headers: h })
  assert.equal(res.statusCode, 200, res.body)
  const d = res.json()
  assert.equal(d.today, '2026-06-15')
  // In term today: A, B, C, H, I. MRR 3000 + 3000 + 1000 + 2500 + 1000 (suspended D does not collect).
  assert.deepEqual(d.tiles, {
    activeAgreements: 5, mrrCents: 10500, billedThisMonthCents: 5000, collectedThisMonthCents: 2300, failedPayments: 3, failedOwedCents: 2700, pendingApprovals: 1,
    expiring30: 1, expiring60: 2, expiring90: 2, suspendedAgreements: 1, renewalsSentThisMonth: 1, renewalsAcceptedThisMonth: 1, todaysVisits: 1, quickbooksErrors: 1,
  })
  assert.equal(d.links.expiring30, '/agreements?expiringWithin=30&sort=endDate&dir=asc')
  assert.equal(d.links.failedPayments, '/billing/failed')
  assert.equal(d.links.todaysVisits, '/schedule?view=day&date=2026-06-15')
  assert.equal(d.links.quickbooksErrors, '/settings/quickbooks')
  const s = d.series
  assert.deepEqual(s.months, ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'])
  // C + F + G = 4900; + I from Aug; + A Jan; + D Feb (suspended now, running then); + B Mar; Apr: G hands over to H, F still running; May: F gone; June: today's.
  assert.deepEqual(s.mrrCents, [4900, 5900, 5900, 5900, 5900, 5900, 8900, 10900, 13900, 14000, 12500, 10500])
  assert.deepEqual(s.billedCents, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1800, 5000])
  assert.deepEqual(s.collectedCents, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 800, 2300])
  // Offers by month: May's quote (sent the 30th), June's (sent the 10th, accepted the 12th).
  assert.deepEqual(s.renewals.slice(9), [
    { month: '2026-04', renewed: 1, expired: 0, rate: 1, sent: 0, accepted: 0 },
    { month: '2026-05', renewed: 0, expired: 1, rate: 0, sent: 1, accepted: 0 },
    { month: '2026-06', renewed: 0, expired: 0, rate: null, sent: 1, accepted: 1 },
  ])
  assert.deepEqual(s.failedByReason, [{ reason: 'insufficient_funds', count: 2, owedCents: 1700 }, { reason: 'expired_card', count: 1, owedCents: 1000 }])
  assert.deepEqual(s.failureOutcomes, { recovered: { count: 1, cents: 800 }, lost: { count: 2, cents: 1600 }, pending: { count: 2, cents: 2000 } })
  assert.deepEqual(s.agreementsByPlan, [
    { planId: p1, planName: 'Comfort', count: 2, mrrCents: 6000 },
    { planId: p2, planName: 'Premium', count: 2, mrrCents: 3500 },
    { planId: null, planName: 'No plan (ad hoc)', count: 1, mrrCents: 1000 },
  ])
  // The counts the first dashboard had, unchanged.
  assert.deepEqual([d.activeAgreements, d.pendingApprovals, d.suspendedAgreements, d.failedInvoices, d.customers], [5, 1, 1, 3, 1])
  book = { c, C, H }
})

let book: { c: { id: string; locationId: string }; C: string; H: string }
const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url, headers: h })
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
  return res.json()
}
/** Every row of a list page by page (offset pages; the agreements list also takes them). */
async function allRows(url: string): Promise<{ items: any[]; total: number }> {
  const items: any[] = []
  for (let page = 1; ; page++) {
    const p = await get(`${url}${url.includes('?') ? '&' : '?'}page=${page}&pageSize=100`)
    items.push(...p.items)
    if (items.length >= p.total || p.items.length === 0) return { items, total: p.total }
  }
}
/** The API list behind a tile's page link. */
const apiOf = (link: string) => link.replace(/^\/agreements\?/, '/api/agreements?').replace(/^\/billing\/invoices\?/, '/api/billing/invoices?').replace(/^\/billing\/failed$/, '/api/billing/failed-payments').replace(/^\/billing\/payments\?/, '/api/billing/payments?')

test('each tile opens a list of exactly what it counts: a next term not begun, a second notice to one agreement and a void of last month\'s invoice included', async () => {
  const db = t.deps.db
  const { c, C, H } = book
  // The next term of H, approved, starting after today: active, not in term, not in MRR.
  const next = await anAgreement(db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2027-04-01', termMonths: 12, endDate: '2028-04-01', lines: monthly(2600) })
  await db.updateTable('agreements').set({ renewalOfId: H }).where('id', '=', next).execute()
  // A second renewal notice to C this month: one agreement sent renewals, not two.
  await db.insertInto('renewalNotices').values({
    id: newId('rnw'), agreementId: C, kind: 'notice', termEnd: '2026-07-01', startDate: '2026-07-01', termMonths: 12, billingIntervalMonths: 12, lines: '[]', priceChange: '{"kind":"none"}',
    oldPeriodCents: 12000, newPeriodCents: 12000, tokenHash: newId('rnw'), expiresAt: new Date('2026-08-01T00:00:00Z'), sentAt: new Date('2026-06-14T15:00:00Z'), acceptedAt: null, status: 'sent',
  }).execute()
  // May's open invoice (1000) voided today: it was billed in May, and leaves May, not June.
  const may = (await db.selectFrom('invoices').select('id').where('status', '=', 'open').executeTakeFirstOrThrow()).id
  const voided = await t.app.inject({ method: 'POST', url: `/api/billing/invoices/${may}/void`, headers: h, payload: { reason: 'Billed in error' } })
  assert.equal(voided.statusCode, 200, voided.body)

  // This month's payments also hold a voided one (brings in nothing) and one partly refunded (500 less 100).
  const june = (await db.selectFrom('invoices').select('id').where('totalCents', '=', 2000).executeTakeFirstOrThrow()).id
  const payment = (amountCents: number, refundedCents: number, status: 'voided' | 'partially_refunded', receivedAt: string) =>
    db.insertInto('payments').values({ id: newId('pay'), invoiceId: june, customerId: c.id, attemptId: null, method: 'offline', amountCents, refundedCents, status, gatewayRef: null, authCode: null, recordedBy: null, receivedAt: new Date(receivedAt) }).execute()
  await payment(700, 0, 'voided', '2026-06-10T15:00:00Z')
  await payment(500, 100, 'partially_refunded', '2026-06-11T15:00:00Z')

  const d = await get('/api/dashboard')
  assert.deepEqual([d.tiles.activeAgreements, d.tiles.mrrCents, d.tiles.renewalsSentThisMonth, d.tiles.billedThisMonthCents], [5, 10500, 1, 5000])
  assert.equal(d.tiles.collectedThisMonthCents, 2300 + 400, "June's payments: 2000 + 300, the voided one nothing, the refunded one 400")
  assert.equal(d.links.collectedThisMonthCents, '/billing/payments?receivedFrom=2026-06-01&receivedTo=2026-06-15')
  const payments = await get('/api/billing/payments?receivedFrom=2026-06-01&receivedTo=2026-06-15&pageSize=2')
  assert.deepEqual([payments.total, payments.items.length, payments.keptCents], [4, 2, 2700], 'the total counts every page')
  // The tile's own figure, and the amounts as received (these two were stored already reversed, with no void or refund on record).
  assert.deepEqual([payments.collectedCents, payments.receivedCents, payments.reversals.total], [2700, 2000 + 300 + 700 + 500, 0])
  assert.equal((await get('/api/billing/payments?receivedFrom=2026-05-01&receivedTo=2026-05-31')).keptCents, 800, "May's one payment")
  const bad = await t.app.inject({ method: 'GET', url: '/api/billing/payments?receivedFrom=2026-06-15&receivedTo=2026-06-01', headers: h })
  assert.deepEqual([bad.statusCode, Object.keys(bad.json().error.details.fields)], [422, ['receivedTo']])
  const notADate = await t.app.inject({ method: 'GET', url: '/api/billing/payments?receivedFrom=2026-02-30', headers: h })
  assert.deepEqual([notADate.statusCode, Object.keys(notADate.json().error.details.fields)], [422, ['receivedFrom']])
  assert.deepEqual(d.series.billedCents.slice(-2), [800, 5000], 'the void leaves May')
  const counted: [string, (rows: any[]) => number][] = [
    ['activeAgreements', (rows) => rows.length],
    ['mrrCents', (rows) => rows.reduce((s, a) => s + a.perPeriodCents / a.billingIntervalMonths, 0)],
    ['pendingApprovals', (rows) => rows.length],
    ['expiring30', (rows) => rows.length],
    ['expiring60', (rows) => rows.length],
    ['expiring90', (rows) => rows.length],
    ['suspendedAgreements', (rows) => rows.length],
    ['renewalsSentThisMonth', (rows) => rows.length],
    ['renewalsAcceptedThisMonth', (rows) => rows.length],
    ['billedThisMonthCents', (rows) => rows.reduce((s, i) => s + i.totalCents, 0)],
    ['collectedThisMonthCents', (rows) => rows.reduce((s, p) => s + p.keptCents, 0)],
    ['failedPayments', (rows) => rows.length],
  ]
  for (const [tile, measure] of counted) {
    const { items, total } = await allRows(apiOf(d.links[tile]))
    assert.equal(items.length, total, `${tile}: every row read`)
    assert.equal(measure(items), d.tiles[tile], `${tile} (${d.links[tile]}) counts ${d.tiles[tile]}; its list has ${measure(items)}`)
  }
  const active = await allRows(apiOf(d.links.activeAgreements))
  assert.ok(!active.items.some((a: any) => a.id === next), 'the term not yet begun is not in the active list')
})
