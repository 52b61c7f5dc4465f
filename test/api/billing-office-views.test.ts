// What the office reads on the Billing page: the Bill all preview (who is billed, for what, with
// what, and which charges will fail as things stand), the invoice list's search, the runs,
// payments and QuickBooks queue lists, and the invoice PDF.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { loginHeaders, type TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { pdfText } from '../helpers/pdf-text.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { billingAttachmentRenderers } from '../../src/services/billing/billing-emails.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'

let h: SandboxHarness
let t: TestApp
let office: Record<string, string>
let s: BillingApi
const now = new Date('2026-11-25T17:00:00Z')

before(async () => void ({ h, t, office } = s = await startBillingApi(() => now)))
after(() => s.close())

test('the preview names customer and payment method, and warns of charges that will fail', async () => {
  const { db } = t.deps
  const good = await aCustomer(t.deps, 'Ada Good', 'ada@example.com')
  const goodCard = await aCard(db, t.deps.gateway, h.tokenize, good.id, '4788250000121443', '1230')
  await anAgreement(db, { customerId: good.id, locationId: good.locationId, paymentMethodId: goodCard, startDate: '2026-11-01', lines: monthly(2500), name: 'Comfort Club' })
  const stale = await aCustomer(t.deps, 'Bo Stale', 'bo@example.com')
  const staleCard = await aCard(db, t.deps.gateway, h.tokenize, stale.id, '4788250000121443', '1230')
  // Stored while it was good; it ran out at the end of October 2026.
  await db.updateTable('paymentMethods').set({ expiry: '1026' }).where('id', '=', staleCard).execute()
  await anAgreement(db, { customerId: stale.id, locationId: stale.locationId, paymentMethodId: staleCard, startDate: '2026-11-10', lines: monthly(4000), name: 'Pest Shield' })
  const none = await aCustomer(t.deps, 'Cy None', 'cy@example.com')
  await anAgreement(db, { customerId: none.id, locationId: none.locationId, paymentMethodId: null, startDate: '2026-10-20', lines: monthly(1000), name: 'Lawn Care' })

  const before = await db.selectFrom('invoices').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const res = await t.app.inject({ method: 'GET', url: '/api/billing/preview', headers: office })
  assert.equal(res.statusCode, 200)
  const p = res.json()
  assert.equal(p.through, '2026-11-25')
  assert.equal(p.agreements, 3)
  assert.equal(p.invoices, 4, 'Lawn Care owes Oct 20 and Nov 20')
  assert.equal(p.totalCents, 2500 + 4000 + 1000 * 2)
  assert.deepEqual(p.warnings, { no_payment_method: 1, card_expired: 1 })
  const byCustomer = (name: string) => p.rows.filter((r: { customerName: string }) => r.customerName === name)
  assert.deepEqual(
    byCustomer('Ada Good').map((r: any) => [r.agreementName, r.periodStart, r.totalCents, r.warning, r.paymentMethod.last4, r.paymentMethod.expiry]),
    [['Comfort Club', '2026-11-01', 2500, null, '1443', '1230']],
  )
  assert.deepEqual(byCustomer('Bo Stale').map((r: any) => [r.warning, r.paymentMethod.expiry]), [['card_expired', '1026']])
  assert.deepEqual(byCustomer('Cy None').map((r: any) => [r.periodStart, r.warning, r.paymentMethod]), [['2026-10-20', 'no_payment_method', null], ['2026-11-20', 'no_payment_method', null]])
  for (const r of p.rows) assert.equal(JSON.stringify(r.paymentMethod ?? {}).includes('token'), false, 'no token or profile reaches the office')

  const after = await db.selectFrom('invoices').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  assert.equal(Number(after.n), Number(before.n), 'a preview bills nothing')
  assert.equal((await h.ledger()).filter((x) => x.type === 'auth' && x.amountCents > 0).length, 0, 'and charges nothing')
})

