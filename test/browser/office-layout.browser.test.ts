/**
 * The office app's frame in Chromium against the real server (built web/dist, PGlite):
 * - the login page loads without any console error (the session check of nobody is not a 401) and has a favicon
 * - on a 390 px phone no main page scrolls sideways (element geometry, not a screenshot); wide tables
 *   scroll inside their own box; the navigation hides behind the burger and opens from it
 * - the main pages have no serious or critical accessibility violations (axe-core), at desktop and phone widths
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { loginHeaders, TEST_PASSWORD } from '../helpers/test-app.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { quoteBody } from '../helpers/quote-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import { localDate } from '../../src/domain/time-zone.ts'

let office: OfficeBrowser
const paths: Record<string, string> = {}
before(async () => {
  office = await startOfficeBrowser()
  const { deps } = office.app
  // Long unbroken names and many columns: what used to push the page wider than a phone.
  const customer = await aCustomer(deps, 'Bartholomew Featherstonehaugh-Cholmondeley', 'bartholomew.featherstonehaugh@example-hvac-services.com')
  paths.customer = `/customers/${customer.id}`
  paths.agreement = `/agreements/${await anAgreement(deps.db, { customerId: customer.id, locationId: customer.locationId, paymentMethodId: null, startDate: '2026-11-01', lines: monthly(12900), name: 'Comfort Club Platinum with priority service' })}`
  // A sign-up to approve: the dashboard's "today" lists it.
  await anAgreement(deps.db, { customerId: customer.id, locationId: customer.locationId, paymentMethodId: null, startDate: '2026-12-01', lines: monthly(4900), name: 'Comfort Club awaiting approval', status: 'pending_approval' })
  const headers = await loginHeaders(office.app.app, office.officeEmail)
  const quote = await office.app.app.inject({ method: 'POST', url: '/api/quotes', headers, payload: quoteBody({ id: customer.id, locationId: customer.locationId, email: 'x@example.com' }) })
  assert.equal(quote.statusCode, 201, quote.body)
  paths.quote = `/quotes/${quote.json().id}`
  // Scheduling (issue 11): a technician with a visit on today's board, and one unscheduled.
  const admin = await loginHeaders(office.app.app, office.adminEmail)
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '23:59' }]]))
  const tech = await office.app.app.inject({ method: 'POST', url: '/api/technicians', headers: admin, payload: { name: 'Maximiliana Featherstonehaugh', email: 'tech@example.com', password: TEST_PASSWORD, workingHours: hours, skills: ['hvac'] } })
  assert.equal(tech.statusCode, 201, tech.body)
  paths.technician = `/technicians/${tech.json().id}`
  const today = localDate(new Date(), 'America/New_York') // the company's date: the dashboard's today
  for (const description of ['Annual furnace inspection and filter replacement', 'Thermostat check']) {
    const v = await office.app.app.inject({ method: 'POST', url: '/api/visits', headers, payload: { customerId: customer.id, locationId: customer.locationId, description, windowStart: today, windowEnd: today } })
    assert.equal(v.statusCode, 201, v.body)
    if (description === 'Thermostat check') {
      const start = new Date(Date.now() + 3_600_000).toISOString()
      const s = await office.app.app.inject({ method: 'POST', url: `/api/visits/${v.json().id}/schedule`, headers, payload: { technicianId: tech.json().id, start, confirm: true } })
      assert.equal(s.statusCode, 200, s.body)
      paths.visit = `/visits/${v.json().id}`
    }
  }
})
after(async () => {
  await office?.close()
})

const MAIN_PAGES = () => ['/', '/customers', paths.customer, '/customers/new', '/plans', '/plans/new', '/quotes', paths.quote, '/quotes/new', '/agreements', paths.agreement, '/billing', '/billing/payments', '/notifications', '/settings', '/settings/emails', '/schedule', '/schedule?view=day', '/technicians', '/technicians/new', paths.technician]

async function phonePage(): Promise<Page> {
  const page = await office.newPage()
  await page.setViewportSize({ width: 390, height: 844 })
  return page
}

/** Opens an in-app path and waits for its heading and for its data to have loaded. */
async function open(page: Page, path: string) {
  await page.goto(office.app.url + path)
  await page.getByRole('heading', { level: 1 }).first().waitFor()
  await page.waitForLoadState('networkidle')
}

