/**
 * QuickBooks in Chromium, the whole path (issue 10), against the real server, the CardPointe
 * sandbox and the QuickBooks sandbox over HTTP with the push worker running as in main.ts: an
 * admin connects through the sandbox's consent page from Settings → QuickBooks; Bill all charges
 * two agreements; one invoice and its payment are shown synced on the invoice's view; the other
 * customer's name is taken by vendors in QuickBooks, so its invoice is listed under Sync errors
 * with QuickBooks' message and a fix hint, and once the vendor is renamed Retry sends it (and its
 * payment, which waited for it); the Reconciliation page then finds the gateway, Servicebook and
 * QuickBooks agreeing. Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { startQuickBooksWorker, type QuickBooksWorker } from '../../src/services/quickbooks/quickbooks-worker.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startQuickBooksKit, type QuickBooksTestKit } from '../helpers/quickbooks.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let h: SandboxHarness
let office: OfficeBrowser
let kit: QuickBooksTestKit
let worker: QuickBooksWorker

before(async () => {
  h = await startHarness()
  office = await startOfficeBrowser({ gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  kit = await startQuickBooksKit({ redirectUri: `${office.app.url}/api/quickbooks/callback` })
  const deps = office.app.deps
  deps.quickbooks = kit.runtime
  worker = startQuickBooksWorker(deps, { intervalMs: 300 })
  deps.kickQuickBooks = () => worker.kick()
})
after(async () => {
  await worker?.stop()
  await office?.close()
  await kit?.close()
  await h?.close()
})

/** Waits until the invoice's QuickBooks entries (its own and its payment's) are all `status`. */
async function until(invoiceId: string, status: 'sent' | 'failed', what: string) {
  const db = office.app.deps.db
  for (let i = 0; i < 240; i++) {
    const rows = await db
      .selectFrom('quickbooksQueue as q')
      .select(['q.entityType', 'q.status'])
      .where((eb) => eb.or([eb.and([eb('q.entityType', '=', 'invoice'), eb('q.entityId', '=', invoiceId)]), eb('q.entityId', 'in', eb.selectFrom('payments').select('id').where('invoiceId', '=', invoiceId))]))
      .execute()
    const invoice = rows.find((r) => r.entityType === 'invoice')
    if (status === 'sent' ? rows.length === 2 && rows.every((r) => r.status === 'sent') : invoice?.status === 'failed') return
    await new Promise((r) => setTimeout(r, 250))
  }
  assert.fail(`${what} did not reach "${status}" within a minute`)
}

/** The invoice's own page (/billing/invoices/<id>): its line about QuickBooks. */
async function invoiceSyncLine(page: Page, invoice: { id: string; number: number }): Promise<string> {
  await page.goto(`${office.app.url}/billing/invoices/${invoice.id}`)
  return page.getByRole('region', { name: `Invoice ${invoice.number}` }).getByTestId('quickbooks-sync').innerText()
}

