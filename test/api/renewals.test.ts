/**
 * Renewals through the API (both databases), against the CardPointe sandbox:
 * - auto-renewal at sign-up: a plan offering it needs a term; its quote options offer it; the
 *   sign-up page shows the terms beside their own consent, which is recorded with the signature
 *   (hash of the exact terms) and acknowledged by email with the link to turn it off;
 * - receipts of auto-renewing agreements carry that link, others do not;
 * - the agreements list: every filter, keyset paging in each order without gaps or repeats, bad
 *   input named; the CSV export streams every match, formula cells neutralised;
 * - bulk renewals: the preview says who is skipped and why; bad requests are 422 and send
 *   nothing; two concurrent sends with one key make one batch and one email per agreement;
 * - renewal settings within the law's window; close and auto-renew input named when wrong.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { newId } from '../../src/domain/ids.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer, quoteBody, tokenFrom, type TestCustomer } from '../helpers/quote-fixtures.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'

let t: TestApp
let sandbox: SandboxHarness
let h: Record<string, string>
let admin: Record<string, string>
const logins = new Map<Record<string, string>, string>()
let customer: TestCustomer
let now = new Date('2026-06-01T17:00:00Z')

before(async () => {
  sandbox = await startHarness()
  t = await startTestApp({ gateway: sandbox.gateway, gatewayBrowserUrl: sandbox.sandbox.url, clock: { now: () => now } })
  const [officeEmail, adminEmail] = [await t.addUser('office'), await t.addUser('admin')]
  h = await loginHeaders(t.app, officeEmail)
  admin = await loginHeaders(t.app, adminEmail)
  logins.set(h, officeEmail).set(admin, adminEmail)
  customer = await createCustomer(t.app, h, 'Ada Renew', 'ada.renew@example.com')
})
after(async () => {
  await t.close()
  await sandbox.close()
})

// NOTE: sessions expire by the (fixed, moving) clock: log in again when the days move on.
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, who: Record<string, string> = h) => {
  const send = (headers: Record<string, string>) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
  let res = await send(who)
  const email = logins.get(who)
  if (res.statusCode === 401 && email) {
    Object.assign(who, await loginHeaders(t.app, email))
    res = await send(who)
  }
  return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body, headers: res.headers }
}
const card = async (number = '4111111111111111') => ({ kind: 'card', token: await sandbox.tokenize(number), expiry: '1230' })
const mails = (relatedId: string, kind: string) => t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', relatedId).where('kind', '=', kind).execute()
const fields = (r: { body: { error?: { details?: { fields?: Record<string, string> } } } }) => Object.keys(r.body.error?.details?.fields ?? {}).sort()

const planBody = (over: Record<string, unknown> = {}) => ({
  name: 'Comfort Club Premium', description: '', priceCents: 3000, billingFrequency: 'monthly', termMonths: 12, visitsPerTerm: 0, visitMonths: [],
  termsText: 'Two tune-ups a year.', isTaxable: false, taxRatePpm: 0, autoRenew: true, renewalChange: { kind: 'percent', basisPoints: 300 }, ...over,
})

let autoAgreementId = ''
let plainAgreementId = ''

test('auto-renewal at sign-up: offered by the plan, shown beside its own consent, recorded with the signature and acknowledged with the link to turn it off', async () => {
  const open = await call('POST', '/api/plans', planBody({ termMonths: null }))
  assert.equal(open.status, 422)
  assert.deepEqual(fields(open), ['autoRenew'])
  const plan = await call('POST', '/api/plans', planBody())
  assert.equal(plan.status, 201, JSON.stringify(plan.body))
  assert.deepEqual([plan.body.autoRenew, plan.body.renewalChange], [true, { kind: 'percent', basisPoints: 300 }])
  const base = quoteBody(customer, { startDate: '2026-06-08', expiresOn: '2026-07-01', taxRatePpm: 0 })
  const body = { ...base, options: [{ ...base.options[0], name: 'Premium', planId: plan.body.id, priceCents: 3000, extraLines: [], visitsPerTerm: 0 }, { ...base.options[0], name: 'Basic', extraLines: [], visitsPerTerm: 0 }] }
  const created = await call('POST', '/api/quotes', body)
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const [premium, basic] = created.body.revision.options
  assert.deepEqual([premium.autoRenew, premium.renewalChange.kind, basic.autoRenew], [true, 'percent', false])
  assert.equal((await call('POST', `/api/quotes/${created.body.id}/send`, {})).status, 200)
  const token = tokenFrom((await mails(created.body.id, 'quote.sent'))[0]!.textBody)
  const view = await call('GET', `/api/signup/${token}`, undefined, {})
  const terms: string = view.body.autoRenewTerms[premium.id]
  assert.deepEqual(Object.keys(view.body.autoRenewTerms), [premium.id])
  assert.match(terms, /renews automatically for another 12-month term/)
  assert.match(terms, /a 3% increase/)
  assert.match(terms, /turn off automatic renewal online/)
  const accept = async (optionId: string, autoRenewConsent: boolean) =>
    call('POST', `/api/signup/${token}/accept`, { optionId, signerName: 'Ada Renew', consent: true, autoRenewConsent, paymentMethod: await card() }, {})
  const notOffered = await accept(basic.id, true)
  assert.equal(notOffered.status, 422)
  assert.deepEqual(fields(notOffered), ['autoRenewConsent'])
  const ok = await accept(premium.id, true)
  assert.equal(ok.status, 200, JSON.stringify(ok.body))
  const a = await t.deps.db.selectFrom('agreements').selectAll().where('quoteId', '=', created.body.id).executeTakeFirstOrThrow()
  assert.deepEqual([a.autoRenew, a.autoRenewConsentAt?.toISOString(), a.renewalChangeKind, a.renewalChangeValue], [true, now.toISOString(), 'percent', 300])
  const sig = await t.deps.db.selectFrom('quoteSignatures').selectAll().where('quoteId', '=', created.body.id).executeTakeFirstOrThrow()
  assert.equal(sig.autoRenewConsent, true)
  assert.equal(sig.autoRenewTermsSha256, createHash('sha256').update(terms).digest('hex'), 'the exact terms shown')
  const ack = (await mails(created.body.id, 'quote.accepted'))[0]!
  assert.ok(ack.textBody.includes(terms))
  const manage = /\/auto-renewal\/([A-Za-z0-9_-]{77})/.exec(ack.textBody)?.[1]
  assert.ok(manage)
  const page = await call('GET', `/api/auto-renewal/${manage}`, undefined, {})
  assert.equal(page.status, 200)
  assert.equal(page.body.agreement.number, Number(a.number))
  assert.equal((await call('GET', `/api/auto-renewal/${manage!.slice(0, -1)}x`, undefined, {})).status, 404)
  autoAgreementId = a.id

  // Without the consent ticked: no automatic renewal, and the office cannot switch it on.
  const second = await call('POST', '/api/quotes', body)
  await call('POST', `/api/quotes/${second.body.id}/send`, {})
  const token2 = tokenFrom((await mails(second.body.id, 'quote.sent'))[0]!.textBody)
  const noConsent = await call('POST', `/api/signup/${token2}/accept`, { optionId: second.body.revision.options[0].id, signerName: 'Ada Renew', consent: true, paymentMethod: await card() }, {})
  assert.equal(noConsent.status, 200, JSON.stringify(noConsent.body))
  const b = await t.deps.db.selectFrom('agreements').selectAll().where('quoteId', '=', second.body.id).executeTakeFirstOrThrow()
  assert.equal(b.autoRenew, false)
  const on = await call('PUT', `/api/agreements/${b.id}/auto-renew`, { autoRenew: true })
  assert.equal(on.status, 409)
  assert.equal(on.body.error.code, 'auto_renew_needs_consent')
  plainAgreementId = b.id
})

test('receipts of an auto-renewing agreement carry the link to turn it off; other receipts do not', async () => {
  for (const id of [autoAgreementId, plainAgreementId]) assert.equal((await call('POST', `/api/agreements/${id}/approve`)).status, 200)
  now = new Date('2026-06-08T17:00:00Z')
  const run = await call('POST', '/api/billing/runs', { through: '2026-06-08' })
  assert.equal(run.status, 202)
  for (;;) {
    const r = await call('GET', `/api/billing/runs/${run.body.runId}`)
    if (r.body.status !== 'running') break
    await new Promise((res) => setTimeout(res, 50))
  }
  const receiptOf = async (agreementId: string) => {
    const inv = await t.deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
    return (await mails(inv.id, 'billing.receipt'))[0]!
  }
  const withLink = await receiptOf(autoAgreementId)
  const token = /\/auto-renewal\/([A-Za-z0-9_-]{77})/.exec(withLink.textBody)?.[1]
  assert.ok(token, withLink.textBody)
  const page = await call('GET', `/api/auto-renewal/${token}`, undefined, {})
  assert.deepEqual([page.body.autoRenew, page.body.renewsOn, page.body.renewalPerBillCents], [true, '2027-06-08', 3090])
  assert.doesNotMatch((await receiptOf(plainAgreementId)).textBody, /auto-renewal/)
})

test('the agreements list: every filter, keyset paging in each order without gaps or repeats, bad input named; the CSV streams every match', async () => {
  now = new Date('2026-07-01T17:00:00Z')
  const c = await aCustomer(t.deps, '=HYPERLINK("http://x") Corp', 'list@example.com')
  const plan = (await t.deps.db.selectFrom('plans').select('id').executeTakeFirstOrThrow()).id
  const make = (over: Parameters<typeof anAgreement>[1] extends infer S ? Partial<S> : never) =>
    anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(2000), ...over })
  const ids = {
    in20: await make({ termMonths: 12, endDate: '2026-07-21', name: 'Twenty days' }),
    in45: await make({ termMonths: 12, endDate: '2026-08-15', name: 'Forty-five days', intervalMonths: 3 }),
    in100: await make({ termMonths: 12, endDate: '2026-10-09', name: 'Hundred days' }),
    open: await make({ name: 'Open ended' }),
    suspended: await make({ termMonths: 12, endDate: '2026-07-11', status: 'suspended', name: 'Suspended soon' }),
    closed: await make({ termMonths: 12, endDate: '2026-07-11', status: 'closed', name: 'Closed one' }),
  }
  await t.deps.db.updateTable('agreements').set({ planId: plan, autoRenew: true, autoRenewConsentAt: now }).where('id', '=', ids.in45).execute()
  await t.deps.db.updateTable('agreements').set({ nextBillDate: '2026-08-01' }).where('id', '=', ids.open).execute()
  await t.deps.db
    .insertInto('invoices')
    .values({ id: newId('inv'), agreementId: ids.in100, customerId: c.id, periodIndex: 0, periodStart: '2026-01-01', periodEnd: '2026-02-01', lines: '[]', subtotalCents: 2000, taxCents: 0, totalCents: 2000, status: 'failed', failureCode: 'insufficient_funds', retryState: 'scheduled', runId: null, failureMessage: null, nextRetryDate: null, firstFailedAt: now, paidAt: null })
    .execute()
  const mine = new Set(Object.values(ids))
  const list = async (qs: string) => {
    const r = await call('GET', `/api/agreements?customerId=${c.id}&pageSize=200&${qs}`)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return (r.body.items as { id: string }[]).map((x) => x.id).filter((id) => mine.has(id)).sort()
  }
  const ofIds = (...xs: string[]) => xs.sort()
  assert.deepEqual(await list('expiringWithin=30'), ofIds(ids.in20, ids.suspended))
  assert.deepEqual(await list('expiringWithin=60'), ofIds(ids.in20, ids.in45, ids.suspended))
  assert.deepEqual(await list('expiringWithin=3650'), ofIds(ids.in20, ids.in45, ids.in100, ids.suspended), 'open-ended and closed never expire')
  assert.deepEqual(await list('status=payment_failed'), ofIds(ids.in100))
  assert.deepEqual(await list('status=closed'), ofIds(ids.closed))
  assert.deepEqual(await list(`planId=${plan}`), ofIds(ids.in45))
  assert.deepEqual(await list('billingIntervalMonths=3'), ofIds(ids.in45))
  assert.deepEqual(await list('autoRenew=true'), ofIds(ids.in45))
  assert.deepEqual(await list('nextBillFrom=2026-07-15&nextBillTo=2026-08-31'), ofIds(ids.open))
  assert.deepEqual(await list('q=hundred'), ofIds(ids.in100))
  assert.deepEqual(await list('q=hyperlink'), ofIds(...Object.values(ids)))

  // Keyset: page through every order three at a time and meet each agreement exactly once, in order.
  for (const sort of ['createdAt', 'number', 'customer', 'endDate', 'nextBillDate', 'startDate']) {
    for (const dir of ['asc', 'desc']) {
      const all = (await call('GET', `/api/agreements?sort=${sort}&dir=${dir}&pageSize=200`)).body
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { items: { id: string }[]; nextCursor: string | null; total: number } = (await call('GET', `/api/agreements?sort=${sort}&dir=${dir}&pageSize=3${cursor ? `&cursor=${cursor}` : ''}`)).body
        assert.equal(page.total, all.total)
        seen.push(...page.items.map((x) => x.id))
        cursor = page.nextCursor
      } while (cursor)
      assert.deepEqual(seen, all.items.map((x: { id: string }) => x.id), `${sort} ${dir}`)
    }
  }
  const byNumber = (await call('GET', '/api/agreements?sort=number&pageSize=2')).body
  const wrong = await call('GET', `/api/agreements?sort=endDate&pageSize=2&cursor=${byNumber.nextCursor}`)
  assert.deepEqual([wrong.status, fields(wrong)], [422, ['cursor']])
  const bad = await call('GET', '/api/agreements?expiringWithin=-1&status=bogus&nextBillFrom=2026-02-30&autoRenew=maybe&sort=bogus&billingIntervalMonths=0')
  assert.equal(bad.status, 422)
  assert.deepEqual(fields(bad), ['autoRenew', 'billingIntervalMonths', 'expiringWithin', 'nextBillFrom', 'sort', 'status'])

  const csv = await call('GET', `/api/agreements/export.csv?customerId=${c.id}&sort=number&dir=asc`)
  assert.equal(csv.status, 200)
  assert.match(String(csv.headers['content-type']), /^text\/csv/)
  assert.match(String(csv.headers['content-disposition']), /attachment; filename="agreements-2026-07-01\.csv"/)
  const rows = (csv.body as string).trim().split('\n')
  assert.equal(rows[0], 'number,status,customer,agreement,plan,location,start_date,end_date,billing_interval_months,per_bill,per_bill_cents,next_bill_date,auto_renew,closes_on,id')
  assert.equal(rows.length, 1 + Object.keys(ids).length)
  assert.ok(rows.slice(1).every((r) => r.includes(`"'=HYPERLINK(""http://x"") Corp"`)), 'a formula is shown as text')
  assert.equal((await call('GET', '/api/agreements/export.csv?status=bogus')).status, 422)
})

test("the agreements list's search follows its customer: renamed, a contact's new e-mail, an agreement added later", async () => {
  const c = await aCustomer(t.deps, 'Quinn Oldname', 'quinn@example.com')
  const make = (name: string) => anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(2000), name })
  const first = await make('Boiler care')
  const found = async (q: string) => {
    const r = await call('GET', `/api/agreements?q=${encodeURIComponent(q)}&pageSize=200`)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return { ids: (r.body.items as { id: string }[]).map((x) => x.id).sort(), total: r.body.total as number }
  }
  assert.deepEqual(await found('oldname'), { ids: [first], total: 1 })
  const before = (await call('GET', `/api/customers/${c.id}`)).body
  const renamed = await call('PUT', `/api/customers/${c.id}`, {
    name: 'Quinn Newname',
    notes: '',
    locations: before.locations,
    contacts: before.contacts.map((x: Record<string, unknown>) => ({ ...x, name: 'Quinn Newname', email: 'quinn.billing@example.com' })),
  })
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body))
  assert.deepEqual(await found('newname'), { ids: [first], total: 1 }, 'found by the new name')
  assert.deepEqual(await found('quinn.billing@'), { ids: [first], total: 1 }, "found by the contact's new e-mail")
  assert.deepEqual(await found('oldname'), { ids: [], total: 0 }, 'no longer found by the old name')
  const second = await make('Furnace care')
  assert.deepEqual(await found('newname'), { ids: [first, second].sort(), total: 2 }, 'an agreement added later carries the current name')
  const csv = await call('GET', '/api/agreements/export.csv?q=newname&sort=number&dir=asc')
  assert.equal((csv.body as string).trim().split('\n').length, 3, 'the export finds the same')
})

test('bulk renewals: the preview says who is skipped and why; bad requests send nothing; one key sends once even twice at the same time', async () => {
  const c = await aCustomer(t.deps, 'Bulk Customer', 'bulk@example.com')
  const noMail = await aCustomer(t.deps, 'No Mail', null)
  const a1 = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01', lines: monthly(4000) })
  const a2 = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-02-01', termMonths: 12, endDate: '2027-02-01', lines: monthly(5000) })
  const open = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(5000) })
  const silent = await anAgreement(t.deps.db, { customerId: noMail.id, locationId: noMail.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01' })
  const selection = { ids: [a1, a2, open, silent] }
  const preview = await call('POST', '/api/renewals/preview', { kind: 'quote', selection, priceChange: { kind: 'amount', amountCents: 250 } })
  assert.equal(preview.status, 200, JSON.stringify(preview.body))
  assert.deepEqual([preview.body.selected, preview.body.sendable], [4, 2])
  assert.deepEqual(preview.body.items.map((i: { agreementId: string; oldPerBillCents: number; newPerBillCents: number }) => [i.agreementId, i.oldPerBillCents, i.newPerBillCents]), [[a1, 4000, 4250], [a2, 5000, 5250]])
  const reasons = Object.fromEntries(preview.body.skipped.map((s: { agreementId: string; reason: string }) => [s.agreementId, s.reason]))
  assert.match(reasons[open], /no end date/)
  assert.match(reasons[silent], /no customer email/)
  const outbox = async () => Number((await t.deps.db.selectFrom('emailOutbox').select((eb) => eb.fn.countAll().as('n')).where('kind', 'like', 'renewal.%').executeTakeFirstOrThrow()).n)
  const before = await outbox()
  for (const [payload, named] of [
    [{ kind: 'quote', selection: { ids: [] }, idempotencyKey: 'k'.repeat(20) }, 'selection'],
    [{ kind: 'letter', selection, idempotencyKey: 'k'.repeat(20) }, 'kind'],
    [{ kind: 'quote', selection, idempotencyKey: 'short' }, 'idempotencyKey'],
    [{ kind: 'quote', selection, priceChange: { kind: 'percent', basisPoints: 2.5 }, idempotencyKey: 'k'.repeat(20) }, 'priceChange.basisPoints'],
  ] as const) {
    const r = await call('POST', '/api/renewals/send', payload)
    assert.equal(r.status, 422, JSON.stringify(r.body))
    assert.ok(fields(r).some((f) => f.startsWith(named)), `${named} in ${JSON.stringify(r.body)}`)
  }
  assert.equal(await outbox(), before, 'bad requests send nothing')
  const send = { kind: 'quote', selection, priceChange: { kind: 'amount', amountCents: 250 }, idempotencyKey: 'double-click-0000000001' }
  const [x, y] = await Promise.all([call('POST', '/api/renewals/send', send), call('POST', '/api/renewals/send', send)])
  assert.deepEqual([x.status, y.status], [200, 200], JSON.stringify([x.body, y.body]))
  assert.equal(x.body.batchId, y.body.batchId)
  assert.equal(await outbox(), before + 2, 'one email per agreement for two clicks')
  const timeline = (await call('GET', `/api/agreements/${a1}/renewals`)).body.items
  assert.deepEqual(timeline.map((n: { kind: string; status: string; newPerBillCents: number }) => [n.kind, n.status, n.newPerBillCents]), [['quote', 'sent', 4250]])
  // A later quote replaces the earlier link: only the newest works.
  const later = await call('POST', '/api/renewals/send', { kind: 'quote', selection: { ids: [a1] }, idempotencyKey: 'second-quote-0000000001' })
  assert.equal(later.body.sent, 1)
  const statuses = (await call('GET', `/api/agreements/${a1}/renewals`)).body.items.map((n: { status: string }) => n.status)
  assert.deepEqual(statuses, ['sent', 'superseded'])
  const oldToken = /\/renew\/([A-Za-z0-9_-]{43})/.exec((await t.deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', a1).where('kind', '=', 'renewal.quote').orderBy('createdAt').executeTakeFirstOrThrow()).textBody)![1]
  const replaced = await call('GET', `/api/renew/${oldToken}`, undefined, {})
  assert.deepEqual([replaced.status, replaced.body.error.code], [404, 'link_replaced'])
})

test('renewal settings stay within the law; closing and auto-renewal input is named when wrong', async () => {
  assert.deepEqual((await call('GET', '/api/renewals/settings')).body, { reminderDays: [60, 30, 7], autoRenewNoticeDays: 30 })
  const low = await call('PUT', '/api/renewals/settings', { reminderDays: [30, 30], autoRenewNoticeDays: 10 }, admin)
  assert.deepEqual([low.status, fields(low)], [422, ['autoRenewNoticeDays', 'reminderDays']])
  const ok = await call('PUT', '/api/renewals/settings', { reminderDays: [7, 90, 30], autoRenewNoticeDays: 40 }, admin)
  assert.deepEqual(ok.body, { reminderDays: [90, 30, 7], autoRenewNoticeDays: 40 })
  const id = plainAgreementId
  const close = await call('POST', `/api/agreements/${id}/close`, { when: 'tomorrow', refund: 'yes', requestedBy: 'neighbour' })
  assert.deepEqual([close.status, fields(close)], [422, ['refund', 'requestedBy', 'when']])
  assert.equal((await call('GET', `/api/agreements/${id}/close-preview?when=later`)).status, 422)
  const renew = await call('PUT', `/api/agreements/${id}/auto-renew`, { autoRenew: 'on', change: { kind: 'percent' } })
  assert.equal(renew.status, 422)
  assert.deepEqual(fields(renew), ['autoRenew', 'change.basisPoints'])
  assert.equal((await t.deps.db.selectFrom('agreements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'active', 'nothing changed')
})