test('the login page loads without a console error and has a favicon', async () => {
  const page = await office.newPage()
  const errors: string[] = []
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()))
  await page.goto(office.app.url)
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  await page.waitForLoadState('networkidle')
  assert.deepEqual(errors, [])
  const icon = await page.locator('link[rel="icon"]').getAttribute('href')
  const res = await page.request.get(new URL(icon!, office.app.url).href)
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /^image\//)
  await page.context().close()
})

test('on a 390 px phone no main page scrolls sideways; tables scroll in their own box', async () => {
  const page = await phonePage()
  await office.logIn(page, office.officeEmail)
  for (const path of MAIN_PAGES()) {
    await open(page, path)
    const [scrollWidth, innerWidth] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth])
    assert.ok(scrollWidth <= innerWidth, `${path} is ${scrollWidth}px wide in a ${innerWidth}px window`)
  }
  // The customer list's table is wider than the phone: its box scrolls, the page does not.
  await open(page, '/customers')
  const box = page.getByRole('table', { name: 'Customers' }).locator('xpath=..')
  const [boxScroll, boxWidth] = await box.evaluate((el) => [el.scrollWidth, el.clientWidth])
  assert.ok(boxScroll > boxWidth, 'the table is wider than the phone and scrolls inside its box')
  await page.context().close()
})

test('on a phone the navigation hides behind the burger, opens from it and closes after a choice', async () => {
  const page = await phonePage()
  await office.logIn(page, office.officeEmail)
  const nav = page.getByRole('navigation', { name: 'Main' })
  const plans = nav.getByRole('link', { name: 'Plans' })
  const onScreen = async () => {
    const b = await plans.boundingBox()
    return b !== null && b.x >= 0 && b.x + b.width <= 390
  }
  assert.equal(await onScreen(), false, 'the navigation starts off screen')
  assert.equal(await nav.evaluate((el) => (el as HTMLElement).inert), true, 'and out of the Tab order')
  await page.getByRole('button', { name: 'Open navigation' }).click()
  await page.waitForFunction(() => {
    const b = document.querySelector('#main-nav a[href="/plans"]')?.getBoundingClientRect()
    return b && b.left >= 0 && b.right <= window.innerWidth
  })
  assert.equal(await nav.evaluate((el) => (el as HTMLElement).inert), false)
  await plans.click()
  await page.getByRole('heading', { name: 'Plans', level: 1 }).waitFor()
  await page.waitForFunction(() => (document.querySelector('#main-nav')!.getBoundingClientRect().right ?? 1) <= 0)
  assert.equal(await page.getByRole('button', { name: 'Open navigation' }).getAttribute('aria-expanded'), 'false')
  await page.context().close()
})

test('the main pages have no serious or critical accessibility violations (axe-core)', async () => {
  for (const width of [1280, 390]) {
    const page = await office.newPage()
    await page.setViewportSize({ width, height: 900 })
    await page.goto(office.app.url)
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    const found: string[] = []
    const check = async (where: string) => {
      const { violations } = await new AxeBuilder({ page }).analyze()
      for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
        found.push(`${where} @${width}px: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    }
    await check('login')
    await office.logIn(page, office.adminEmail)
    for (const path of [...MAIN_PAGES(), '/settings/users']) {
      await open(page, path)
      await check(path)
    }
    assert.deepEqual(found, [])
    await page.context().close()
  }
})

test("the technician's own pages at 390 px: no sideways scroll, no serious or critical axe violations", async () => {
  const page = await phonePage()
  await office.logIn(page, 'tech@example.com')
  const found: string[] = []
  for (const path of ['/', paths.visit]) {
    await open(page, path)
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${path} scrolls sideways at 390 px`)
    const { violations } = await new AxeBuilder({ page }).analyze()
    for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) found.push(`${path}: ${v.id} ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }
  await page.getByText('Thermostat check').first().waitFor()
  assert.deepEqual(found, [])
  await page.context().close()
})
