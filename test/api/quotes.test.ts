// Quotes end to end through the API, against the CardPointe sandbox:
// - totals per billing period and per term (one rounding rule)
// - validation: missing fields, negative prices, absurd terms, foreign locations, past expiry → 422, nothing stored
// - drafts edit in place; a sent quote only changes by a new revision, the sent one stays frozen, old links stop
// - the quote email (HTML + text + PDF) escapes user text; the PDF carries it as plain text
// - sign-up links: unknown, malformed, replaced and expired links get 404s that reveal nothing else
// - accept: declined card → plain reason and the link stays usable; approved card / bank account → pending agreement
// - office approval → active agreement with work orders and audit trail; rejection with a reason; both email the customer
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { pdfText } from '../helpers/pdf-text.ts'
import { createCustomer, quoteBody, tokenFrom, type TestCustomer } from '../helpers/quote-fixtures.ts'

let t: TestApp
let sandbox: SandboxHarness
let h: Record<string, string>
let customer: TestCustomer
let offsetMs = 0
const EVIL = '<script>alert("x")</script> & Sons'

before(async () => {
  sandbox = await startHarness()
  t = await startTestApp({ gateway: sandbox.gateway, gatewayBrowserUrl: sandbox.sandbox.url, clock: { now: () => new Date(Date.now() + offsetMs) } })
  h = await loginHeaders(t.app, await t.addUser('office'))
  customer = await createCustomer(t.app, h, EVIL, 'evil@example.com')
})
after(async () => {
  await t.close()
  await sandbox.close()
})

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = h) =>
  t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })
const count = async (table: 'quotes' | 'agreements' | 'paymentMethods' | 'workOrders' | 'quoteSignatures') =>
  Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

async function sentQuote(body = quoteBody(customer)): Promise<{ id: string; token: string; quote: ReturnType<typeof JSON.parse> }> {
  const created = await call('POST', '/api/quotes', body)
  assert.equal(created.statusCode, 201, created.body)
  const sent = await call('POST', `/api/quotes/${created.json().id}/send`, {})
  assert.equal(sent.statusCode, 200, sent.body)
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', created.json().id).orderBy('createdAt', 'desc').executeTakeFirstOrThrow()
  return { id: created.json().id, token: tokenFrom(mail.textBody), quote: sent.json() }
}

const card = async (number: string) => ({ kind: 'card', token: await sandbox.tokenize(number), expiry: '1230' })

test('totals are integer cents per billing period and per term, with one-time lines on the first bill', async () => {
  const res = await call('POST', '/api/quotes', quoteBody(customer))
  assert.equal(res.statusCode, 201, res.body)
  const [basic, premium] = res.json().revision.options
  // $29.99 at 8.25% = 247.4175¢ → 247¢ tax; the $49 setup fee is one-time and untaxed.
  assert.deepEqual(basic.totals.perPeriod, { subtotalCents: 2999, taxableCents: 2999, taxCents: 247, totalCents: 3246 })
  assert.equal(basic.totals.firstPeriod.totalCents, 3246 + 4900)
  assert.equal(basic.totals.perTermCents, 3246 * 12 + 4900)
  assert.equal(premium.totals.periodsPerTerm, 8)
  assert.equal(premium.totals.perPeriod.totalCents, 14900 + 1229)
  assert.equal(premium.totals.perTermCents, (14900 + 1229) * 8)
  const open = await call('POST', '/api/quotes', quoteBody(customer, { options: [{ ...quoteBody(customer).options[0], termMonths: null }] }))
  assert.equal(open.json().revision.options[0].totals.perTermCents, null)
})

test("New York City's 8.875% sales tax is entered, stored, shown and applied exactly", async () => {
  const body = quoteBody(customer, { taxRatePpm: 88_750, options: [{ ...quoteBody(customer).options[0], priceCents: 123456, extraLines: [] }] })
  const res = await call('POST', '/api/quotes', body)
  assert.equal(res.statusCode, 201, res.body)
  assert.equal(res.json().revision.taxRatePpm, 88_750)
  // $1,234.56 at 8.875% = 10956.72¢ → $109.57 (at a whole-basis-point 8.88% it was $109.63).
  assert.deepEqual(res.json().revision.options[0].totals.perPeriod, { subtotalCents: 123456, taxableCents: 123456, taxCents: 10957, totalCents: 134413 })
  const stored = await call('GET', `/api/quotes/${res.json().id}`)
  assert.equal(stored.json().revision.taxRatePpm, 88_750)
  const pdf = await call('GET', `/api/quotes/${res.json().id}/pdf`)
  assert.match(pdfText(pdf.rawPayload), /Sales tax: 8\.875% on taxable lines/)
})

