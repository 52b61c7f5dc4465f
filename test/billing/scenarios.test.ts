/**
 * Billing stories over months with a fixed clock, through the API (the office's view):
 * sign-ups billed monthly, quarterly and annually for a year; a decline for insufficient
 * funds retried on the schedule and then given up; an expired card that waits for new
 * details, suspends the agreement and its work orders, is fixed by the customer through the
 * secure link (charged at once), and reactivated with one click; an offline payment; a void
 * (then the invoice's) and a refund through the gateway; closing an agreement stops its billing.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { newId } from '../../src/domain/ids.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'

let h: SandboxHarness
let t: TestApp
let office: Record<string, string>
let officeEmail = ''
let now = new Date('2026-01-01T17:00:00Z')

before(async () => {
  h = await startHarness()
  t = await startTestApp({ clock: { now: () => now }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  officeEmail = await t.addUser('office')
  office = await loginHeaders(t.app, officeEmail)
})
after(async () => {
  await t.close()
  await h.close()
})

// NOTE: sessions expire by the (fixed, moving) clock: log in again when the months move on.
const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<{ status: number; body: any }> => {
  const send = () => t.app.inject({ method, url, headers: office, ...(payload !== undefined ? { payload: payload as object } : {}) })
  let res = await send()
  if (res.statusCode === 401) {
    office = await loginHeaders(t.app, officeEmail)
    res = await send()
  }
  return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body }
}

/** Starts a run through the API and polls it to the end, as the Billing page does. */
async function billThrough(through: string) {
  const start = await api('POST', '/api/billing/runs', { through })
  assert.equal(start.status, 202, JSON.stringify(start.body))
  for (;;) {
    const run = await api('GET', `/api/billing/runs/${start.body.runId}`)
    if (run.body.status !== 'running') return run.body
    await new Promise((r) => setTimeout(r, 50))
  }
}

const invoicesOf = async (agreementId: string) =>
  (await api('GET', `/api/billing/invoices?agreementId=${agreementId}&pageSize=100`)).body.items.sort((a: { periodStart: string }, b: { periodStart: string }) => a.periodStart.localeCompare(b.periodStart))

test('monthly, quarterly and annual agreements billed on the first of every month for a year', async () => {
  const deps = t.deps
  const c = await aCustomer(deps, 'Yearly Test', 'yearly@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const m = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-01-31', intervalMonths: 1, lines: monthly(3000) })
  const q = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-02-15', intervalMonths: 3, termMonths: 12, lines: monthly(9000) })
  const y = await anAgreement(deps.db, {
    customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', intervalMonths: 12,
    lines: [...monthly(36000), { description: 'Setup', amountCents: 5000, recurring: false, taxable: false }], taxRatePpm: 100_000,
  })
  const preview = await api('GET', '/api/billing/preview?through=2026-03-01')
  assert.equal(preview.status, 200)
  assert.equal(preview.body.invoices, 1 + 2 + 1) // m: Jan 31, Feb 28; q: Feb 15; y: Mar 1 — only the year's first
  for (let month = 1; month <= 12; month++) {
    const first = `2026-${String(month).padStart(2, '0')}-01`
    now = new Date(`${first}T17:00:00Z`)
    const run = await billThrough(first)
    assert.equal(run.status, 'completed')
    assert.equal(run.declined + run.errors, 0)
  }
  assert.deepEqual((await invoicesOf(m)).map((i: { periodStart: string }) => i.periodStart), [
    '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30',
  ])
  assert.deepEqual((await invoicesOf(q)).map((i: { periodStart: string }) => i.periodStart), ['2026-02-15', '2026-05-15', '2026-08-15', '2026-11-15'])
  const annual = await invoicesOf(y)
  assert.equal(annual.length, 1)
  assert.equal(annual[0].totalCents, 36000 + 3600 + 5000) // tax only on the taxable line
  for (const i of [...(await invoicesOf(m)), ...(await invoicesOf(q)), ...annual]) assert.equal(i.status, 'paid')
})

