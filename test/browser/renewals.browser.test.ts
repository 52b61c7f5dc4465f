/**
 * Renewals in Chromium, as people do them: the office filters the agreements expiring within 30
 * days, selects the two, previews renewal quotes with a 5% increase (old and new price, the email)
 * and sends them; one customer opens the link from the email on a phone-sized screen, mistypes a
 * new bank account (caught in the browser, nothing sent) and accepts with the card already on file; the office sees the agreement renewed (with its next term and the
 * quote opened and accepted on its timeline), and the dashboard's figures move (renewals accepted,
 * the renewal rate's month once the old term ends). Also: closing mid-term from the agreement page
 * previews the prorated refund in the dialog.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { addDays } from '../../src/domain/billing-calendar.ts'
import { addMonthsIso } from '../../src/domain/iso-date.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { MONTHS } from '../../web/src/strings.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import type { Page } from 'playwright-core'

let office: OfficeBrowser
let h: SandboxHarness
before(async () => {
  h = await startHarness()
  office = await startOfficeBrowser({ gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  office.app.deps.publicUrl = office.app.url
})
after(async () => {
  await office?.close()
  await h?.close()
})

/**
 * The dashboard's "Renewals accepted this month" tile, and this month's row of the renewals chart's
 * table (the chart's text alternative): sent and accepted.
 */
async function dashboardRenewals(page: Page, today: string) {
  await page.goto(`${office.app.url}/`)
  const tile = page.getByRole('link', { name: /^Renewals accepted this month/ })
  const table = page.getByRole('table', { name: 'Renewals by month' })
  await table.waitFor()
  const month = `${MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`
  const cells = await table.getByRole('row').filter({ hasText: month }).getByRole('cell').allTextContents()
  assert.equal(cells[0], month)
  return { tile: Number(/(\d+)\s*$/.exec((await tile.textContent())!)![1]), sent: Number(cells[1]), accepted: Number(cells[2]) }
}