test('bad input gets 422 naming each field and stores nothing', async () => {
  const before = await count('quotes')
  const other = await createCustomer(t.app, h, 'Other Person', 'other@example.com')
  const base = quoteBody(customer)
  const cases: [unknown, string[]][] = [
    [{}, ['customerId', 'locationId', 'startDate', 'expiresOn', 'options']],
    [{ ...base, options: [{ ...base.options[0], name: '', priceCents: -100 }] }, ['options.0.name', 'options.0.priceCents']],
    [{ ...base, options: [{ ...base.options[0], termMonths: 9999 }] }, ['options.0.termMonths']],
    [{ ...base, options: [{ ...base.options[0], termMonths: 7 }] }, []],
    [{ ...base, options: [{ ...base.options[0], billingFrequency: 'quarterly', termMonths: 10 }] }, ['options.0.termMonths']],
    [{ ...base, options: [...base.options, { ...base.options[0], name: 'C' }, { ...base.options[0], name: 'D' }] }, ['options']],
    [{ ...base, options: [{ ...base.options[0], extraLines: [{ description: 'x', amountCents: 1.5, recurring: true, taxable: false }] }] }, ['options.0.extraLines.0.amountCents']],
    [{ ...base, startDate: '2027-02-30' }, ['startDate']],
    [{ ...base, taxRatePpm: 1_000_001 }, ['taxRatePpm']],
    [{ ...base, taxRatePpm: 8.875 }, ['taxRatePpm']],
    [{ ...base, locationId: other.locationId }, ['locationId']],
    [{ ...base, expiresOn: '2001-01-01' }, ['expiresOn']],
    [{ ...base, startDate: '2099-01-01' }, ['startDate']],
  ]
  let expectedCreated = 0
  for (const [payload, fields] of cases) {
    const res = await call('POST', '/api/quotes', payload)
    if (fields.length === 0) {
      assert.equal(res.statusCode, 201, `${JSON.stringify(payload).slice(0, 200)} → ${res.body}`)
      expectedCreated++
      continue
    }
    assert.equal(res.statusCode, 422, `${JSON.stringify(payload).slice(0, 200)} → ${res.body}`)
    for (const f of fields) assert.ok(res.json().error.details.fields[f], `${f} in ${res.body}`)
  }
  assert.equal(await count('quotes'), before + expectedCreated)
})

test('a draft is edited in place; a sent quote only changes by a new revision and the sent one stays frozen', async () => {
  const created = (await call('POST', '/api/quotes', quoteBody(customer))).json()
  const edited = await call('PUT', `/api/quotes/${created.id}`, quoteBody(customer, { title: 'Edited title' }))
  assert.equal(edited.statusCode, 200, edited.body)
  assert.equal(edited.json().revision.revision, 1)
  assert.equal(edited.json().revision.title, 'Edited title')
  const sent = await call('POST', `/api/quotes/${created.id}/send`, {})
  assert.equal(sent.json().status, 'sent')
  const rev1 = sent.json().revision
  const refused = await call('PUT', `/api/quotes/${created.id}`, quoteBody(customer, { title: 'Sneaky change' }))
  assert.equal(refused.statusCode, 409)
  assert.equal(refused.json().error.code, 'quote_edit_not_allowed')
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', created.id).executeTakeFirstOrThrow()
  const oldToken = tokenFrom(mail.textBody)

  const revised = await call('POST', `/api/quotes/${created.id}/revise`)
  assert.equal(revised.statusCode, 200, revised.body)
  assert.equal(revised.json().status, 'draft')
  assert.equal(revised.json().currentRevision, 2)
  const changed = await call('PUT', `/api/quotes/${created.id}`, quoteBody(customer, { title: 'Revision two' }))
  assert.equal(changed.statusCode, 200, changed.body)
  const again = await call('GET', `/api/quotes/${created.id}?revision=1`)
  assert.deepEqual(again.json().revision, rev1, 'revision 1 is exactly what was sent')
  const link = await call('GET', `/api/signup/${oldToken}`, undefined, {})
  assert.equal(link.statusCode, 404)
  assert.equal(link.json().error.code, 'link_replaced')
  // Revision 2 has not been sent yet: the page must not point the customer to a newer email.
  assert.doesNotMatch(link.json().error.message, /newer/)
  assert.match(link.json().error.message, /being updated/)
})

