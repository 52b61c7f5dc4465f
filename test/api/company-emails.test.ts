/**
 * Every e-mail goes out as the company, in the one layout (issue 13, defect 10): through the real
 * SMTP capture, each kind has the company's name in From (at the configured address), a Reply-To
 * to the office, an HTML part with the company header and logo and the footer with the address
 * and phone, and a plain-text part with the same. Receipts of a billing run, whose HTML is drawn
 * only when they are sent, included.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { createCustomer, quoteBody } from '../helpers/quote-fixtures.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { tinyPng } from '../helpers/tiny-png.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { billingAttachmentRenderers } from '../../src/services/billing/billing-emails.ts'
import { deliverDueEmails, enqueueEmail, outboxRows } from '../../src/services/email/outbox.ts'
import { loadBrand } from '../../src/services/email/brand.ts'
import { setCompanyLogo, updateSettings } from '../../src/services/settings/company-settings.ts'
import { agreementDecisionEmail, officeAcceptedEmail, signupReceivedEmail } from '../../src/services/quotes/quote-emails.ts'
import { agreementClosedEmail, autoRenewOffEmail, renewalOfferEmail, renewedEmail } from '../../src/services/renewals/renewal-emails.ts'
import { onTheWayEmail } from '../../src/services/scheduling/visit-emails.ts'

let s: BillingApi
let mail: MailCapture
let now = new Date('2026-03-31T15:00:00Z')
before(async () => {
  s = await startBillingApi(() => now)
  mail = await startMailCapture()
})
after(async () => {
  await mail.close()
  await s.close()
})

const COMPANY = 'Hearth & Home Heating'

test('every kind of e-mail is sent as the company, in the one layout with header, logo, footer and a text part', async () => {
  const { t, h, office } = s
  const deps = t.deps
  await updateSettings(deps, { companyName: COMPANY, timeZone: 'America/New_York', email: 'office@hearth.example', phone: '(555) 010-2030', address: '12 Kiln Road\nSpringfield, IL 62701' }, null)
  await setCompanyLogo(deps, `data:image/png;base64,${tinyPng().toString('base64')}`, null)

  // A billing run: a receipt (HTML drawn at delivery) and a failed payment.
  const ann = await aCustomer(deps, 'Ann Paid', 'ann@example.com')
  await anAgreement(deps.db, { customerId: ann.id, locationId: ann.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, ann.id), startDate: '2026-03-31', lines: monthly(4999) })
  const ned = await aCustomer(deps, 'Ned Declined', 'ned@example.com')
  // $1116.00: the sandbox answers insufficient funds.
  await anAgreement(deps.db, { customerId: ned.id, locationId: ned.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, ned.id, '4111111111111111'), startDate: '2026-03-31', lines: monthly(111600) })
  const summary = await (await startBillingRun(deps, { through: '2026-03-31', actor: null, settleWindowMs: 1000 })).done
  assert.deepEqual([summary.approved, summary.declined], [1, 1])
  const receiptRow = await deps.db.selectFrom('emailOutbox').select(['html', 'content']).where('kind', '=', 'billing.receipt').executeTakeFirstOrThrow()
  assert.equal(receiptRow.html, '', 'the run queued the content; the HTML is drawn when it is sent')

  // A quote sent by the office through the API.
  const quinn = await createCustomer(t.app, office, 'Quinn Quote', 'quinn@example.com')
  const quote = await t.app.inject({ method: 'POST', url: '/api/quotes', headers: office, payload: quoteBody(quinn) })
  assert.equal(quote.statusCode, 201, quote.body)
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/quotes/${quote.json().id}/send`, headers: office, payload: {} })).statusCode, 200)

  // The rest, built by their services' builders with the company's brand.
  const brand = await loadBrand(deps.db, deps.publicUrl)
  const person = { customerName: 'Pat Person', agreementNumber: 7, agreementName: 'Gold plan' }
  const next = { startDate: '2026-06-01', termMonths: 12, intervalMonths: 1, perBillCents: 3090, oldPerBillCents: 3000, changeText: 'a 3% increase' }
  const manage = `${deps.publicUrl}/auto-renewal/token-for-test`
  const built = {
    'agreement.pending_approval': officeAcceptedEmail({ brand, customerName: 'Pat Person', quoteNumber: 1001, optionName: 'Gold', agreementNumber: 7, link: `${deps.publicUrl}/agreements/agr_1` }),
    'agreement.approved': agreementDecisionEmail({ brand, ...person, decision: 'approved', startDate: '2026-04-01' }),
    'agreement.rejected': agreementDecisionEmail({ brand, ...person, decision: 'rejected', reason: 'Outside our area', startDate: '2026-04-01' }),
    'quote.accepted': signupReceivedEmail({ brand, customerName: 'Pat Person', quoteNumber: 1001, optionName: 'Gold', perBill: '$30.00 per month', signerName: 'Pat', signedAt: now, timeZone: 'America/New_York', documentSha256: 'abc', autoRenewTerms: 'Renews every year.', manageLink: manage }),
    'renewal.accepted': renewedEmail({ brand, ...person, next: { ...next, endDate: '2027-06-01' }, paidWith: 'Visa ending 1443', how: 'accepted', autoRenewTerms: null, manageLink: null }),
    'renewal.auto_renew_off': autoRenewOffEmail({ brand, ...person, lastDay: '2026-05-31' }),
    'agreement.closed': agreementClosedEmail({ brand, ...person, lastServiceDay: '2026-04-15', now: true, refundCents: 1500, refundedTo: 'Visa ending 1443' }),
    'visit.on_the_way': onTheWayEmail({ brand, customerName: 'Pat Person', technicianName: 'Ana', description: 'Furnace tune-up', address: '1 Main St' }),
  }
  for (const [kind, email] of Object.entries(built)) await enqueueEmail(deps.db, { kind, to: `${kind.replace(/[._]/g, '-')}@example.com`, ...email })
  // A renewal notice the way the renewal jobs queue it (outbox rows, HTML drawn at delivery), with the opt-out link.
  const notice = renewalOfferEmail({ kind: 'auto_renew_notice', brand, ...person, lastDay: '2026-05-31', autoRenew: true, next, renewLink: null, manageLink: manage })
  await deps.db.insertInto('emailOutbox').values(outboxRows([{ kind: 'renewal.auto_renew_notice', to: 'renewal-notice@example.com', ...notice }])).execute()

  const queued = await deps.db.selectFrom('emailOutbox').select(['kind', 'toAddress']).execute()
  const kinds = new Set(queued.map((q) => q.kind))
  for (const kind of ['billing.receipt', 'billing.payment_failed', 'quote.sent', 'renewal.auto_renew_notice', ...Object.keys(built)]) assert.ok(kinds.has(kind), `${kind} was queued`)

  const sent = await deliverDueEmails({ db: deps.db, clock: deps.clock, mailer: mail.mailer, from: '"Servicebook" <no-reply@servicebook.local>', renderers: billingAttachmentRenderers }, { limit: 100 })
  assert.deepEqual(sent, { sent: queued.length, failed: 0 })
  const logo = brand.logoUrl!
  assert.match(logo, /^http.*\/api\/public\/logo\/[0-9a-f]{16}$/)
  for (const q of queued) {
    const got = await mail.waitFor({ to: q.toAddress, subject: /./ })
    const label = `${q.kind} to ${q.toAddress}`
    assert.equal(got.from, `${COMPANY} <no-reply@servicebook.local>`.replace(/^(.*) </, '"$1" <'), `From: ${label}`)
    assert.equal(got.replyTo, 'office@hearth.example', `Reply-To: ${label}`)
    assert.ok(got.text?.startsWith(`${COMPANY}\n`), `text part opens with the company: ${label}\n${got.text}`)
    assert.match(got.text!, /12 Kiln Road\nSpringfield, IL 62701\n\(555\) 010-2030 · office@hearth\.example/, `text footer: ${label}`)
    const html = got.html ?? ''
    assert.match(html, /data-company-header/, `header: ${label}`)
    assert.ok(html.includes(`src="${logo}"`) && html.includes('alt="Hearth &amp; Home Heating"'), `logo: ${label}`)
    assert.ok(html.includes('12 Kiln Road') && html.includes('(555) 010-2030'), `footer: ${label}`)
  }
  const receipt = await mail.waitFor({ to: 'ann@example.com' })
  assert.match(receipt.text!, /Amount paid: \$49\.99/)
  assert.equal((await mail.attachment(receipt)).content.subarray(0, 5).toString(), '%PDF-', 'the invoice PDF still rides along')
  const failed = await mail.waitFor({ to: 'ned@example.com' })
  assert.match(failed.html!, /Verify or update your payment details/)
  // The auto-renewal opt-out link is in the footer of e-mails about auto-renewing agreements.
  for (const to of ['renewal-notice@example.com', 'quote-accepted@example.com']) {
    const m = await mail.waitFor({ to })
    assert.match(m.text!, /--\n[\s\S]*Turn off automatic renewal: http:\/\/\S+\/auto-renewal\/token-for-test/, `${to}: opt-out link in the footer`)
  }

  // The logo's address works without a login, for any mail client.
  const image = await t.app.inject({ method: 'GET', url: new URL(logo).pathname })
  assert.equal(image.statusCode, 200)
  assert.equal(image.headers['content-type'], 'image/png')
  assert.equal(image.headers['cross-origin-resource-policy'], 'cross-origin')
  assert.ok(image.rawPayload.equals(tinyPng()))
})

test('a company without a logo or address: the header is its name, From is still the company', async () => {
  const deps = s.t.deps
  await updateSettings(deps, { companyName: 'Plain Pipes', timeZone: 'America/New_York', email: null, phone: null, address: '' }, null)
  await deps.db.updateTable('companySettings').set({ logoBase64: null, logoContentType: null }).execute()
  await mail.clear()
  const brand = await loadBrand(deps.db, deps.publicUrl)
  assert.equal(brand.logoUrl, null)
  await enqueueEmail(deps.db, { kind: 'visit.on_the_way', to: 'plain@example.com', ...onTheWayEmail({ brand, customerName: 'Pat', technicianName: 'Ana', description: 'Leak', address: '1 Main St' }) })
  await deliverDueEmails({ db: deps.db, clock: deps.clock, mailer: mail.mailer, from: 'no-reply@servicebook.local' })
  const got = await mail.waitFor({ to: 'plain@example.com' })
  assert.equal(got.from, '"Plain Pipes" <no-reply@servicebook.local>')
  assert.equal(got.replyTo ?? null, null, 'no office address: no Reply-To')
  assert.ok(!got.html!.includes('<img'))
  assert.match(got.html!, /Plain Pipes/)
  now = new Date(now.getTime() + 1000)
})