test('filter expiring agreements, preview and send renewal quotes with 5% more, the customer accepts with the card on file, the office sees it renewed', async () => {
  const deps = office.app.deps
  const today = await companyToday(deps)
  const c1 = await aCustomer(deps, 'Rita Renew', 'rita@example.com')
  const c2 = await aCustomer(deps, 'Oscar Other', 'oscar@example.com')
  const pm1 = await aCard(deps.db, deps.gateway, h.tokenize, c1.id)
  const pm2 = await aCard(deps.db, deps.gateway, h.tokenize, c2.id)
  // Two terms ending within 30 days (in 20 and 25), one in 200 days.
  const term = (daysLeft: number) => ({ startDate: addMonthsIso(addDays(today, daysLeft), -12), termMonths: 12, endDate: addDays(today, daysLeft) })
  const a1 = await anAgreement(deps.db, { customerId: c1.id, locationId: c1.locationId, paymentMethodId: pm1, lines: monthly(3000), name: 'Comfort Club', ...term(20) })
  const a2 = await anAgreement(deps.db, { customerId: c2.id, locationId: c2.locationId, paymentMethodId: pm2, lines: monthly(4000), name: 'Comfort Club', ...term(25) })
  await anAgreement(deps.db, { customerId: c2.id, locationId: c2.locationId, paymentMethodId: pm2, lines: monthly(5000), name: 'Later Club', ...term(200) })

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/agreements')
  await page.getByLabel('Expiring within').selectOption('30')
  const table = page.getByRole('table', { name: 'Agreements' })
  await table.getByRole('row').filter({ hasText: 'Rita Renew' }).waitFor()
  await page.waitForFunction(() => !document.querySelector('table[aria-busy="true"]'))
  assert.equal(await table.getByRole('row').filter({ hasText: 'Later Club' }).count(), 0)
  assert.equal(await table.locator('tbody tr').count(), 2)
  await page.getByLabel('Select this page').check()
  await page.getByText('2 selected').waitFor()
  await page.getByRole('button', { name: 'Create renewal quotes…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create renewal quotes' })
  await dialog.getByLabel("Price of the next term").selectOption('percent')
  await dialog.getByLabel('Percent').fill('5')
  await dialog.getByRole('button', { name: 'Preview' }).click()
  await dialog.getByText('2 of 2 will get an email').waitFor()
  await dialog.getByRole('cell', { name: '$31.50 per month' }).waitFor()
  await dialog.getByRole('cell', { name: '$42.00 per month' }).waitFor()
  await dialog.getByRole('button', { name: /Email to rita@example.com/ }).click()
  await dialog.getByText(/\$31\.50 per month \(now \$30\.00: a 5% increase\)/).waitFor()
  await dialog.getByRole('button', { name: 'Send 2 renewal quotes' }).dblclick()
  await page.getByText('2 renewal quotes sent.').first().waitFor()
  const was = await dashboardRenewals(page, today)
  assert.equal(was.sent, 2, "this month's row counts the two quotes sent")
  const quotes = await deps.db.selectFrom('emailOutbox').select(['relatedId', 'textBody']).where('kind', '=', 'renewal.quote').execute()
  assert.deepEqual(quotes.map((q) => q.relatedId).sort(), [a1, a2].sort(), 'one quote each, even for a double click')

  // The customer, on a phone, accepts with the card on file.
  const url = /http\S+\/renew\/[A-Za-z0-9_-]{43}/.exec(quotes.find((q) => q.relatedId === a1)!.textBody)![0]
  const phone = await (await office.browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
  await phone.goto(url)
  await phone.getByRole('heading', { name: /Renew agreement #\d+: Comfort Club/ }).waitFor()
  await phone.getByText('$31.50 per month').first().waitFor()
  assert.ok(await phone.getByLabel(/ending 1443 already on file/).isChecked())
  // Submitted unsigned: both sign errors show, and each goes as soon as its field is put right.
  await phone.getByRole('button', { name: 'Renew and sign' }).click()
  const nameError = phone.getByText(/^Your full name is required/)
  const consentError = phone.getByText('Agreement must be ticked to sign')
  await nameError.waitFor()
  await consentError.waitFor()
  await phone.getByLabel('Your full name').fill('Rita Renew')
  await nameError.waitFor({ state: 'detached' })
  assert.equal(await consentError.isVisible(), true, 'the consent error stays until the box is ticked')
  await phone.getByRole('checkbox', { name: /I agree to renew/ }).check()
  await consentError.waitFor({ state: 'detached' })
  // First a new bank account, mistyped: a routing number failing the ABA checksum and an account
  // number confirmed differently are caught in the browser, and nothing is sent.
  const accepts: string[] = []
  phone.on('request', (r) => void (r.url().includes('/accept') && accepts.push(r.url())))
  await phone.getByLabel('A new bank account (ACH)').check()
  await phone.getByLabel('Account holder name').fill('Rita Renew')
  await phone.getByLabel('Routing number').fill('123456789')
  await phone.getByLabel('Account number', { exact: true }).fill('12345678')
  await phone.getByLabel('Confirm account number').fill('12345679')
  await phone.getByRole('button', { name: 'Renew and sign' }).click()
  await phone.getByText(/^Routing number is not valid/).waitFor()
  await phone.getByText('Confirm account number does not match the account number').waitFor()
  assert.deepEqual(accepts, [], 'no request for a mistyped bank account')
  // Then the card on file after all.
  await phone.getByLabel(/ending 1443 already on file/).check()
  await phone.getByRole('button', { name: 'Renew and sign' }).click()
  await phone.getByText('Thank you, your agreement is renewed').waitFor()
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling on a phone')
  await phone.context().close()

  const next = await deps.db.selectFrom('agreements').select(['id', 'number', 'startDate', 'lines']).where('renewalOfId', '=', a1).executeTakeFirstOrThrow()
  assert.equal(next.startDate, addDays(today, 20))
  await page.goto(`${office.app.url}/agreements/${a1}`)
  await page.getByText(`Renewed by agreement #${next.number}`).waitFor()
  const timeline = page.getByRole('table', { name: 'Renewal timeline' })
  await timeline.getByText(/Accepted .* by Rita Renew/).waitFor()
  await timeline.getByText(/opened/).waitFor()
  // The dashboard moved: the tile and this month's row of the renewals chart's table.
  const now = await dashboardRenewals(page, today)
  assert.deepEqual(now, { tile: was.tile + 1, sent: 2, accepted: was.accepted + 1 })
  const dashboard = await page.request.get(`${office.app.url}/api/dashboard`)
  const d = await dashboard.json()
  assert.equal(d.tiles.renewalsSentThisMonth, 2)
  assert.equal(d.tiles.renewalsAcceptedThisMonth, 1)
  assert.equal(d.tiles.expiring30, 1, 'the renewed one no longer counts as expiring')
  await page.context().close()
})

test('closing mid-term from the agreement page shows the prorated refund before it is made', async () => {
  const deps = office.app.deps
  const today = await companyToday(deps)
  const c = await aCustomer(deps, 'Cleo Closer', 'cleo@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const id = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, lines: monthly(3100), startDate: addDays(today, -10), name: 'Closing Club' })
  const run = await (await import('../../src/services/billing/run-billing.ts')).startBillingRun(deps, { actor: null, settleWindowMs: 1000 })
  await run.done
  await h.settle()
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/agreements/${id}`)
  await page.getByRole('button', { name: 'Close agreement…' }).click()
  const dialog = page.getByRole('dialog', { name: /Close agreement #/ })
  await dialog.getByText(/Refund \$\d+\.\d\d of invoice/).waitFor()
  const refundText = (await dialog.getByText(/Refund \$\d+\.\d\d of invoice/).textContent())!
  const cents = Math.round(Number(/\$(\d+\.\d\d)/.exec(refundText)![1]) * 100)
  await dialog.getByRole('button', { name: /Close and refund/ }).click()
  await dialog.getByText('Reason is required: say why it closes').waitFor()
  await dialog.getByLabel('Reason').fill('Moving away')
  await dialog.getByRole('button', { name: /Close and refund/ }).click()
  await page.getByText(/closed; \$\d+\.\d\d refunded/).first().waitFor()
  const refunds = (await h.ledger()).filter((r) => r.type === 'refund')
  assert.equal(refunds.at(-1)?.amountCents, cents, 'the gateway refunded what the dialog said')
  assert.equal((await deps.db.selectFrom('agreements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'closed')
  await page.context().close()
})
