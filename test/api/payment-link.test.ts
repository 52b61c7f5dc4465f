/**
 * The office sends the update-payment link by hand (issue 13, defect 3), from a failed payment
 * or from its agreement: one email however often it is asked for within ten minutes (a double
 * click, two people), recorded in the agreement's audit trail, and the link opens the page.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'

let t: TestApp
let s: BillingApi
const now = new Date('2026-03-15T15:00:00Z')

before(async () => {
  ;({ t } = s = await startBillingApi(() => now))
  // No automatic notice: every link email here is the office's.
  await updateBillingSettings(t.deps, { ...(await getBillingSettings(t.deps.db)), emailOnFailure: false }, null)
})
after(() => s.close())

async function failedInvoice(name: string, email: string | null) {
  const c = await aCustomer(t.deps, name, email)
  const agreementId = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-01', lines: monthly(4200) })
  await (await startBillingRun(t.deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  const inv = await t.deps.db.selectFrom('invoices').select(['id', 'number', 'status']).where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
  assert.equal(inv.status, 'failed')
  return { agreementId, invoiceId: inv.id, number: Number(inv.number) }
}
const linkEmails = (invoiceId: string) => t.deps.db.selectFrom('emailOutbox').select(['toAddress', 'textBody']).where('kind', '=', 'billing.payment_failed').where('relatedId', '=', invoiceId).execute()

test('a double click sends one link; the agreement page asking again is told when it went; the trail records it', async () => {
  const f = await failedInvoice('Lena Link', 'lena@example.com')
  assert.equal((await linkEmails(f.invoiceId)).length, 0)
  const send = () => t.app.inject({ method: 'POST', url: `/api/billing/invoices/${f.invoiceId}/payment-link`, headers: s.office })
  const [a, b] = await Promise.all([send(), send()])
  assert.deepEqual([a.statusCode, b.statusCode], [200, 200], a.body + b.body)
  assert.deepEqual([a.json().alreadySent, b.json().alreadySent].sort(), [false, true])
  assert.equal(a.json().to, 'lena@example.com')
  const again = await t.app.inject({ method: 'POST', url: `/api/agreements/${f.agreementId}/payment-link`, headers: s.office })
  assert.equal(again.statusCode, 200, again.body)
  assert.deepEqual([again.json().invoiceId, again.json().alreadySent], [f.invoiceId, true])
  const emails = await linkEmails(f.invoiceId)
  assert.equal(emails.length, 1, 'one email')
  assert.equal(emails[0]!.toAddress, 'lena@example.com')
  assert.match(emails[0]!.textBody, new RegExp(`We could not collect \\$42\\.00 for invoice ${f.number} \\(`), 'what is owed on this one invoice')
  const subject = await t.deps.db.selectFrom('emailOutbox').select('subject').where('kind', '=', 'billing.payment_failed').where('relatedId', '=', f.invoiceId).executeTakeFirstOrThrow()
  assert.equal(subject.subject, `Payment for invoice ${f.number} did not go through`)

  // The link opens the customer's page for this invoice.
  const token = /\/pay\/([A-Za-z0-9_-]{43})/.exec(emails[0]!.textBody)![1]
  const page = await t.app.inject({ method: 'GET', url: `/api/pay/${token}` })
  assert.equal(page.statusCode, 200, page.body)
  assert.equal(page.json().invoiceNumber, f.number)

  const history = (await t.app.inject({ method: 'GET', url: `/api/agreements/${f.agreementId}/history`, headers: s.office })).json().items
  const sent = history.filter((e: { action: string }) => e.action === 'agreement.payment_link_sent')
  assert.equal(sent.length, 1)
  assert.deepEqual(sent[0].details, { invoiceId: f.invoiceId, invoiceNumber: f.number, to: 'lena@example.com' })
  assert.ok(sent[0].actorName, 'who sent it')
})

test('nothing to collect, or no email address: refused with the reason, nothing sent', async () => {
  const noEmail = await failedInvoice('Nora Noemail', null)
  const r = await t.app.inject({ method: 'POST', url: `/api/billing/invoices/${noEmail.invoiceId}/payment-link`, headers: s.office })
  assert.ok(r.statusCode === 409 || r.statusCode === 422, r.body)
  assert.equal(r.json().error.code, 'no_customer_email')
  assert.match(r.json().error.message, /Nora Noemail has no email address/)

  const c = await aCustomer(t.deps, 'Paula Paid', 'paula@example.com')
  const agreementId = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-10', lines: monthly(1000) })
  const none = await t.app.inject({ method: 'POST', url: `/api/agreements/${agreementId}/payment-link`, headers: s.office })
  assert.equal(none.json().error.code, 'nothing_owed', none.body)
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/agreements/agr_nope/payment-link', headers: s.office })).statusCode, 404)
})