test('insufficient funds: retried after 3 and 7 days, then given up; every attempt recorded', async () => {
  const deps = t.deps
  now = new Date('2026-12-01T17:00:00Z')
  const c = await aCustomer(deps, 'Short Funds', 'short@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-12-01', lines: monthly(111600) })
  await billThrough('2026-12-01')
  const [inv] = await invoicesOf(agr)
  let failed = (await api('GET', '/api/billing/failed-payments?pageSize=200')).body.items.find((f: { invoiceId: string }) => f.invoiceId === inv.id)
  assert.equal(failed.reason, 'insufficient_funds')
  assert.equal(failed.attempts, 1)
  assert.equal(failed.retryState, 'scheduled')
  assert.equal(failed.nextRetryDate, '2026-12-04')
  // Not due yet on day 2: the run leaves it alone.
  now = new Date('2026-12-03T17:00:00Z')
  assert.equal((await billThrough('2026-12-03')).charged, 0)
  now = new Date('2026-12-04T18:00:00Z')
  assert.equal((await billThrough('2026-12-04')).declined, 1)
  now = new Date('2026-12-08T18:00:00Z')
  assert.equal((await billThrough('2026-12-08')).declined, 1)
  failed = (await api('GET', '/api/billing/failed-payments?pageSize=200')).body.items.find((f: { invoiceId: string }) => f.invoiceId === inv.id)
  assert.equal(failed.attempts, 3)
  assert.equal(failed.retryState, 'exhausted')
  assert.equal(failed.nextRetryDate, null)
  now = new Date('2026-12-20T18:00:00Z')
  assert.equal((await billThrough('2026-12-20')).charged, 0, 'nothing retries forever')
  const detail = (await api('GET', `/api/billing/invoices/${inv.id}`)).body
  assert.deepEqual(detail.attempts.map((a: { status: string }) => a.status), ['declined', 'declined', 'declined'])
})

test('expired card with suspension on: suspended with its work orders, card updated by the customer, charged at once, one-click reactivation', async () => {
  const deps = t.deps
  now = new Date('2027-01-05T17:00:00Z')
  const admin = await loginHeaders(t.app, await t.addUser('admin'))
  const settings = await t.app.inject({ method: 'PUT', url: '/api/billing/settings', headers: admin, payload: { suspendOnFailure: true, emailOnFailure: true, retryDays: [3, 7], maxSoonRetries: 5, concurrency: 8, autoBill: false, autoBillTime: '06:00' } })
  assert.equal(settings.statusCode, 200, settings.body)
  const c = await aCustomer(deps, 'Old Card', 'oldcard@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  // $1101.00: the sandbox answers RPCT 101 "expired card".
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2027-01-05', lines: monthly(110100) })
  const wo = [newId('wo'), newId('wo')]
  await deps.db
    .insertInto('workOrders')
    .values([
      { id: wo[0]!, agreementId: agr, customerId: c.id, locationId: c.locationId, description: 'Spring tune-up', windowStart: '2027-03-01', windowEnd: '2027-03-31', status: 'scheduled', statusBeforeSuspension: null, technicianId: null, scheduledStart: null },
      { id: wo[1]!, agreementId: agr, customerId: c.id, locationId: c.locationId, description: 'Fall tune-up', windowStart: '2027-09-01', windowEnd: '2027-09-30', status: 'open', statusBeforeSuspension: null, technicianId: null, scheduledStart: null },
    ])
    .execute()
  await billThrough('2027-01-05')
  const [inv] = await invoicesOf(agr)
  assert.equal(inv.status, 'failed')
  assert.equal(inv.failureCode, 'expired_card')
  const a = await deps.db.selectFrom('agreements').select(['status']).where('id', '=', agr).executeTakeFirstOrThrow()
  assert.equal(a.status, 'suspended')
  const orders = await deps.db.selectFrom('workOrders').select(['id', 'status', 'statusBeforeSuspension']).where('agreementId', '=', agr).orderBy('windowStart').execute()
  assert.deepEqual(orders.map((o) => [o.status, o.statusBeforeSuspension]), [['suspended', 'scheduled'], ['suspended', 'open']])
  // Waits for new details: a run does not retry it.
  now = new Date('2027-01-20T17:00:00Z')
  await billThrough('2027-01-05')
  assert.equal((await api('GET', `/api/billing/invoices/${inv.id}`)).body.attempts.length, 1)
  // Reactivation is refused while the invoice is unpaid.
  assert.equal((await api('POST', `/api/agreements/${agr}/reactivate`)).status, 409)
  // The customer follows the link in the email and puts a new card on file.
  const mail = await deps.db.selectFrom('emailOutbox').select(['textBody']).where('kind', '=', 'billing.payment_failed').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  const token = /\/pay\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)![1]!
  const anon = await t.app.inject({ method: 'GET', url: `/api/pay/${token}` })
  assert.equal(anon.statusCode, 200)
  assert.equal(anon.json().amountDueCents, 110100)
  const bad = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: 'x', expiry: '1230' } } })
  assert.equal(bad.statusCode, 422)
  assert.ok(bad.json().error.details.fields['paymentMethod.token'])
  // A card that always approves, whatever the amount.
  const newToken = await h.tokenize('5454545454545454')
  const submit = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: newToken, expiry: '1230' }, name: 'Old Card' } })
  assert.equal(submit.statusCode, 200, submit.body)
  assert.equal(submit.json().paid, true)
  assert.equal((await invoicesOf(agr))[0].status, 'paid')
  // One click: agreement and work orders are back as they were.
  const re = await api('POST', `/api/agreements/${agr}/reactivate`)
  assert.equal(re.status, 200, JSON.stringify(re.body))
  const after = await deps.db.selectFrom('workOrders').select(['status', 'statusBeforeSuspension']).where('agreementId', '=', agr).orderBy('windowStart').execute()
  assert.deepEqual(after.map((o) => [o.status, o.statusBeforeSuspension]), [['scheduled', null], ['open', null]])
  const history = (await api('GET', `/api/agreements/${agr}/history`)).body
  const actions = (Array.isArray(history) ? history : history.items ?? []).map((e: { action: string }) => e.action)
  for (const action of ['agreement.suspended', 'agreement.payment_method_updated', 'agreement.reactivated']) assert.ok(actions.includes(action), `${action} in ${actions}`)
  await t.app.inject({ method: 'PUT', url: '/api/billing/settings', headers: admin, payload: { suspendOnFailure: false, emailOnFailure: true, retryDays: [3, 7], maxSoonRetries: 5, concurrency: 8, autoBill: false, autoBillTime: '06:00' } })
})