test('a re-sent quote: the old link says it was replaced by the newer one, which works', async () => {
  const { id, token } = await sentQuote()
  const resent = await call('POST', `/api/quotes/${id}/resend`, {})
  assert.equal(resent.statusCode, 200, resent.body)
  const old = await call('GET', `/api/signup/${token}`, undefined, {})
  assert.equal(old.json().error.code, 'link_replaced')
  assert.match(old.json().error.message, /replaced by a newer one/)
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', id).orderBy('createdAt', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow()
  assert.equal((await call('GET', `/api/signup/${tokenFrom(mail.textBody)}`, undefined, {})).statusCode, 200)
})

test('the quote email escapes user text in HTML, carries the link and a PDF with the same text', async () => {
  const { id } = await sentQuote()
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', id).executeTakeFirstOrThrow()
  assert.equal(mail.toAddress, 'evil@example.com')
  assert.match(mail.subject, /^Your quote Q-\d+ from /)
  assert.ok(!mail.html.includes('<script>'), 'no live script in the HTML part')
  assert.ok(mail.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons'))
  assert.ok(mail.textBody.includes(EVIL), 'the text part shows the name as typed')
  assert.match(mail.textBody, /http:\/\/127\.0\.0\.1\/q\/[A-Za-z0-9_-]{43}/)
  const [attachment] = mail.attachments as Array<{ filename: string; contentType: string; contentBase64: string }>
  assert.equal(attachment.contentType, 'application/pdf')
  const pdf = Buffer.from(attachment.contentBase64, 'base64')
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  const text = pdfText(pdf)
  assert.ok(text.includes(`Prepared for: ${EVIL}`), text.slice(0, 500))
  assert.ok(text.includes('Your Company'))
  assert.ok(text.includes('Option 2: Premium'))
  assert.ok(text.includes('$32.46'), 'per-bill total of Basic')
  assert.ok(text.includes('Twice-yearly tune-ups.'))
  const office = await call('GET', `/api/quotes/${id}/pdf`)
  assert.equal(office.headers['content-type'], 'application/pdf')
  assert.ok(pdfText(office.rawPayload).includes(EVIL))
})

test('unknown, malformed and expired links get a plain 404 that says nothing about other quotes', async () => {
  for (const bad of ['x', 'A'.repeat(43), 'a.b', '%3Cscript%3E']) {
    const res = await call('GET', `/api/signup/${bad}`, undefined, {})
    assert.equal(res.statusCode, 404, bad)
    assert.equal(res.json().error.code, 'link_invalid')
    assert.ok(!/quo_|Q-\d/.test(res.body))
  }
  const { id, token } = await sentQuote(quoteBody(customer, { expiresOn: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10) }))
  offsetMs = 5 * 86_400_000
  try {
    const res = await call('GET', `/api/signup/${token}`, undefined, {})
    assert.equal(res.statusCode, 404)
    assert.equal(res.json().error.code, 'link_expired')
    const q = await t.deps.db.selectFrom('quotes').select('status').where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(q.status, 'expired')
  } finally {
    offsetMs = 0
  }
})

