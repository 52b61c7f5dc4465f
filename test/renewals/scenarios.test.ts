/**
 * Renewal stories over full terms with a fixed clock, through the API and the CardPointe sandbox
 * over HTTP (the office's and the customer's views):
 * - a renewal quote (+5%) accepted on the hosted page with the card on file: the next term is
 *   billed once, from the day the old one ends; a resend with the same key and a double submit
 *   change nothing;
 * - auto-renewal: the legal reminder goes out once, inside 15–45 days (15–30 with a price
 *   change), with the renewal price and the link to cancel; the next term starts and is billed
 *   on the boundary day;
 * - auto-renewal turned off from the customer's link: confirmed by email, the term expires,
 *   billing stops after its last period, remaining visits are cancelled, the office is told;
 * - expiry without renewal;
 * - an open-ended agreement billed monthly for three years, never expiring;
 * - closing mid-term with a prorated refund to the cent through the gateway (a double click
 *   refunds once), and closing at the end of the period.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
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

const at = (day: string) => (now = new Date(`${day}T17:00:00Z`))

type Res = { status: number; body: any }
// NOTE: sessions expire by the (fixed, moving) clock: log in again when the months move on.
const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<Res> => {
  const send = () => t.app.inject({ method, url, headers: office, ...(payload !== undefined ? { payload: payload as object } : {}) })
  let res = await send()
  if (res.statusCode === 401) {
    office = await loginHeaders(t.app, officeEmail)
    res = await send()
  }
  return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body }
}
/** The customer: no session, only the link. */
const customer = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Res> => {
  const res = await t.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: res.statusCode, body: res.json() }
}

async function billThrough(through: string) {
  const start = await api('POST', '/api/billing/runs', { through })
  assert.equal(start.status, 202, JSON.stringify(start.body))
  for (;;) {
    const run = await api('GET', `/api/billing/runs/${start.body.runId}`)
    if (run.body.status !== 'running') return run.body
    await new Promise((r) => setTimeout(r, 50))
  }
}
const runRenewals = async () => {
  const r = await api('POST', '/api/renewals/run')
  assert.equal(r.status, 200, JSON.stringify(r.body))
  return r.body as { reminders: number; autoRenewed: number; renewed: number; expired: number; closed: number }
}
const invoicesOf = async (agreementId: string) =>
  (await api('GET', `/api/billing/invoices?agreementId=${agreementId}&pageSize=100`)).body.items.sort((a: { periodStart: string }, b: { periodStart: string }) => a.periodStart.localeCompare(b.periodStart))
const emailsTo = (agreementIds: string[], kind?: string) =>
  t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', 'in', agreementIds).$if(kind !== undefined, (q) => q.where('kind', '=', kind!)).orderBy('createdAt').execute()
const linkIn = (text: string, path: 'renew' | 'auto-renewal') => {
  const m = new RegExp(`/${path}/([A-Za-z0-9_-]{43,})`).exec(text)
  if (!m) throw new Error(`no /${path}/ link in: ${text.slice(0, 400)}`)
  return m[1]!
}
/** Bills on each period's first day from `from` (a monthly agreement's start) for `months` months. */
async function billMonthly(from: string, months: number) {
  for (let i = 0; i < months; i++) {
    const d = new Date(`${from}T00:00:00Z`)
    d.setUTCMonth(d.getUTCMonth() + i)
    const day = d.toISOString().slice(0, 10)
    at(day)
    const run = await billThrough(day)
    assert.equal(run.status, 'completed')
  }
}

