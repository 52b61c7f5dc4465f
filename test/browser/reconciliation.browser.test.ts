/**
 * Billing → Reconciliation in Chromium against the real server and the CardPointe sandbox: after a
 * billing run and the batch close the day shows the gateway and Servicebook side by side; a
 * settled charge the books lack is listed with its link, which opens the page to act on it.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let h: SandboxHarness
let office: OfficeBrowser

before(async () => {
  h = await startHarness()
  office = await startOfficeBrowser({ gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
})
after(async () => {
  await office?.close()
  await h?.close()
})

test('the office reconciles the day and follows a mismatch to where it is fixed', async () => {
  const deps = office.app.deps
  const today = await companyToday(deps)
  const c = await aCustomer(deps, 'Rita Recon', 'rita@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: today, lines: monthly(4200), name: 'Rita HVAC' })
  await (await startBillingRun(deps, { through: today, actor: null, settleWindowMs: 1000 })).done
  await h.client.auth({ account: '4788250000121443', expiry: '1230', amount: '12.34', capture: 'Y', orderid: 'not-ours-web' })
  await h.settle()

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/billing')
  await page.getByRole('link', { name: 'Reconciliation' }).click()
  await page.getByRole('heading', { name: 'Reconciliation', exact: true }).waitFor()
  await page.getByLabel('From', { exact: true }).fill(today)
  await page.getByLabel('To', { exact: true }).fill(today)
  await page.getByRole('button', { name: 'Reconcile' }).click()
  await page.getByText(`1 mismatch from ${today} to ${today}.`).waitFor()
  const days = page.getByRole('table', { name: 'Days side by side' })
  assert.match(await days.getByRole('row').nth(1).innerText(), new RegExp(`${today}\\s+2 · \\$54\\.34\\s+1 · \\$42\\.00\\s+—\\s+1`))
  const mismatches = page.getByRole('table', { name: 'Mismatches' })
  assert.match(await mismatches.innerText(), /Charged, not recorded[\s\S]*\$12\.34[\s\S]*order not-ours-web/i)
  await mismatches.getByRole('link', { name: 'Open billing' }).click()
  await page.getByRole('heading', { name: 'Billing', exact: true }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/billing')
})
