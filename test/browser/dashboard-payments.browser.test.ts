/**
 * The dashboard's "Collected this month" tile opens the payments received this month (Billing →
 * Payments), whose total is the tile's figure: money counts on the day it comes in and the day it
 * goes back, so a payment received and voided this month nets nothing, and a refund made this month
 * of an earlier payment is listed (among the voids and refunds) and subtracted. Chromium against the real server (built web/dist, PGlite).
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../../src/domain/ids.ts'
import { addDays } from '../../src/domain/billing-calendar.ts'
import { localDate } from '../../src/domain/time-zone.ts'
import { loginHeaders } from '../helpers/test-app.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
before(async () => {
  office = await startOfficeBrowser()
})
after(async () => {
  await office?.close()
})

test("the collected tile opens this month's payments and this month's voids and refunds, totalling what the tile says", async () => {
  const { db } = office.app.deps
  const c = await aCustomer(office.app.deps, 'Collette Payer', 'collette@example.com')
  const agreementId = await anAgreement(db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(4321) })
  const headers = await loginHeaders(office.app.app, office.officeEmail)
  const api = async (url: string, payload: object) => {
    const res = await office.app.app.inject({ method: 'POST', url, headers, payload })
    assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  // Three open invoices, each paid by check through the API: two this month, one 40 days ago.
  const paidByCheck = async (periodIndex: number, cents: number, reference: string, receivedOn: string) => {
    const invoiceId = newId('inv')
    await db
      .insertInto('invoices')
      .values({ id: invoiceId, agreementId, customerId: c.id, runId: null, periodIndex, periodStart: `2026-0${periodIndex + 1}-01`, periodEnd: `2026-0${periodIndex + 2}-01`, lines: '[]', subtotalCents: cents, taxCents: 0, totalCents: cents, paidCents: 0, status: 'open', failureCode: null, failureMessage: null, retryState: null, nextRetryDate: null, firstFailedAt: null, paidAt: null })
      .execute()
    await api(`/api/billing/invoices/${invoiceId}/offline-payment`, { amountCents: cents, method: 'check', reference, receivedOn })
    return (await db.selectFrom('payments').select('id').where('invoiceId', '=', invoiceId).executeTakeFirstOrThrow()).id
  }
  const today = localDate(new Date(), 'America/New_York')
  await paidByCheck(0, 4321, '1001', today)
  const bounced = await paidByCheck(1, 999, '1002', today)
  const earlier = await paidByCheck(2, 5000, '900', addDays(today, -40))
  // Today: this month's second check is voided, and $10.00 of the earlier one is refunded.
  await api(`/api/billing/payments/${bounced}/void`, { reason: 'Check bounced' })
  await api(`/api/billing/payments/${earlier}/refund`, { amountCents: 1000, reason: 'Goodwill credit' })

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail)
  const tile = page.getByRole('link', { name: /^Collected this month/ })
  await tile.waitFor()
  // 43.21 + 9.99 received, less the 9.99 voided and the 10.00 refunded today.
  assert.match((await tile.textContent())!, /\$33\.21/)
  await tile.click()
  await page.getByRole('heading', { name: 'Payments', level: 2 }).waitFor()
  assert.match(page.url(), /\/billing\/payments\?receivedFrom=\d{4}-\d{2}-01&receivedTo=\d{4}-\d{2}-\d{2}$/)
  const summary = page.getByTestId('payments-collected')
  await summary.getByText('$33.21').waitFor()
  assert.match((await summary.textContent())!, /Collected on these dates: \$33\.21 \(\$53\.20 received in 2 payments, less \$19\.99 voided or refunded on these dates\)/)
  const table = page.getByRole('table', { name: 'Payments' })
  assert.deepEqual((await table.getByRole('row').filter({ hasText: 'check: 1002' }).getByRole('cell').allTextContents()).slice(3), ['Recorded by hand (check: 1002)', '$9.99', 'Voided', '$0.00'])
  assert.equal(await table.getByText('check: 900').count(), 0, "the earlier payment is not listed among this month's")
  // Its refund is, among the voids and refunds made this month.
  const reversals = page.getByRole('table', { name: 'Voids and refunds' })
  const cells = async (text: string) => (await reversals.getByRole('row').filter({ hasText: text }).getByRole('cell').allTextContents())
  assert.deepEqual([(await cells('Goodwill credit'))[1], (await cells('Goodwill credit')).at(-1)], ['Refund', '−$10.00'])
  assert.deepEqual([(await cells('Check bounced'))[1], (await cells('Check bounced')).at(-1)], ['Void', '−$9.99'])
  await page.getByRole('button', { name: 'Show all payments' }).click()
  await summary.getByText('$83.21').waitFor()
})