async function termAgreement(name: string, over: { autoRenew?: boolean; changeKind?: 'none' | 'percent'; changeValue?: number; lines?: ReturnType<typeof monthly>; visitMonths?: number[] } = {}) {
  const deps = t.deps
  const c = await aCustomer(deps, name, `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const id = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01', lines: over.lines ?? monthly(3000), name: `${name} plan` })
  await deps.db
    .updateTable('agreements')
    .set({
      visitsPerTerm: over.visitMonths?.length ?? 0,
      visitMonths: over.visitMonths ?? [],
      autoRenew: over.autoRenew ?? false,
      autoRenewConsentAt: over.autoRenew ? new Date('2025-12-20T15:00:00Z') : null,
      renewalChangeKind: over.changeKind ?? 'none',
      renewalChangeValue: over.changeValue ?? 0,
    })
    .where('id', '=', id)
    .execute()
  return { id, customerId: c.id, pm }
}

test('a renewal quote with a 5% increase is accepted with the card on file; the next term is billed once, from the day the old one ends', async () => {
  at('2026-01-01')
  const a = await termAgreement('Quinn Renewer', { visitMonths: [4, 10] })
  // Visits of the first term, as approval makes them.
  await t.deps.db.updateTable('agreements').set({ status: 'pending_approval' }).where('id', '=', a.id).execute()
  assert.equal((await api('POST', `/api/agreements/${a.id}/approve`)).status, 200)
  await billMonthly('2026-01-01', 11) // Jan 1 … Nov 1
  // Expiring within 60 days from Nov 5: the filter finds it; the office previews and sends a quote.
  at('2026-11-05')
  const list = (await api('GET', '/api/agreements?expiringWithin=60&sort=endDate&dir=asc')).body
  assert.ok(list.items.some((x: { id: string }) => x.id === a.id))
  const request = { kind: 'quote', selection: { ids: [a.id] }, priceChange: { kind: 'percent', basisPoints: 500 } }
  const preview = (await api('POST', '/api/renewals/preview', request)).body
  assert.equal(preview.sendable, 1)
  assert.equal(preview.items[0].oldPerBillCents, 3000)
  assert.equal(preview.items[0].newPerBillCents, 3150)
  assert.equal(preview.items[0].startDate, '2027-01-01')
  assert.match(preview.items[0].email.text, /\$31\.50 per month \(now \$30\.00: a 5% increase\)/)
  const key = 'quote-key-0000000001'
  const sent = await api('POST', '/api/renewals/send', { ...request, idempotencyKey: key })
  assert.deepEqual([sent.status, sent.body.sent, sent.body.replayed], [200, 1, false])
  // The retry of the same click sends nothing again.
  const again = await api('POST', '/api/renewals/send', { ...request, idempotencyKey: key })
  assert.deepEqual([again.status, again.body.sent, again.body.replayed], [200, 1, true])
  assert.equal((await api('POST', '/api/renewals/send', { ...request, priceChange: { kind: 'none' }, idempotencyKey: key })).status, 409)
  const quotes = await emailsTo([a.id], 'renewal.quote')
  assert.equal(quotes.length, 1, 'one email for one quote')
  const token = linkIn(quotes[0]!.textBody, 'renew')

  at('2026-11-20')
  const view = await customer('GET', `/api/renew/${token}`)
  assert.equal(view.status, 200, JSON.stringify(view.body))
  assert.equal(view.body.offer.perBillCents, 3150)
  assert.equal(view.body.onFile.last4, '1443')
  const accept = { signerName: 'Quinn Renewer', consent: true, paymentMethod: { kind: 'on_file' } }
  const [first, second] = await Promise.all([customer('POST', `/api/renew/${token}/accept`, accept), customer('POST', `/api/renew/${token}/accept`, accept)])
  assert.equal(first.status, 200, JSON.stringify(first.body))
  assert.equal(second.status, 200, JSON.stringify(second.body))
  assert.equal(first.body.state, 'accepted')
  assert.equal(first.body.newAgreementNumber, second.body.newAgreementNumber)
  const next = await t.deps.db.selectFrom('agreements').selectAll().where('renewalOfId', '=', a.id).execute()
  assert.equal(next.length, 1, 'one next term for two submits')
  const n = next[0]!
  assert.deepEqual([n.status, n.startDate, n.endDate, n.paymentMethodId], ['active', '2027-01-01', '2028-01-01', a.pm])
  // Its visits became work orders, as approval makes them.
  const visits = await t.deps.db.selectFrom('workOrders').select(['windowStart']).where('agreementId', '=', n.id).orderBy('windowStart').execute()
  assert.deepEqual(visits.map((v) => v.windowStart.slice(0, 7)), ['2027-04', '2027-10'])

  await billMonthly('2026-12-01', 1)
  assert.equal((await invoicesOf(n.id)).length, 0, 'nothing of the next term before it starts')
  at('2027-01-01')
  await billThrough('2027-01-01')
  await billThrough('2027-01-01') // a second run the same day bills nothing twice
  const old = await invoicesOf(a.id)
  assert.equal(old.length, 12)
  assert.equal(old.at(-1).periodEnd, '2027-01-01')
  const nextInvoices = await invoicesOf(n.id)
  assert.deepEqual(nextInvoices.map((i: { periodStart: string; periodEnd: string; totalCents: number; status: string }) => [i.periodStart, i.periodEnd, i.totalCents, i.status]), [['2027-01-01', '2027-02-01', 3150, 'paid']])
  await runRenewals()
  const oldNow = (await api('GET', `/api/agreements/${a.id}`)).body
  assert.equal(oldNow.status, 'renewed')
  assert.equal(oldNow.renewedBy.id, n.id)
  // The timeline: the quote, opened and accepted.
  const timeline = (await api('GET', `/api/agreements/${a.id}/renewals`)).body.items
  assert.equal(timeline[0].kind, 'quote')
  assert.equal(timeline[0].status, 'accepted')
  assert.ok(timeline[0].openedAt && timeline[0].acceptedAt)
  assert.equal(timeline[0].signerName, 'Quinn Renewer')
  assert.equal((await emailsTo([n.id], 'renewal.accepted')).length, 1)
})

test('auto-renewal: the legal reminder once inside the window with the renewal price and the cancel link; the next term begins and is billed on the boundary day', async () => {
  at('2026-01-01')
  const a = await termAgreement('Ari Auto', { autoRenew: true, changeKind: 'percent', changeValue: 300 })
  await billMonthly('2026-01-01', 11)
  // Day by day from 61 days before the end: the schedule's steps (60, 30, 7 days), the 30-day one being the legal notice.
  const sentOn: string[] = []
  for (let d = new Date('2026-11-01T17:00:00Z'); d < new Date('2027-01-01T00:00:00Z'); d = new Date(d.getTime() + 86_400_000)) {
    now = d
    if ((await runRenewals()).reminders) {
      sentOn.push(d.toISOString().slice(0, 10))
      assert.equal((await runRenewals()).reminders, 0, 'twice the same day: nothing more')
    }
    if (d.toISOString().startsWith('2026-12-01')) await billThrough('2026-12-01')
  }
  assert.deepEqual(sentOn, ['2026-11-02', '2026-12-02', '2026-12-25'])
  const mails = await emailsTo([a.id])
  const reminders = mails.filter((m) => m.kind.startsWith('renewal.'))
  assert.equal(reminders.length, 3)
  const legal = reminders[1]!
  assert.match(legal.subject, /renews automatically on Jan 1, 2027/)
  assert.match(legal.textBody, /\$30\.90 per month \(now \$30\.00: a 3% increase\)/)
  assert.ok(linkIn(legal.textBody, 'auto-renewal'))
  const notices = await t.deps.db.selectFrom('renewalNotices').select(['kind', 'daysBefore']).where('agreementId', '=', a.id).orderBy('sentAt').execute()
  assert.deepEqual(notices.map((x) => [x.kind, x.daysBefore]), [['reminder', 60], ['reminder', 30], ['reminder', 7]], 'the 30-day reminder is the legal notice (inside 15–30 with a price change)')
  // The boundary: Bill all renews first, then bills the new term's first period once.
  at('2027-01-01')
  await billThrough('2027-01-01')
  const next = await t.deps.db.selectFrom('agreements').selectAll().where('renewalOfId', '=', a.id).executeTakeFirstOrThrow()
  assert.deepEqual([next.startDate, next.endDate, next.autoRenew], ['2027-01-01', '2028-01-01', true])
  const billed = await invoicesOf(next.id)
  assert.deepEqual(billed.map((i: { periodStart: string; totalCents: number }) => [i.periodStart, i.totalCents]), [['2027-01-01', 3090]])
  assert.equal((await invoicesOf(a.id)).length, 12)
  await runRenewals()
  assert.equal((await api('GET', `/api/agreements/${a.id}`)).body.status, 'renewed')
  const renewedMail = (await emailsTo([next.id], 'renewal.auto_renewed'))[0]!
  assert.match(renewedMail.textBody, /renewed automatically/)
  assert.ok(linkIn(renewedMail.textBody, 'auto-renewal'), 'every notice carries the cancel link')
})

test('auto-renewal turned off from the customer\'s link: confirmed, the term expires, billing stops after its last period, visits cancelled, office told', async () => {
  at('2026-01-01')
  const a = await termAgreement('Toni Turnoff', { autoRenew: true, visitMonths: [6, 12] })
  await t.deps.db.updateTable('agreements').set({ status: 'pending_approval' }).where('id', '=', a.id).execute()
  assert.equal((await api('POST', `/api/agreements/${a.id}/approve`)).status, 200)
  await billMonthly('2026-01-01', 12)
  at('2026-12-02')
  await runRenewals()
  const notice = (await emailsTo([a.id])).find((m) => m.kind === 'renewal.reminder')!
  assert.match(notice.textBody, /\$30\.00 per month \(the same price as now\)/)
  const token = linkIn(notice.textBody, 'auto-renewal')
  const page = await customer('GET', `/api/auto-renewal/${token}`)
  assert.equal(page.status, 200)
  assert.deepEqual([page.body.autoRenew, page.body.renewsOn, page.body.renewalPerBillCents], [true, '2027-01-01', 3000])
  // A British company: the office's notice below writes the day its way.
  await t.deps.db.updateTable('companySettings').set({ locale: 'en-GB' }).where('id', '=', 1).execute()
  const off = await customer('POST', `/api/auto-renewal/${token}/off`)
  await t.deps.db.updateTable('companySettings').set({ locale: 'en-US' }).where('id', '=', 1).execute()
  assert.equal(off.status, 200)
  assert.equal(off.body.autoRenew, false)
  assert.equal((await customer('POST', `/api/auto-renewal/${token}/off`)).status, 200)
  assert.equal((await emailsTo([a.id], 'renewal.auto_renew_off')).length, 1, 'confirmed once, however often clicked')
  // The office hears of it with the last day written as every date is, in the company's locale (issue 13 defect 13).
  const told = await t.deps.db.selectFrom('notifications').select('body').where('kind', '=', 'renewal.auto_renew_off').where('subjectId', '=', a.id).executeTakeFirstOrThrow()
  assert.equal(told.body, 'It ends after 31 Dec 2026 unless renewed.')
  const detail = (await api('GET', `/api/agreements/${a.id}`)).body
  assert.deepEqual([detail.autoRenew, detail.autoRenewOffBy], [false, 'customer'])
  // The office cannot turn it back on: only the customer can agree again.
  assert.equal((await api('PUT', `/api/agreements/${a.id}/auto-renew`, { autoRenew: true })).body.error.code, 'auto_renew_needs_consent')
  at('2027-01-01')
  // Bill all ends the terms that are over before it invoices: no period after the term.
  await billThrough('2027-01-01')
  await runRenewals()
  assert.equal((await api('GET', `/api/agreements/${a.id}`)).body.status, 'expired')
  assert.equal((await invoicesOf(a.id)).length, 12, 'no period after the term')
  at('2027-02-01')
  await billThrough('2027-02-01')
  assert.equal((await invoicesOf(a.id)).length, 12)
  const visits = await t.deps.db.selectFrom('workOrders').select(['status', 'windowStart']).where('agreementId', '=', a.id).orderBy('windowStart').execute()
  assert.ok(visits.length === 2 && visits.every((v) => v.status === 'cancelled'), JSON.stringify(visits))
  const notes = (await api('GET', '/api/notifications?pageSize=50')).body.items.map((x: { title: string }) => x.title)
  assert.ok(notes.some((x: string) => /turned off automatic renewal/.test(x)))
  assert.ok(notes.some((x: string) => /expired without renewal/.test(x)))
})

test('an open-ended agreement bills every month for three years and never expires', async () => {
  at('2027-02-15')
  const c = await aCustomer(t.deps, 'Olive Open', 'olive@example.com')
  const pm = await aCard(t.deps.db, t.deps.gateway, h.tokenize, c.id)
  const id = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2027-02-15', lines: monthly(2500) })
  for (let i = 0; i < 36; i++) {
    const d = new Date('2027-02-15T17:00:00Z')
    d.setUTCMonth(d.getUTCMonth() + i)
    now = d
    await billThrough(d.toISOString().slice(0, 10))
    await runRenewals()
    assert.equal((await t.deps.db.selectFrom('agreements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'active')
  }
  const invoices = await invoicesOf(id)
  assert.equal(invoices.length, 36)
  for (let i = 1; i < invoices.length; i++) assert.equal(invoices[i].periodStart, invoices[i - 1].periodEnd, 'periods follow each other')
  assert.equal(invoices.at(-1).periodStart, '2030-01-15')
  assert.ok(invoices.every((i: { status: string; totalCents: number }) => i.status === 'paid' && i.totalCents === 2500))
  const a = (await api('GET', `/api/agreements/${id}`)).body
  assert.deepEqual([a.status, a.endDate, a.nextBillDate], ['active', null, '2030-02-15'])
  assert.equal((await t.deps.db.selectFrom('renewalNotices').select('id').where('agreementId', '=', id).execute()).length, 0, 'no reminders for an agreement that does not end')
  assert.equal((await api('GET', '/api/agreements?expiringWithin=3650')).body.items.filter((x: { id: string }) => x.id === id).length, 0)
  const preview = (await api('POST', '/api/renewals/preview', { kind: 'notice', selection: { ids: [id] } })).body
  assert.equal(preview.sendable, 0)
  assert.match(preview.skipped[0].reason, /no end date/)
})

test('closing mid-term refunds the unused days to the cent through the gateway, once; closing at the end of the period stops billing there', async () => {
  at('2030-03-01')
  const c = await aCustomer(t.deps, 'Cal Closer', 'cal@example.com')
  const pm = await aCard(t.deps.db, t.deps.gateway, h.tokenize, c.id)
  const id = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2030-03-01', lines: monthly(2999) })
  await billThrough('2030-03-01')
  await h.settle()
  at('2030-03-10')
  // Service through Mar 10; Mar 11–31 unused: 21 of 31 days of $29.99 = $20.3158… → $20.32.
  const preview = (await api('GET', `/api/agreements/${id}/close-preview?when=now&refund=true`)).body
  assert.deepEqual([preview.lastServiceDay, preview.refundCents, preview.refunds[0].unusedDays, preview.refunds[0].periodDays], ['2030-03-10', 2032, 21, 31])
  const body = { reason: 'Moving away', when: 'now', refund: true, requestedBy: 'customer' }
  const [one, two] = await Promise.all([api('POST', `/api/agreements/${id}/close`, body), api('POST', `/api/agreements/${id}/close`, body)])
  assert.deepEqual([one.status, two.status].sort(), [200, 409], `${JSON.stringify(one.body)} ${JSON.stringify(two.body)}`)
  assert.equal((await api('POST', `/api/agreements/${id}/close`, body)).status, 409)
  const inv = (await invoicesOf(id))[0]
  assert.equal(inv.refundedCents, 2032)
  const refunds = (await h.ledger()).filter((r) => r.type === 'refund')
  assert.deepEqual(refunds.map((r) => r.amountCents).slice(-1), [2032])
  assert.equal(refunds.filter((r) => r.amountCents === 2032).length, 1, 'refunded once for two clicks')
  const payment = await t.deps.db.selectFrom('payments').select('id').where('invoiceId', '=', inv.id).executeTakeFirstOrThrow()
  const qb = await t.deps.db.selectFrom('quickbooksQueue').select(['entityId']).where('entityType', '=', 'refund').execute()
  assert.equal(qb.filter((q) => q.entityId.startsWith(`${payment.id}:`)).length, 1, 'QuickBooks gets the refund, once')
  const a = (await api('GET', `/api/agreements/${id}`)).body
  assert.deepEqual([a.status, a.endDate, a.closeReason], ['closed', '2030-03-11', 'Moving away'])
  const mail = (await emailsTo([id], 'agreement.closed'))[0]!
  assert.match(mail.textBody, /refund of \$20\.32/)
  at('2030-04-01')
  await billThrough('2030-04-01')
  assert.equal((await invoicesOf(id)).length, 1)

  // At the end of the period: billing stops there, the job closes it that day.
  at('2030-05-01')
  const id2 = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2030-05-01', lines: monthly(2999) })
  await billThrough('2030-05-01')
  at('2030-05-20')
  const later = await api('POST', `/api/agreements/${id2}/close`, { reason: 'Switching provider', when: 'period_end' })
  assert.equal(later.status, 200, JSON.stringify(later.body))
  assert.deepEqual([later.body.lastServiceDay, later.body.refundCents, later.body.status], ['2030-05-31', 0, 'active'])
  at('2030-06-01')
  await billThrough('2030-06-01')
  assert.equal((await invoicesOf(id2)).length, 1, 'nothing billed after the closing date')
  await runRenewals()
  const closed = (await api('GET', `/api/agreements/${id2}`)).body
  assert.deepEqual([closed.status, closed.endedOn], ['closed', '2030-06-01'])
})

test('expiry without renewal: billing stops after the last period and the term ends as expired; a renewal quote revives it later without a gap in the schedule', async () => {
  at('2030-07-01')
  const c = await aCustomer(t.deps, 'Eve Expiry', 'eve@example.com')
  const pm = await aCard(t.deps.db, t.deps.gateway, h.tokenize, c.id)
  const id = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2030-07-01', intervalMonths: 3, termMonths: 6, endDate: '2031-01-01', lines: monthly(9000) })
  for (const d of ['2030-07-01', '2030-10-01', '2031-01-01', '2031-04-01']) {
    at(d)
    await billThrough(d)
    await runRenewals()
  }
  assert.deepEqual((await invoicesOf(id)).map((i: { periodStart: string }) => i.periodStart), ['2030-07-01', '2030-10-01'])
  assert.equal((await api('GET', `/api/agreements/${id}`)).body.status, 'expired')
  assert.equal((await api('GET', '/api/agreements?status=expired')).body.items.filter((x: { id: string }) => x.id === id).length, 1)
  // A renewal quote to the expired agreement starts the next term on the day it is accepted.
  const sent = await api('POST', '/api/renewals/send', { kind: 'quote', selection: { ids: [id] }, idempotencyKey: 'late-renewal-000000001' })
  assert.equal(sent.body.sent, 1)
  const token = linkIn((await emailsTo([id], 'renewal.quote'))[0]!.textBody, 'renew')
  at('2031-04-10')
  const accepted = await customer('POST', `/api/renew/${token}/accept`, { signerName: 'Eve Expiry', consent: true, paymentMethod: { kind: 'on_file' } })
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body))
  const next = await t.deps.db.selectFrom('agreements').select(['startDate', 'endDate']).where('renewalOfId', '=', id).executeTakeFirstOrThrow()
  assert.deepEqual([next.startDate, next.endDate], ['2031-04-10', '2031-10-10'])
  assert.equal((await api('GET', `/api/agreements/${id}`)).body.status, 'renewed')
})
