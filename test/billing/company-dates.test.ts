/**
 * Dates people read are the company's dates, not UTC's (issue 9, item 9):
 * - New York, an office run after 19:00 (already tomorrow in UTC): the receipt, its PDF and the
 *   downloaded invoice say today;
 * - Auckland (ahead of UTC), a morning run on the first of the month: the receipt is dated the
 *   day the period began, not the day before; a check received that day reads as that day;
 * - a quote sent in a New York evening is issued that day; the sign-up copy tells the signing
 *   time in the company's zone.
 * Every date is written one way (issue 13 defect 13): `Dec 1, 2026`, with a time `Dec 1, 2026, 7:30 PM EST`,
 * in the company's locale (`1 Dec 2026` for en-GB) in e-mails and PDFs as on the pages.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { invoicePdfFor } from '../../src/services/billing/billing-queries.ts'
import { recordOfflinePayment } from '../../src/services/billing/office-actions.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { createQuote } from '../../src/services/quotes/manage-quotes.ts'
import { emailText } from '../../src/services/email/layout.tsx'
import { signupReceivedEmail } from '../../src/services/quotes/quote-emails.ts'
import { loadQuote } from '../../src/services/quotes/quote-repository.ts'
import { quotePdf, sendQuote } from '../../src/services/quotes/send-quote.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'
import { pdfText } from '../helpers/pdf-text.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
let now = new Date('2026-12-02T00:30:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

const inZone = (timeZone: string) => deps.db.updateTable('companySettings').set({ timeZone }).where('id', '=', 1).execute()
const billToday = async () => (await startBillingRun(deps, { actor: null, settleWindowMs: 1000 })).done
const receiptOf = (invoiceId: string) =>
  deps.db.selectFrom('emailOutbox').select(['textBody', 'attachments']).where('kind', '=', 'billing.receipt').where('relatedId', '=', invoiceId).executeTakeFirstOrThrow()
// created_at is the database's now(), not the test clock: put the invoice at the test's moment.
const madeAt = (invoiceId: string, at: Date) => sql`update invoices set created_at = ${at} where id = ${invoiceId}`.execute(deps.db)
const issuedOnOf = (receipt: { attachments: unknown }) => {
  const list = (typeof receipt.attachments === 'string' ? JSON.parse(receipt.attachments) : receipt.attachments) as { params: { issuedOn: string; paidNote: string } }[]
  return [list[0]!.params.issuedOn, list[0]!.params.paidNote]
}

test('New York at 19:30: receipts, their PDF and the download are dated today, not tomorrow (UTC)', async () => {
  await inZone('America/New_York')
  now = new Date('2026-12-02T00:30:00Z') // Dec 1, 19:30 EST
  const c = await aCustomer(deps, 'Nora Evening', 'nora@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-01', lines: monthly(2500) })
  const run = await billToday()
  assert.equal(run.through, '2026-12-01')
  const inv = await deps.db.selectFrom('invoices').select(['id', 'status']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.equal(inv.status, 'paid')
  const receipt = await receiptOf(inv.id)
  assert.match(receipt.textBody, /paid with Visa ending 1443 on Dec 1, 2026\./)
  assert.deepEqual(issuedOnOf(receipt), ['2026-12-01', 'Paid $25.00 with Visa ending 1443 on Dec 1, 2026'])
  // The office's download: issued and paid the company's Dec 1 (the invoice was made at 19:30).
  await madeAt(inv.id, now)
  const text = pdfText((await invoicePdfFor(deps, inv.id)).pdf)
  assert.match(text, /Issued Dec 1, 2026/)
  assert.match(text, /Paid \$25\.00 with Visa ending 1443 on Dec 1, 2026/)
})

test('Auckland at 09:00 on the 1st: the receipt is dated the day its period began; a check received that day reads as that day', async () => {
  await inZone('Pacific/Auckland')
  now = new Date('2026-11-30T20:00:00Z') // Dec 1, 09:00 NZDT
  const c = await aCustomer(deps, 'Aroha Morning', 'aroha@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const paid = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-01', lines: monthly(3000) })
  const byCheck = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-12-01', lines: monthly(4000) })
  const run = await billToday()
  assert.equal(run.through, '2026-12-01')
  const inv = await deps.db.selectFrom('invoices').select(['id', 'periodStart']).where('agreementId', '=', paid).executeTakeFirstOrThrow()
  assert.equal(inv.periodStart, '2026-12-01')
  const receipt = await receiptOf(inv.id)
  assert.match(receipt.textBody, /\(Maintenance agreement, Dec 1, 2026 to Dec 31, 2026\), paid with Visa ending 1443 on Dec 1, 2026\./)
  assert.deepEqual(issuedOnOf(receipt), ['2026-12-01', 'Paid $30.00 with Visa ending 1443 on Dec 1, 2026'])

  const unpaid = await deps.db.selectFrom('invoices').select(['id']).where('agreementId', '=', byCheck).executeTakeFirstOrThrow()
  await recordOfflinePayment(deps, unpaid.id, { amountCents: 4000, method: 'check', reference: '1001', note: '', receivedOn: '2026-12-01' }, null)
  await madeAt(unpaid.id, now)
  const text = pdfText((await invoicePdfFor(deps, unpaid.id)).pdf)
  assert.match(text, /Issued Dec 1, 2026/)
  assert.match(text, /Service period: Dec 1, 2026 to Dec 31, 2026/)
  assert.match(text, /Paid \$40\.00 with check: 1001 on Dec 1, 2026/)
})

test('a quote sent on a New York evening is issued that day; the sign-up copy tells the time in the company zone', async () => {
  await inZone('America/New_York')
  now = new Date('2026-12-02T00:30:00Z') // Dec 1, 19:30 EST
  const c = await aCustomer(deps, 'Quincy Quote', 'quincy@example.com')
  const option = { name: 'Basic', description: '', planId: null, priceCents: 2999, isTaxable: false, billingFrequency: 'monthly' as const, termMonths: 12, visitsPerTerm: 2, visitMonths: [], extraLines: [] }
  const input = { customerId: c.id, locationId: c.locationId, title: 'HVAC', startDate: '2026-12-15', expiresOn: '2026-12-31', taxRatePpm: 0, termsText: 'Terms.', options: [option] }
  const quote = await createQuote(deps, input as Parameters<typeof createQuote>[1], null)
  await sendQuote(deps, quote.id, {}, null)
  assert.match(pdfText(await quotePdf(deps, await loadQuote(deps.db, quote.id))), /Issued: Dec 1, 2026/)

  const copy = signupReceivedEmail({
    brand: { name: 'Acme', logoUrl: null, address: [], phone: null, email: null, locale: 'en-US' }, customerName: 'Quincy', quoteNumber: 1001, optionName: 'Basic', perBill: '$29.99 per month', signerName: 'Quincy Q',
    signedAt: now, timeZone: 'America/New_York', documentSha256: 'abc',
  })
  assert.match(emailText(copy.content), /Signed by Quincy Q on Dec 1, 2026, 7:30 PM EST\./)
})

test("a company writing en-GB gets its receipts, invoice and quote PDFs and e-mails dated '1 Dec 2026', not in en-US", async () => {
  await inZone('America/New_York')
  await deps.db.updateTable('companySettings').set({ locale: 'en-GB' }).where('id', '=', 1).execute()
  try {
    now = new Date('2026-12-01T15:00:00Z')
    const c = await aCustomer(deps, 'Gareth Locale', 'gareth@example.com')
    const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
    const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-01', lines: monthly(2200) })
    await billToday()
    const inv = await deps.db.selectFrom('invoices').select(['id']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
    const receipt = await receiptOf(inv.id)
    assert.match(receipt.textBody, /\(Maintenance agreement, 1 Dec 2026 to 31 Dec 2026\), paid with Visa ending 1443 on 1 Dec 2026\./)
    assert.deepEqual(issuedOnOf(receipt), ['2026-12-01', 'Paid $22.00 with Visa ending 1443 on 1 Dec 2026'])
    await madeAt(inv.id, now)
    const text = pdfText((await invoicePdfFor(deps, inv.id)).pdf)
    assert.match(text, /Issued 1 Dec 2026/)
    assert.match(text, /Service period: 1 Dec 2026 to 31 Dec 2026/)
    assert.doesNotMatch(text, /Dec 1, 2026/)

    const option = { name: 'Basic', description: '', planId: null, priceCents: 2999, isTaxable: false, billingFrequency: 'monthly' as const, termMonths: 12, visitsPerTerm: 2, visitMonths: [], extraLines: [] }
    const input = { customerId: c.id, locationId: c.locationId, title: 'HVAC', startDate: '2026-12-15', expiresOn: '2026-12-31', taxRatePpm: 0, termsText: 'Terms.', options: [option] }
    const quote = await createQuote(deps, input as Parameters<typeof createQuote>[1], null)
    await sendQuote(deps, quote.id, {}, null)
    assert.match(pdfText(await quotePdf(deps, await loadQuote(deps.db, quote.id))), /Issued: 1 Dec 2026 +Offer valid until: 31 Dec 2026 +Agreement starts: 15 Dec 2026/)
    const sent = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'quote.sent').where('relatedId', '=', quote.id).executeTakeFirstOrThrow()
    assert.match(sent.textBody, /valid until 31 Dec 2026\./)
  } finally {
    await deps.db.updateTable('companySettings').set({ locale: 'en-US' }).where('id', '=', 1).execute()
  }
})
