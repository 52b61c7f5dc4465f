/**
 * The header's search box in Chromium: "/" puts the cursor in it; typing a customer's name lists the
 * customer and their agreement, invoice and quote grouped by kind; arrow keys and Enter open the
 * agreement without a mouse; a phone number finds the customer, a click opens them; on a 390 px phone
 * the box fits the header and its list the screen (no sideways scroll), and the open list has no serious
 * or critical axe violations.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { AxeBuilder } from '@axe-core/playwright'
import { createCustomer } from '../../src/services/customers/manage-customers.ts'
import { loginHeaders } from '../helpers/test-app.ts'
import { anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { quoteBody } from '../helpers/quote-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
let ids: { customer: string; agreement: string; number: number; quoteNumber: number }
before(async () => {
  office = await startOfficeBrowser()
  const { deps } = office.app
  const c = await createCustomer(deps, {
    name: 'Annabel Lee', notes: '',
    locations: [{ label: 'Home', line1: '742 Evergreen Terrace', line2: '', city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', accessNotes: '' }],
    contacts: [{ name: 'Annabel Lee', email: 'annabel@poe.example', phone: '(503) 555-0142', isPrimary: true }],
  }, null)
  const agreement = await anAgreement(deps.db, { customerId: c.id, locationId: c.locations[0]!.id, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(4200), name: 'Comfort Club' })
  const number = (await deps.db.selectFrom('agreements').select('number').where('id', '=', agreement).executeTakeFirstOrThrow()).number
  const headers = await loginHeaders(office.app.app, office.officeEmail)
  const quote = await office.app.app.inject({ method: 'POST', url: '/api/quotes', headers, payload: quoteBody({ id: c.id, locationId: c.locations[0]!.id, email: 'annabel@poe.example' }) })
  assert.equal(quote.statusCode, 201, quote.body)
  ids = { customer: c.id, agreement, number, quoteNumber: quote.json().number }
})
after(async () => {
  await office?.close()
})

test('search from the header with the keyboard, and by phone with the mouse', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/quotes')
  await page.getByRole('heading', { name: 'Quotes', level: 1 }).waitFor()
  const box = page.getByRole('combobox', { name: 'Search customers, agreements, invoices and quotes' })
  await page.locator('body').press('/')
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, '"/" focuses the search box')
  await page.keyboard.type('annabel')
  const list = page.getByRole('listbox', { name: 'Search results' })
  await list.getByRole('option', { name: /Annabel Lee/ }).first().waitFor()
  assert.deepEqual(await list.getByRole('option').evaluateAll((els) => els.map((e) => e.querySelector('p')?.textContent)), ['Annabel Lee', `#${ids.number} Comfort Club`, `Q-${ids.quoteNumber}`])
  await list.getByText('Agreements').waitFor()
  // The first result is chosen; one down is the agreement; Enter opens it.
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await page.waitForURL(`**/agreements/${ids.agreement}`)
  await page.getByRole('heading', { level: 1, name: `Agreement #${ids.number}` }).waitFor()
  assert.equal(await box.inputValue(), '', 'the box is emptied for the next search')

  await box.fill('503 555 0142')
  await list.getByRole('option', { name: /Annabel Lee.*annabel@poe\.example/ }).click()
  await page.waitForURL(`**/customers/${ids.customer}`)
  await page.getByRole('heading', { level: 1, name: 'Annabel Lee' }).waitFor()

  await box.fill('no such thing')
  await list.getByText('Nothing matches “no such thing”.').waitFor()
  await page.keyboard.press('Escape')
  await list.waitFor({ state: 'hidden' })
  await page.context().close()
})

test('on a 390 px phone the box fits the header, its list fits the screen, and axe finds nothing serious', async () => {
  const page = await office.newPage()
  await page.setViewportSize({ width: 390, height: 844 })
  await office.logIn(page, office.officeEmail)
  const box = page.getByRole('combobox', { name: 'Search customers, agreements, invoices and quotes' })
  const b = (await box.boundingBox())!
  assert.ok(b.x >= 0 && b.x + b.width <= 390 && b.width >= 100, `search box at ${b.x}..${b.x + b.width}`)
  await box.fill('comfort')
  const list = page.getByRole('listbox', { name: 'Search results' })
  await list.getByRole('option', { name: /Comfort Club/ }).waitFor()
  const l = (await list.boundingBox())!
  assert.ok(l.x >= 0 && l.x + l.width <= 390, `results at ${l.x}..${l.x + l.width}`)
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll')
  const { violations } = await new AxeBuilder({ page }).analyze()
  assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [])
  await page.keyboard.press('Enter')
  await page.waitForURL(`**/agreements/${ids.agreement}`)
  await page.context().close()
})
