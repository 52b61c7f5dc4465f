/**
 * Dates and times in the company's time zone, not the browser's (issue 13 defect 13): Chromium runs in
 * Tokyo, the company is in Los Angeles, and at the chosen instant the two are on different dates. A
 * history time, a notification time and a new quote's default start date read as in Los Angeles.
 * Calendar dates (invoice periods, an agreement's term) are written in the company's locale, on the
 * customer's pages without a login too.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { sql } from 'kysely'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { notifyOffice } from '../../src/services/notifications/notifications.ts'
import { manageRenewalUrl } from '../../src/domain/renewal-link.ts'
import { renewalLinkKey } from '../../src/services/renewals/renewal-settings.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'

let office: OfficeBrowser

before(async () => {
  office = await startOfficeBrowser()
  await office.app.deps.db.updateTable('companySettings').set({ timeZone: 'America/Los_Angeles' }).where('id', '=', 1).execute()
})
after(async () => office?.close())

// 03:30 UTC on March 10, 2026: 8:30 PM on March 9 in Los Angeles (PDT), 12:30 PM on March 10 in Tokyo.
const INSTANT = new Date('2026-03-10T03:30:00Z')

async function tokyoPage(): Promise<Page> {
  const p = await office.newPage({ timezoneId: 'Asia/Tokyo' })
  await p.clock.setFixedTime(INSTANT)
  assert.equal(await p.evaluate(() => new Date().getDate()), 10, "the browser's own date is Tokyo's")
  return p
}

test("a history time, a notification time and a default date are the company's, whatever the browser's zone", async () => {
  const db = office.app.deps.db
  const c = await aCustomer(office.app.deps, 'Tomoko Zone', 'tomoko@example.com')
  await sql`update audit_events set created_at = ${INSTANT} where entity_id = ${c.id}`.execute(db)
  const n = await notifyOffice(db, { kind: 'agreement.pending_approval', title: 'Tomoko Zone signed up: agreement #5', link: null })
  await sql`update notifications set created_at = ${INSTANT} where id = ${n}`.execute(db)

  const page = await tokyoPage()
  await office.logIn(page, office.officeEmail, `/customers/${c.id}`)
  await page.getByRole('heading', { name: 'History' }).waitFor()
  const history = page.locator('time').filter({ hasText: /2026/ }).first()
  assert.equal(await history.innerText(), 'Mar 9, 2026, 8:30 PM PDT')

  await page.goto(`${office.app.url}/notifications`)
  const item = page.getByRole('listitem').filter({ hasText: 'Tomoko Zone signed up' })
  await item.waitFor()
  assert.match(await item.innerText(), /Mar 9, 2026, 8:30 PM PDT/)
  assert.doesNotMatch(await item.innerText(), /Mar 10/)

  // A new quote starts in two weeks and its offer lasts 30 days, counted from the company's today (March 9).
  await page.goto(`${office.app.url}/quotes/new`)
  assert.equal(await page.getByLabel('Start date').inputValue(), '2026-03-23')
  assert.equal(await page.getByLabel('Offer expires on').inputValue(), '2026-04-08')
  await page.context().close()
})

test("invoice periods and an agreement's dates are written in the company's locale, not as ISO dates", async () => {
  const deps = office.app.deps
  await deps.db.updateTable('companySettings').set({ locale: 'en-GB' }).where('id', '=', 1).execute()
  try {
    const c = await aCustomer(deps, 'Gwen Locale', 'gwen@example.com')
    // No payment method: the run bills January and records the failure without asking a gateway.
    const agreementId = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(3000), name: 'Locale plan' })
    await (await startBillingRun(deps, { through: '2026-01-01', actor: null, settleWindowMs: 1000 })).done
    const page = await office.newPage()
    await office.logIn(page, office.officeEmail, '/billing/invoices')
    const row = page.getByRole('row').filter({ hasText: 'Gwen Locale' })
    await row.waitFor()
    assert.match(await row.innerText(), /1 Jan 2026 – 31 Jan 2026/)
    assert.doesNotMatch(await row.innerText(), /2026-01/)
    await page.goto(`${office.app.url}/agreements/${agreementId}`)
    await page.getByText(/from 1 Jan 2026/).first().waitFor()
    await page.context().close()
  } finally {
    await deps.db.updateTable('companySettings').set({ locale: 'en-US' }).where('id', '=', 1).execute()
  }
})

test("the customer's pages without a login write dates in the company's locale too (their answer carries it)", async () => {
  const deps = office.app.deps
  await deps.db.updateTable('companySettings').set({ locale: 'en-GB' }).where('id', '=', 1).execute()
  try {
    const c = await aCustomer(deps, 'Gil Guest', 'gil@example.com')
    const id = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01', lines: monthly(3000), name: 'Guest plan' })
    const url = manageRenewalUrl(office.app.url, await renewalLinkKey(deps.db), id, await companyToday(deps))
    const page = await office.newPage()
    await page.goto(url)
    await page.getByText('It ends after 31 Dec 2026 unless you renew it.').waitFor()
    assert.doesNotMatch(await page.locator('main').innerText(), /Dec 31, 2026/)
    await page.context().close()
  } finally {
    await deps.db.updateTable('companySettings').set({ locale: 'en-US' }).where('id', '=', 1).execute()
  }
})
