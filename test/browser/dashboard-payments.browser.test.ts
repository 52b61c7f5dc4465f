/**
 * The dashboard's "Collected this month" tile opens the payments received this month (Billing →
 * Payments), whose total is the tile's figure: a payment this month counts, a voided one shows and
 * counts nothing, last month's is not listed. Chromium against the real server (built web/dist, PGlite).
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../../src/domain/ids.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
before(async () => {
  office = await startOfficeBrowser()
})
after(async () => {
  await office?.close()
})

test("the collected tile opens this month's payments, totalling what the tile says", async () => {
  const { db } = office.app.deps
  const c = await aCustomer(office.app.deps, 'Collette Payer', 'collette@example.com')
  const agreementId = await anAgreement(db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(4321) })
  const invoiceId = newId('inv')
  await db
    .insertInto('invoices')
    .values({ id: invoiceId, agreementId, customerId: c.id, runId: null, periodIndex: 0, periodStart: '2026-01-01', periodEnd: '2026-02-01', lines: '[]', subtotalCents: 4321, taxCents: 0, totalCents: 4321, paidCents: 4321, status: 'paid', failureCode: null, failureMessage: null, retryState: null, nextRetryDate: null, firstFailedAt: null, paidAt: new Date() })
    .execute()
  const pay = (amountCents: number, receivedAt: Date, status: 'approved' | 'voided', reference: string) =>
    db.insertInto('payments').values({ id: newId('pay'), invoiceId, customerId: c.id, attemptId: null, method: 'offline', amountCents, reference, status, gatewayRef: null, authCode: null, recordedBy: null, receivedAt }).execute()
  await pay(4321, new Date(), 'approved', 'check 1001')
  await pay(999, new Date(), 'voided', 'check 1002')
  await pay(5000, new Date(Date.now() - 40 * 86_400_000), 'approved', 'check 900')

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail)
  const tile = page.getByRole('link', { name: /^Collected this month/ })
  await tile.waitFor()
  assert.match((await tile.textContent())!, /\$43\.21/)
  await tile.click()
  await page.getByRole('heading', { name: 'Payments' }).waitFor()
  assert.match(page.url(), /\/billing\/payments\?receivedFrom=\d{4}-\d{2}-01&receivedTo=\d{4}-\d{2}-\d{2}$/)
  await page.getByTestId('payments-collected').getByText('$43.21').waitFor()
  assert.match((await page.getByTestId('payments-collected').textContent())!, /Collected: \$43\.21 from 2 payments/)
  const table = page.getByRole('table', { name: 'Payments' })
  assert.deepEqual((await table.getByRole('row').filter({ hasText: 'check 1002' }).getByRole('cell').allTextContents()).slice(3), ['Recorded by hand (check 1002)', '$9.99', 'Voided', '$0.00'])
  assert.equal(await table.getByText('check 900').count(), 0, "last month's payment is not listed")
  await page.getByRole('button', { name: 'Show all payments' }).click()
  await page.getByTestId('payments-collected').getByText('$93.21').waitFor()
})