test('connect through the consent page, bill, see the sync state, fix a refused invoice with Retry, reconcile', { timeout: 300_000 }, async () => {
  const deps = office.app.deps
  const today = await companyToday(deps)
  // The company already has vendors under the name of one of our customers, and under the suffixed name.
  for (const name of ['Vic Vendor', 'Vic Vendor (customer)']) assert.equal((await kit.q.client.create('Vendor', { DisplayName: name })).status, 'ok')
  const wren = await aCustomer(deps, 'Wren Synced', 'wren@example.com')
  await anAgreement(deps.db, { customerId: wren.id, locationId: wren.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, wren.id), startDate: today, lines: monthly(4200), name: 'Wren HVAC' })
  const vic = await aCustomer(deps, 'Vic Vendor', null)
  await anAgreement(deps.db, { customerId: vic.id, locationId: vic.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, vic.id), startDate: today, lines: monthly(2575), name: 'Vic Pool' })

  // Connect: Settings → QuickBooks → the sandbox's consent page → back, connected to the chosen company.
  const page = await office.newPage()
  await office.logIn(page, office.adminEmail, '/settings')
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'QuickBooks' }).click()
  await page.getByText('Not connected').waitFor()
  await page.getByRole('button', { name: 'Connect to QuickBooks' }).click()
  await page.getByRole('heading', { name: 'Connect to QuickBooks' }).waitFor()
  assert.equal(new URL(page.url()).origin, kit.q.sandbox.url, 'the consent page is QuickBooks\', not ours')
  await page.getByLabel(/Sandbox Company US 1/).check()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByText(`(realm ${kit.q.realmId})`).waitFor()
  assert.equal(new URL(page.url()).pathname, '/settings/quickbooks')
  await page.getByText('Sandbox Company US 1', { exact: true }).waitFor()
  await page.getByText('Connected', { exact: true }).waitFor()
  await page.getByRole('heading', { name: 'Mapping' }).waitFor()

  // Bill all.
  await page.goto(`${office.app.url}/billing`)
  await page.getByRole('button', { name: 'Preview' }).click()
  await page.getByRole('table', { name: 'What the run would bill' }).getByRole('link', { name: 'Wren HVAC' }).waitFor()
  await page.getByRole('button', { name: 'Run billing…' }).click()
  await page.getByRole('button', { name: 'Charge $67.75' }).click()
  await page.getByRole('heading', { name: 'Billing run summary' }).waitFor()
  const invoiceOf = (customerId: string) => deps.db.selectFrom('invoices').select(['id', 'number']).where('customerId', '=', customerId).executeTakeFirstOrThrow()
  const [wrenInvoice, vicInvoice] = [await invoiceOf(wren.id), await invoiceOf(vic.id)]

  // Wren's invoice and payment reach QuickBooks and are shown synced on the invoice's view.
  await until(wrenInvoice.id, 'sent', `Wren's invoice ${wrenInvoice.number}`)
  assert.equal(await invoiceSyncLine(page, wrenInvoice), 'QuickBooks: Invoice synced; Payment synced.')

  // Vic's is refused: both names are vendors'. The invoice view says so and links to the sync errors.
  await until(vicInvoice.id, 'failed', `Vic's invoice ${vicInvoice.number}`)
  assert.match(await invoiceSyncLine(page, vicInvoice), /^QuickBooks: Invoice sync failed \(The names "Vic Vendor" and "Vic Vendor \(customer\)" are both taken by vendors or employees in QuickBooks\); Payment waiting to sync\b/)
  await page.getByRole('region', { name: `Invoice ${vicInvoice.number}` }).getByRole('link', { name: 'Sync errors' }).click()
  const errors = page.getByRole('table', { name: 'Sync errors' })
  const row = errors.getByRole('row', { name: new RegExp(`Invoice of invoice ${vicInvoice.number}`) })
  await row.waitFor()
  assert.match(await row.innerText(), /Vic Vendor[\s\S]*both taken by vendors or employees[\s\S]*Rename one of them in QuickBooks, then Retry\.[\s\S]*Failed after \d+ tries/)
  await errors.getByRole('row', { name: /Payment of invoice/ }).getByText('Retrying by itself').waitFor()

  // The accountant renames the vendor in QuickBooks; Retry sends the invoice, and its payment follows.
  const books = await kit.q.entities()
  const vendor = books.Vendor!.find((v) => v.DisplayName === 'Vic Vendor')!
  assert.equal((await kit.q.client.update('Vendor', { Id: String(vendor.Id), SyncToken: String(vendor.SyncToken), DisplayName: 'Vic Vendor Supplies' })).status, 'ok')
  await row.getByRole('button', { name: `Retry Invoice ${vicInvoice.number}` }).click()
  await page.getByText('It will be sent again now.').waitFor()
  await until(vicInvoice.id, 'sent', `Vic's invoice ${vicInvoice.number} after Retry`)
  await page.getByText('Nothing is stuck: every invoice and payment has reached QuickBooks or is on its way.').waitFor({ timeout: 15_000 })
  assert.equal(await invoiceSyncLine(page, vicInvoice), 'QuickBooks: Invoice synced; Payment synced.')

  const after = await kit.q.entities()
  assert.deepEqual(after.Customer!.map((c) => c.DisplayName).sort(), ['Vic Vendor', 'Wren Synced'])
  assert.deepEqual(after.Invoice!.map((i) => [i.DocNumber, i.TotalAmt, i.Balance]).sort(), [[String(wrenInvoice.number), 42, 0], [String(vicInvoice.number), 25.75, 0]].sort())

  // The day's batch closes; Reconciliation finds the three sides agreeing.
  await h.settle()
  await page.goto(`${office.app.url}/billing`)
  await page.getByRole('navigation', { name: 'Billing sections' }).getByRole('link', { name: /^Reconciliation/ }).click()
  await page.getByLabel('From', { exact: true }).fill(today)
  await page.getByLabel('To', { exact: true }).fill(today)
  await page.getByRole('button', { name: 'Reconcile' }).click()
  await page.getByText(`No mismatches from ${today} to ${today}.`).waitFor()
  const days = page.getByRole('table', { name: 'Days side by side' })
  assert.match(await days.getByRole('row').nth(1).innerText(), new RegExp(`${today}\\s+2 · \\$67\\.75\\s+2 · \\$67\\.75\\s+2 · \\$67\\.75\\s+0`))
})