test('invoices are found by number, customer name or agreement name; odd searches are safe', async () => {
  const run = await startBillingRun(t.deps, { actor: null, settleWindowMs: 0 })
  await run.done
  const firstRun = run.runId
  // The office's download of a paid invoice reads like the receipt the customer got.
  const adaInvoice = await t.deps.db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customerId').select('i.id').where('c.name', '=', 'Ada Good').executeTakeFirstOrThrow()
  const pdf = await t.app.inject({ method: 'GET', url: `/api/billing/invoices/${adaInvoice.id}/pdf`, headers: office })
  assert.equal(pdf.headers['content-type'], 'application/pdf')
  const text = pdfText(pdf.rawPayload)
  assert.match(text, /RECEIPT/)
  assert.match(text, /Paid \$25\.00 with Visa ending 1443 on Nov 25, 2026/)
  assert.match(text, /Balance due\s+\$0\.00/)
  assert.doesNotMatch(text, /refunded/, 'nothing was refunded')
  const search = async (query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/billing/invoices?pageSize=100&${query}`, headers: office })
    assert.equal(res.statusCode, 200, res.body)
    return res.json() as { total: number; items: Array<{ number: number; customerId: string; customerName: string; agreementName: string; status: string }> }
  }
  const all = await search('')
  assert.equal(all.total, 4)
  const lawn = all.items.filter((i) => i.agreementName === 'Lawn Care')
  assert.equal(lawn.length, 2)

  assert.deepEqual((await search(`q=${lawn[0]!.number}`)).items.map((i) => i.number), [lawn[0]!.number], 'by number')
  assert.deepEqual((await search(`q=%23${lawn[1]!.number}`)).items.map((i) => i.number), [lawn[1]!.number], 'by #number')
  assert.deepEqual((await search('q=bo%20sta')).items.map((i) => i.customerName), ['Bo Stale'], 'by part of the customer name, any case')
  assert.equal((await search('q=LAWN')).total, 2, 'by agreement name')
  assert.equal((await search('q=lawn&status=paid')).total, 0, 'with the status filter: no card, not paid')
  assert.equal((await search('q=lawn&status=failed')).total, 2)
  const mine = await search(`customerId=${lawn[0]!.customerId}`)
  assert.deepEqual(mine.items.map((i) => i.agreementName), ['Lawn Care', 'Lawn Care'], "a customer's page lists only theirs")
  assert.equal((await search('customerId=cus_nobody')).total, 0)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/billing/invoices?customerId=%27%3B', headers: office })).statusCode, 422)
  for (const odd of ['%25', '_', '%5C', "'%3B drop table invoices", '999999999999']) assert.equal((await search(`q=${odd}`)).total, 0, odd)
  const lawnId = (await t.deps.db.selectFrom('invoices').select('id').where('number', '=', lawn[0]!.number).executeTakeFirstOrThrow()).id
  const overpaid = await t.app.inject({ method: 'POST', url: `/api/billing/invoices/${lawnId}/offline-payment`, headers: office, payload: { amountCents: 1001, method: 'cash', receivedOn: '2026-11-25' } })
  assert.equal(overpaid.statusCode, 422)
  assert.equal(overpaid.json().error.details.fields.amountCents, 'must be at most $10.00, what is still owed', 'in dollars, as the office typed it')
  // A run's invoices: those it created, and those it charged again (a retry in a later run).
  assert.equal((await search(`runId=${firstRun}`)).total, 4)
  const second = await startBillingRun(t.deps, { actor: null, settleWindowMs: 0 })
  await second.done
  assert.equal((await search(`runId=${second.runId}`)).total, 0, 'nothing new, and no retry due: nothing')
  // Cy puts a card on file (Ada's, for the test) and one of his invoices is due for a retry.
  const card = await t.deps.db.selectFrom('paymentMethods as pm').innerJoin('customers as c', 'c.id', 'pm.customerId').select('pm.id').where('c.name', '=', 'Ada Good').executeTakeFirstOrThrow()
  await t.deps.db.updateTable('agreements').set({ paymentMethodId: card.id }).where('name', '=', 'Lawn Care').execute()
  await t.deps.db.updateTable('invoices').set({ retryState: 'soon' }).where('number', '=', lawn[0]!.number).execute()
  const third = await startBillingRun(t.deps, { actor: null, settleWindowMs: 0 })
  await third.done
  assert.deepEqual((await search(`runId=${third.runId}`)).items.map((i) => i.number), [lawn[0]!.number], 'the retried invoice')
  assert.equal((await search('runId=run_nope')).total, 0)
  const tooLong = await t.app.inject({ method: 'GET', url: `/api/billing/invoices?q=${'x'.repeat(201)}`, headers: office })
  assert.equal(tooLong.statusCode, 422)
  assert.ok(tooLong.json().error.details.fields.q)
})

test('automatic billing is a billing setting: a time like 06:00, admins only, audited', async () => {
  const admin = await loginHeaders(t.app, await t.addUser('admin'))
  const current = (await t.app.inject({ method: 'GET', url: '/api/billing/settings', headers: office })).json()
  assert.deepEqual([current.autoBill, current.autoBillTime], [false, '06:00'], 'off by default')
  const put = (headers: Record<string, string>, changes: object) =>
    t.app.inject({ method: 'PUT', url: '/api/billing/settings', headers, payload: { ...current, ...changes } })
  for (const bad of ['25:00', '6:00', '06:00:00', '', 'six']) {
    const res = await put(admin, { autoBill: true, autoBillTime: bad })
    assert.equal(res.statusCode, 422, bad)
    assert.ok(res.json().error.details.fields.autoBillTime, bad)
  }
  assert.equal((await put(admin, { autoBill: 'yes' })).json().error.details.fields.autoBill, 'must be true or false')
  assert.equal((await put(office, { autoBill: true })).statusCode, 403)
  const ok = await put(admin, { autoBill: true, autoBillTime: '05:30' })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.deepEqual([ok.json().autoBill, ok.json().autoBillTime], [true, '05:30'])
  const audit = await t.deps.db.selectFrom('auditEvents').select('details').where('action', '=', 'billing_settings.updated').orderBy('createdAt', 'desc').executeTakeFirstOrThrow()
  assert.equal((audit.details as { autoBillTime: string }).autoBillTime, '05:30')
})

test("the office's lists: runs newest first, payments received from a date with their voids, invoices by creation date, the QuickBooks queue; a PDF leaves voided payments out", async () => {
  const { db } = t.deps
  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: office })
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
    return res.json()
  }
  // The scheduler's run for Nov 25, after the office's three.
  const auto = await startBillingRun(t.deps, { actor: null, settleWindowMs: 0, automaticFor: '2026-11-25' })
  await auto.done
  const runs = await get('/api/billing/runs?pageSize=2')
  assert.equal(runs.total, 4)
  assert.deepEqual(runs.items.map((r: { id: string; automatic: boolean }) => [r.id, r.automatic]), [[auto.runId, true], [runs.items[1].id, false]], 'newest first; the office started the others')
  assert.ok(runs.items[1].startedAt < runs.items[0].startedAt)
  const older = await get('/api/billing/runs?pageSize=2&page=2')
  assert.deepEqual(older.items.map((r: { automatic: boolean }) => r.automatic), [false, false])
  assert.ok(older.items[0].startedAt < runs.items[1].startedAt)
  assert.equal((await get(`/api/billing/runs/${auto.runId}`)).automatic, true)

  // Cy pays his other Lawn Care invoice in cash, and the payment bounces.
  const lawn = await db.selectFrom('invoices as i').innerJoin('agreements as a', 'a.id', 'i.agreementId').select(['i.id', 'i.number', 'i.customerId']).where('a.name', '=', 'Lawn Care').where('i.status', '=', 'failed').executeTakeFirstOrThrow()
  const paid = await t.app.inject({ method: 'POST', url: `/api/billing/invoices/${lawn.id}/offline-payment`, headers: office, payload: { amountCents: 1000, method: 'cash', receivedOn: '2026-11-25' } })
  assert.equal(paid.statusCode, 201, paid.body)
  const cash = paid.json().invoice.payments[0].id
  const voided = await t.app.inject({ method: 'POST', url: `/api/billing/payments/${cash}/void`, headers: office, payload: { reason: 'Bounced' } })
  assert.equal(voided.statusCode, 200, voided.body)

  const customers = Object.fromEntries((await db.selectFrom('customers').select(['id', 'name']).execute()).map((c) => [c.name, c.id]))
  const payments = await get('/api/billing/payments?receivedFrom=2026-11-25')
  assert.deepEqual(
    payments.items.map((p: any) => [p.invoiceNumber, p.customerName, p.customerId === customers[p.customerName], p.method, p.status, p.amountCents, p.keptCents, p.receivedAt]).sort(),
    [
      [1001, 'Ada Good', true, 'card', 'approved', 2500, 2500, '2026-11-25T17:00:00.000Z'],
      [1002, 'Bo Stale', true, 'card', 'approved', 4000, 4000, '2026-11-25T17:00:00.000Z'],
      [Number(lawn.number), 'Cy None', true, 'offline', 'voided', 1000, 0, '2026-11-25T17:00:00.000Z'],
      [Number(lawn.number) === 1003 ? 1004 : 1003, 'Cy None', true, 'card', 'approved', 1000, 1000, '2026-11-25T17:00:00.000Z'],
    ].sort(),
  )
  assert.deepEqual([payments.total, payments.receivedCents, payments.keptCents, payments.collectedCents], [4, 8500, 7500, 7500], 'the void brings nothing in')
  assert.deepEqual([payments.reversals.total, payments.reversals.cents], [1, 1000])
  assert.deepEqual(payments.reversals.items.map((r: any) => [r.kind, r.paymentId, r.reason, r.amountCents]), [['void', cash, 'Bounced', 1000]])

  // Made on Nov 20 (company day): only it was created through Nov 20.
  await sql`update invoices set created_at = ${new Date('2026-11-20T15:00:00Z')} where id = ${lawn.id}`.execute(db)
  assert.deepEqual((await get('/api/billing/invoices?createdTo=2026-11-20')).items.map((i: { id: string }) => i.id), [lawn.id])
  assert.deepEqual((await get('/api/billing/invoices?createdFrom=2026-11-20&createdTo=2026-11-20')).items.map((i: { id: string }) => i.id), [lawn.id])
  assert.equal((await get('/api/billing/invoices?createdTo=2026-11-19')).total, 0)

  const queue = await db.selectFrom('quickbooksQueue').select(['status', db.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const count = (status: string) => Number(queue.find((q) => q.status === status)?.n ?? 0)
  assert.ok(count('queued') > 0)
  assert.deepEqual(await get('/api/billing/quickbooks-queue'), { queued: count('queued'), sent: count('sent'), failed: count('failed') })

  // The PDF bills to the whole address, and a voided payment is not "paid".
  await db.updateTable('customerLocations').set({ line2: 'Apt 4' }).where('customerId', '=', lawn.customerId).execute()
  const text = pdfText((await t.app.inject({ method: 'GET', url: `/api/billing/invoices/${lawn.id}/pdf`, headers: office })).rawPayload)
  assert.match(text, /BILL TO\nCy None\n1 Main St\nApt 4\nSpringfield, IL 62701\n/)
  assert.doesNotMatch(text, /Paid/)
  assert.match(text, /Balance due\n\$10\.00/)
  // The outbox drawing a receipt's PDF for an invoice that is gone says which.
  await assert.rejects(billingAttachmentRenderers['invoice.pdf']!(db, { invoiceId: 'inv_gone', paidNote: null, issuedOn: '2026-11-25' }), /^Error: invoice inv_gone not found$/)
})