test('offline payment, void and refund through the gateway, closing stops billing', async () => {
  const deps = t.deps
  now = new Date('2027-02-01T17:00:00Z')
  const c = await aCustomer(deps, 'Office Actions', 'actions@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  const noCard = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2027-02-01', lines: monthly(4500) })
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2027-01-01', lines: monthly(2000) })
  // January is billed and settled before February, so each month has its own payment (a run charges an
  // agreement's due periods together).
  await billThrough('2027-01-01')
  await h.settle()
  await billThrough('2027-02-01')
  const [unpaid] = await invoicesOf(noCard)
  assert.equal(unpaid.failureCode, 'no_payment_method')
  const tooMuch = await api('POST', `/api/billing/invoices/${unpaid.id}/offline-payment`, { amountCents: 999999, method: 'check', receivedOn: '2027-02-02' })
  assert.equal(tooMuch.status, 422)
  assert.ok(tooMuch.body.error.details.fields.amountCents)
  const paid = await api('POST', `/api/billing/invoices/${unpaid.id}/offline-payment`, { amountCents: 4500, method: 'check', reference: '1042', receivedOn: '2027-02-02' })
  assert.equal(paid.status, 201, JSON.stringify(paid.body))
  assert.equal(paid.body.invoice.status, 'paid')

  const [jan, feb] = await invoicesOf(agr)
  // February's charge is not settled yet: void it, then the invoice, which was billed by mistake.
  const febPayment = (await api('GET', `/api/billing/invoices/${feb.id}`)).body.payments[0]
  const voided = await api('POST', `/api/billing/payments/${febPayment.id}/void`, { reason: 'Billed by mistake' })
  assert.equal(voided.status, 200, JSON.stringify(voided.body))
  assert.equal((await api('GET', `/api/billing/invoices/${feb.id}`)).body.status, 'failed', 'owed again until the invoice is voided')
  assert.equal((await api('POST', `/api/billing/invoices/${feb.id}/void`, { reason: 'Billed by mistake' })).status, 200)
  assert.equal((await api('GET', `/api/billing/invoices/${feb.id}`)).body.status, 'void')
  // January's is settled: a void is refused, a partial then a full refund go through.
  await h.settle()
  const janPayment = (await api('GET', `/api/billing/invoices/${jan.id}`)).body.payments[0]
  assert.equal((await api('POST', `/api/billing/payments/${janPayment.id}/void`, {})).status, 409)
  assert.equal((await api('POST', `/api/billing/payments/${janPayment.id}/refund`, { amountCents: 500 })).status, 200)
  assert.equal((await api('POST', `/api/billing/payments/${janPayment.id}/refund`, { amountCents: 5000 })).status, 422)
  assert.equal((await api('POST', `/api/billing/payments/${janPayment.id}/refund`, {})).status, 200)
  const janAfter = (await api('GET', `/api/billing/invoices/${jan.id}`)).body
  assert.equal(janAfter.status, 'refunded')
  assert.equal(janAfter.refundedCents, 2000)
  const ledger = await h.ledger()
  assert.deepEqual(ledger.filter((r) => r.type === 'refund').map((r) => r.amountCents).slice(-2), [500, 1500])

  const closed = await api('POST', `/api/agreements/${agr}/close`, { reason: 'Moved away' })
  assert.equal(closed.status, 200)
  now = new Date('2027-04-01T17:00:00Z')
  await billThrough('2027-04-01')
  assert.equal((await invoicesOf(agr)).length, 2, 'a closed agreement is not billed')
  assert.equal((await api('POST', `/api/agreements/${agr}/close`, {})).status, 409)
})

test('bad input is refused with the field named', async () => {
  assert.equal((await api('GET', '/api/billing/preview?through=2026-02-30')).body.error.details.fields.through !== undefined, true)
  const r = await api('POST', '/api/billing/runs', { through: 'tomorrow' })
  assert.equal(r.status, 422)
  assert.ok(r.body.error.details.fields.through)
  assert.equal((await api('GET', '/api/billing/invoices/inv_nope')).status, 404)
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/pay/${'a'.repeat(43)}` })).statusCode, 404)
})