test('a declined card shows a plain reason and the link stays usable; an approved one makes a pending agreement', async () => {
  const { id, token } = await sentQuote()
  const view = await call('GET', `/api/signup/${token}`, undefined, {})
  assert.equal(view.statusCode, 200, view.body)
  assert.equal(view.json().state, 'open')
  assert.equal(view.json().customerName, EVIL)
  assert.equal(view.json().revision.recipientEmail, undefined, 'no office-only fields')
  assert.equal((await call('GET', `/api/quotes/${id}`)).json().status, 'viewed')
  const option = view.json().revision.options[1]
  const accept = (paymentMethod: unknown, extra: Record<string, unknown> = {}) =>
    call('POST', `/api/signup/${token}/accept`, { optionId: option.id, signerName: 'Ada Lovelace', consent: true, paymentMethod, ...extra }, { 'user-agent': 'test-agent/1.0' })

  const missing = await accept(undefined, { consent: false, signerName: '' })
  assert.equal(missing.statusCode, 422)
  assert.ok(missing.json().error.details.fields.consent && missing.json().error.details.fields.signerName && missing.json().error.details.fields.paymentMethod)

  const declined = await accept(await card('4387751111111038'))
  assert.equal(declined.statusCode, 422, declined.body)
  assert.equal(declined.json().error.code, 'payment_declined')
  assert.match(declined.json().error.message, /declined the card/)
  assert.ok(!/respcode|RPCT|\d{3}/.test(declined.json().error.message), 'no processor codes for the customer')
  assert.equal(await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', id).executeTakeFirst(), undefined)

  const ok = await accept(await card('4111111111111111'))
  assert.equal(ok.statusCode, 200, ok.body)
  assert.equal(ok.json().state, 'accepted')
  assert.equal(ok.json().agreementStatus, 'pending_approval')
  const agreement = await t.deps.db.selectFrom('agreements').selectAll().where('quoteId', '=', id).executeTakeFirstOrThrow()
  assert.equal(agreement.status, 'pending_approval')
  assert.equal(agreement.billingIntervalMonths, 3)
  assert.equal(agreement.termMonths, 24)
  assert.deepEqual(agreement.lines, [{ description: 'Premium', amountCents: 14900, recurring: true, taxable: true }])
  const pm = await t.deps.db.selectFrom('paymentMethods').selectAll().where('id', '=', agreement.paymentMethodId!).executeTakeFirstOrThrow()
  assert.equal(pm.kind, 'card')
  assert.equal(pm.last4, '1111')
  assert.equal(pm.brand, 'VISA')
  assert.equal(pm.expiry, '1230')
  assert.match(pm.profileId, /^\d{20}$/)
  assert.ok(!JSON.stringify(pm).includes('4111111111111111'))
  const sig = await t.deps.db.selectFrom('quoteSignatures').selectAll().where('quoteId', '=', id).executeTakeFirstOrThrow()
  assert.equal(sig.signerName, 'Ada Lovelace')
  assert.equal(sig.userAgent, 'test-agent/1.0')
  assert.match(sig.termsSha256, /^[0-9a-f]{64}$/)
  assert.match(sig.documentSha256, /^[0-9a-f]{64}$/)

  const copy = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', id).where('kind', '=', 'quote.accepted').executeTakeFirstOrThrow()
  assert.equal(copy.toAddress, 'evil@example.com')
  assert.ok(copy.textBody.includes(sig.documentSha256), 'the customer gets the fingerprint of what they signed')
  assert.ok(copy.html.includes('&lt;script&gt;') && !copy.html.includes('<script>'))
  assert.equal((copy.attachments as Array<{ contentType: string }>)[0].contentType, 'application/pdf')

  const again = await accept(await card('4111111111111111'))
  assert.equal(again.statusCode, 200)
  assert.equal(again.json().state, 'accepted')
  assert.equal(Number((await t.deps.db.selectFrom('agreements').select((eb) => eb.fn.countAll().as('n')).where('quoteId', '=', id).executeTakeFirstOrThrow()).n), 1)
  const bell = await call('GET', '/api/notifications/unread-count')
  assert.ok(bell.json().unread >= 1)
})

test('two concurrent accepts make one agreement and one gateway verification', async () => {
  const { id, token } = await sentQuote()
  const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
  const body = { optionId: view.revision.options[0].id, signerName: 'Ada', consent: true, paymentMethod: await card('5454545454545454') }
  const before = (await sandbox.ledger()).length
  const results = await Promise.all([1, 2, 3].map(() => call('POST', `/api/signup/${token}/accept`, body, {})))
  for (const r of results) {
    assert.equal(r.statusCode, 200, r.body)
    assert.equal(r.json().state, 'accepted')
  }
  const agreements = await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', id).execute()
  assert.equal(agreements.length, 1)
  assert.equal((await sandbox.ledger()).length - before, 1, 'one $0 verification at the gateway')
})

test('a bank account goes on file through the gateway profile; only the last four are kept; a routing number failing its checksum is a 422 naming it', async () => {
  const { id, token } = await sentQuote()
  const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
  const bad = await call('POST', `/api/signup/${token}/accept`, {
    optionId: view.revision.options[0].id, signerName: 'Ada', consent: true,
    paymentMethod: { kind: 'ach', routingNumber: '123456789', accountNumber: '000123456789', accountType: 'checking', holderName: 'Ada Lovelace' },
  }, {})
  // A mistyped routing number is named as such before the gateway is asked, not 'account not accepted'.
  assert.equal(bad.statusCode, 422, bad.body)
  assert.equal(bad.json().error.code, 'validation_failed')
  assert.deepEqual(bad.json().error.details.fields, { 'paymentMethod.routingNumber': 'is not valid: check its 9 digits (bottom left of a check)' })
  assert.equal(await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', id).executeTakeFirst(), undefined)
  const res = await call('POST', `/api/signup/${token}/accept`, {
    optionId: view.revision.options[0].id, signerName: 'Ada', consent: true,
    paymentMethod: { kind: 'ach', routingNumber: '036001808', accountNumber: '000123456789', accountType: 'savings', holderName: 'Ada Lovelace' },
  }, {})
  assert.equal(res.statusCode, 200, res.body)
  const agreement = await t.deps.db.selectFrom('agreements').selectAll().where('quoteId', '=', id).executeTakeFirstOrThrow()
  const pm = await t.deps.db.selectFrom('paymentMethods').selectAll().where('id', '=', agreement.paymentMethodId!).executeTakeFirstOrThrow()
  assert.equal(pm.kind, 'ach')
  assert.equal(pm.last4, '6789')
  assert.equal(pm.accountType, 'ESAV')
  assert.ok(!JSON.stringify(pm).includes('000123456789'))
})

test('approval activates the agreement with work orders and an audit trail; rejection needs a reason', async () => {
  const { id, token } = await sentQuote()
  const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
  await call('POST', `/api/signup/${token}/accept`, { optionId: view.revision.options[0].id, signerName: 'Ada', consent: true, paymentMethod: await card('4111111111111111') }, {})
  const { id: agreementId } = await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', id).executeTakeFirstOrThrow()
  const detail = (await call('GET', `/api/agreements/${agreementId}`)).json()
  assert.equal(detail.status, 'pending_approval')
  assert.equal(detail.paymentMethod.last4, '1111')
  assert.equal(detail.paymentMethod.token, undefined, 'no token in the office view')
  assert.equal(detail.signature.optionName, 'Basic')

  const approved = await call('POST', `/api/agreements/${agreementId}/approve`)
  assert.equal(approved.statusCode, 200, approved.body)
  assert.equal(approved.json().status, 'active')
  const wos = approved.json().workOrders
  assert.equal(wos.length, 2)
  for (const wo of wos) {
    assert.ok(wo.windowStart <= wo.windowEnd)
    assert.match(wo.description, /^Basic: visit [12] of 2/)
  }
  const twice = await call('POST', `/api/agreements/${agreementId}/approve`)
  assert.equal(twice.statusCode, 409)
  assert.equal(await t.deps.db.selectFrom('workOrders').select('id').where('agreementId', '=', agreementId).execute().then((r) => r.length), 2)
  const history = (await call('GET', `/api/agreements/${agreementId}/history`)).json().items
  assert.deepEqual(history.map((e: { action: string }) => e.action), ['agreement.created', 'agreement.approved'])
  assert.equal(history[1].actorName, 'Test office')
  const email = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', agreementId).where('kind', '=', 'agreement.approved').executeTakeFirst()
  assert.ok(email, 'the customer is told')

  const second = await sentQuote()
  const v2 = (await call('GET', `/api/signup/${second.token}`, undefined, {})).json()
  await call('POST', `/api/signup/${second.token}/accept`, { optionId: v2.revision.options[0].id, signerName: 'Ada', consent: true, paymentMethod: await card('4111111111111111') }, {})
  const { id: a2 } = await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', second.id).executeTakeFirstOrThrow()
  const noReason = await call('POST', `/api/agreements/${a2}/reject`, { reason: '  ' })
  assert.equal(noReason.statusCode, 422)
  const rejected = await call('POST', `/api/agreements/${a2}/reject`, { reason: 'Outside our <b>service</b> area' })
  assert.equal(rejected.json().status, 'rejected')
  assert.equal(rejected.json().workOrders.length, 0)
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', a2).where('kind', '=', 'agreement.rejected').executeTakeFirstOrThrow()
  assert.ok(mail.html.includes('Outside our &lt;b&gt;service&lt;/b&gt; area'))
  const list = (await call('GET', '/api/agreements?status=rejected')).json()
  assert.ok(list.items.some((a: { id: string }) => a.id === a2))
})

test('the customer can decline; the office is notified and can revise; a declined link cannot accept', async () => {
  const { id, token } = await sentQuote()
  const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
  const declined = await call('POST', `/api/signup/${token}/decline`, { reason: 'Too <em>expensive</em>' }, {})
  assert.equal(declined.statusCode, 200, declined.body)
  assert.equal(declined.json().state, 'declined')
  const quote = (await call('GET', `/api/quotes/${id}`)).json()
  assert.equal(quote.status, 'declined')
  assert.equal(quote.declineReason, 'Too <em>expensive</em>')
  const late = await call('POST', `/api/signup/${token}/accept`, { optionId: view.revision.options[0].id, signerName: 'Ada', consent: true, paymentMethod: await card('4111111111111111') }, {})
  assert.equal(late.statusCode, 404)
  assert.equal(late.json().error.code, 'link_declined')
  // Opening the link again says what happened: no newer link exists.
  const reopened = await call('GET', `/api/signup/${token}`, undefined, {})
  assert.equal(reopened.statusCode, 404)
  assert.equal(reopened.json().error.code, 'link_declined')
  assert.match(reopened.json().error.message, /You declined this quote/)
  assert.doesNotMatch(reopened.json().error.message, /newer|replaced/)
  const notes = (await call('GET', '/api/notifications?unread=true')).json()
  const note = notes.items.find((n: { kind: string; link: string }) => n.kind === 'quote.declined' && n.link === `/quotes/${id}`)
  assert.ok(note, JSON.stringify(notes.items))
  const read = await call('POST', `/api/notifications/${note.id}/read`)
  assert.equal(read.statusCode, 200)
  assert.equal(read.json().unread, notes.unread - 1)
  assert.equal((await call('POST', '/api/notifications/read-all')).json().unread, 0)
  assert.equal((await call('GET', '/api/notifications/unread-count')).json().unread, 0)
  assert.equal((await call('POST', '/api/quotes/' + id + '/revise')).json().status, 'draft')
})

test('with OFFICE_NOTIFY_EMAIL set, a sign-up also emails the office', async () => {
  process.env.OFFICE_NOTIFY_EMAIL = 'office-inbox@example.com'
  try {
    const { token } = await sentQuote()
    const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
    const res = await call('POST', `/api/signup/${token}/accept`, { optionId: view.revision.options[0].id, signerName: 'Ada', consent: true, paymentMethod: await card('4111111111111111') }, {})
    assert.equal(res.statusCode, 200, res.body)
    const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('toAddress', '=', 'office-inbox@example.com').executeTakeFirstOrThrow()
    assert.match(mail.subject, /^Sign-up to approve: .* accepted Q-\d+$/)
    assert.ok(!mail.subject.includes('\n'))
    assert.ok(mail.html.includes('&lt;script&gt;') && !mail.html.includes('<script>'))
    assert.match(mail.textBody, /\/agreements\/agr_/)
  } finally {
    delete process.env.OFFICE_NOTIFY_EMAIL
  }
})

test('quote and agreement lists filter by status, search and page', async () => {
  const other = await createCustomer(t.app, h, 'Zebra Findable', 'zebra@example.com')
  const created = (await call('POST', '/api/quotes', quoteBody(other))).json()
  const byName = (await call('GET', '/api/quotes?q=zebra')).json()
  assert.deepEqual(byName.items.map((q: { id: string }) => q.id), [created.id])
  const byNumber = (await call('GET', `/api/quotes?q=Q-${created.number}`)).json()
  assert.deepEqual(byNumber.items.map((q: { id: string }) => q.id), [created.id])
  const drafts = (await call('GET', '/api/quotes?status=draft&pageSize=2&page=1')).json()
  assert.equal(drafts.items.length, 2)
  assert.ok(drafts.total > 2)
  assert.ok(drafts.items.every((q: { status: string }) => q.status === 'draft'))
  const bad = await call('GET', '/api/quotes?status=nonsense&page=0')
  assert.equal(bad.statusCode, 422)
  assert.ok(bad.json().error.details.fields.status && bad.json().error.details.fields.page)
  const active = (await call('GET', '/api/agreements?status=active')).json()
  assert.ok(active.items.length >= 1 && active.items.every((a: { status: string }) => a.status === 'active'))
  const none = (await call('GET', '/api/agreements?q=zebra')).json()
  assert.equal(none.total, 0)
  const page2 = (await call('GET', '/api/agreements?pageSize=1&page=2')).json()
  assert.equal(page2.items.length, 1)
  // The customer page lists that customer's quotes and agreements only.
  const forOther = (await call('GET', `/api/quotes?customerId=${other.id}`)).json()
  assert.deepEqual(forOther.items.map((q: { id: string }) => q.id), [created.id])
  const agreementsOfFirst = (await call('GET', `/api/agreements?customerId=${customer.id}`)).json()
  assert.ok(agreementsOfFirst.total >= 1 && agreementsOfFirst.items.every((a: { customerId: string }) => a.customerId === customer.id))
  assert.equal((await call('GET', `/api/agreements?customerId=${other.id}`)).json().total, 0)
  assert.equal((await call('GET', '/api/quotes?customerId=nope')).statusCode, 422)
  // The dashboard counts what needs the office's attention, from the same data.
  const dashboard = (await call('GET', '/api/dashboard')).json()
  assert.equal(dashboard.activeAgreements, active.total)
  assert.equal(dashboard.pendingApprovals, (await call('GET', '/api/agreements?status=pending_approval')).json().total)
  const sent = (await call('GET', '/api/quotes?status=sent')).json().total + (await call('GET', '/api/quotes?status=viewed')).json().total
  assert.equal(dashboard.openQuotes, sent)
  assert.equal(dashboard.failedInvoices, 0)
})

test('the quote list shows each quote’s amount per bill and when it was sent, and sorts by sent date', async () => {
  const who = await createCustomer(t.app, h, 'Yolanda Listed', 'yolanda@example.com')
  const draft = (await call('POST', '/api/quotes', quoteBody(who))).json()
  const { id: sentId } = await sentQuote(quoteBody(who, { options: [quoteBody(who).options[1]] }))
  const list = (await call('GET', `/api/quotes?customerId=${who.id}&sort=sentAt&dir=desc`)).json()
  assert.deepEqual(list.items.map((q: { id: string }) => q.id), [sentId, draft.id], 'sent first, never sent last')
  const [sent, unsent] = list.items
  assert.ok(sent.sentAt && Math.abs(Date.parse(sent.sentAt) - Date.now()) < 60_000, sent.sentAt)
  assert.equal(unsent.sentAt, null)
  // The draft's options cost $32.46 a month and $161.29 a quarter: the list shows "from" the cheaper bill.
  assert.deepEqual(unsent.amount, { perPeriodCents: 3246, billingFrequency: 'monthly', billingIntervalMonths: 1, from: true })
  assert.deepEqual(sent.amount, { perPeriodCents: 16129, billingFrequency: 'quarterly', billingIntervalMonths: 3, from: false })
  const ascending = (await call('GET', `/api/quotes?customerId=${who.id}&sort=sentAt&dir=asc`)).json()
  assert.deepEqual(ascending.items.map((q: { id: string }) => q.id), [sentId, draft.id], 'never sent stays last')
  const bad = await call('GET', '/api/quotes?sort=amountish&dir=sideways')
  assert.equal(bad.statusCode, 422)
  assert.deepEqual(Object.keys(bad.json().error.details.fields).sort(), ['dir', 'sort'])
})
