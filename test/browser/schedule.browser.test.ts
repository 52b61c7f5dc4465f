/**
 * The dispatch board and the technician's day in Chromium (issue 11): a visit dragged onto a
 * technician's lane is on that technician's own phone-width page; a visit of a suspended
 * agreement leaves that page, shows on the board as on hold and the board's attempt to schedule
 * it is refused with the server's message naming the agreement; reactivation brings it back.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { loginHeaders, TEST_PASSWORD } from '../helpers/test-app.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import { localDate, localInstant } from '../../src/domain/time-zone.ts'

const TZ = 'America/New_York'
const allWeek = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '08:00', end: '17:00' }]]))
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

let office: OfficeBrowser
let call: (method: 'GET' | 'POST', url: string, body?: object) => Promise<{ status: number; body: any }>
let ana: string
let tomorrow: string

before(async () => {
  office = await startOfficeBrowser()
  const { app, deps } = office.app
  await deps.db.updateTable('companySettings').set({ timeZone: TZ }).where('id', '=', 1).execute()
  const admin = await loginHeaders(app, office.adminEmail)
  const officeHeaders = await loginHeaders(app, office.officeEmail)
  call = async (method, url, body) => {
    const res = await app.inject({ method, url, headers: url.startsWith('/api/technicians') ? admin : officeHeaders, ...(body ? { payload: body } : {}) })
    return { status: res.statusCode, body: res.body ? res.json() : null }
  }
  const created = await call('POST', '/api/technicians', { name: 'Ana Tech', email: 'ana@example.com', password: TEST_PASSWORD, workingHours: allWeek, color: '#16a34a' })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  ana = created.body.id
  tomorrow = addDays(localDate(new Date(), TZ), 1)
})
after(async () => {
  await office?.close()
})

const phonePage = async () => {
  const page = await office.newPage()
  await page.setViewportSize({ width: 390, height: 844 })
  await office.logIn(page, 'ana@example.com')
  await page.getByRole('heading', { name: 'Your visits', level: 1 }).waitFor()
  return page
}
const noSidewaysScroll = async (page: Page) => assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways at 390 px')

test("drag a visit onto a technician at 10:00; it is on the technician's own phone page", async () => {
  const c = await aCustomer(office.app.deps, 'Dana Dragged')
  const visit = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Replace filter', windowStart: localDate(new Date(), TZ), windowEnd: addDays(tomorrow, 6), durationMinutes: 60 })
  assert.equal(visit.status, 201, JSON.stringify(visit.body))

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/schedule?view=day&date=${tomorrow}`)
  const chip = page.getByRole('region', { name: 'Unscheduled visits' }).locator(`[data-visit="${visit.body.id}"]`)
  const track = page.locator(`[data-cell="cell:${ana}:${tomorrow}"]`)
  const from = (await chip.boundingBox())!
  const to = (await track.boundingBox())!
  // The chip's left edge lands 4 hours (at 1.2 px a minute) after the track's 06:00: 10:00.
  await page.mouse.move(from.x + 5, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(from.x + 30, from.y + from.height / 2, { steps: 5 })
  await page.mouse.move(to.x + 240 * 1.2 + 5, to.y + to.height / 2, { steps: 10 })
  await page.mouse.up()
  await page.getByText(/Replace filter for Dana Dragged saved/).waitFor()
  await track.locator(`[data-visit="${visit.body.id}"]`).waitFor()
  const saved = (await call('GET', `/api/visits/${visit.body.id}`)).body
  assert.equal(saved.technicianId, ana)
  assert.equal(saved.scheduledStart, localInstant(tomorrow, TZ, '10:00').toISOString())
  await page.context().close()

  const phone = await phonePage()
  const card = phone.locator(`[data-visit="${visit.body.id}"]`)
  await card.getByText('Replace filter').waitFor()
  await card.getByText(/10:00–11:00 Dana Dragged/).waitFor()
  await noSidewaysScroll(phone)
  await card.getByRole('link').click()
  await phone.getByRole('heading', { name: 'Replace filter', level: 1 }).waitFor()
  await phone.getByRole('button', { name: 'On my way' }).click()
  await phone.getByText('Marked on the way.').waitFor()
  await noSidewaysScroll(phone)
  await phone.context().close()
})

test('a visit of a suspended agreement leaves the technician, the board refuses it; reactivation brings it back', async () => {
  const { db } = office.app.deps
  const c = await aCustomer(office.app.deps, 'Sue Suspended')
  const agreementId = await anAgreement(db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: localDate(new Date(), TZ), lines: monthly(2500), name: 'Comfort Club' })
  const visit = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Club tune-up', windowStart: localDate(new Date(), TZ), windowEnd: addDays(tomorrow, 6) })
  assert.equal(visit.status, 201)
  // An agreement visit (the planner makes these on approval; here one, linked by hand).
  await db.updateTable('workOrders').set({ agreementId }).where('id', '=', visit.body.id).execute()
  const scheduled = await call('POST', `/api/visits/${visit.body.id}/schedule`, { technicianId: ana, start: localInstant(tomorrow, TZ, '14:00').toISOString() })
  assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body))

  const phone = await phonePage()
  await phone.getByText('Club tune-up').waitFor()

  assert.equal((await call('POST', `/api/agreements/${agreementId}/suspend`, { reason: 'Card declined' })).status, 200)
  await phone.reload()
  await phone.getByRole('heading', { name: 'Your visits', level: 1 }).waitFor()
  await phone.getByText('Sue Suspended').waitFor({ state: 'detached' })
  assert.equal(await phone.getByText('Club tune-up').count(), 0)

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/schedule?view=day&date=${tomorrow}`)
  const chip = page.locator(`[data-visit="${visit.body.id}"]`)
  await chip.getByText(/^On hold/).waitFor()
  await chip.getByRole('button').click()
  const dialog = page.getByRole('dialog')
  await dialog.getByText(/agreement #\d+ \(Comfort Club\) is suspended/).waitFor()
  await dialog.getByRole('button', { name: 'Save' }).click()
  // The server's refusal, in the failure toast (not the dialog's own on-hold note).
  const refused = page.getByRole('alert').filter({ hasText: 'Not saved' })
  await refused.waitFor()
  assert.match(await refused.innerText(), /agreement #\d+ \(Comfort Club\) is suspended/)
  assert.equal((await call('GET', `/api/visits/${visit.body.id}`)).body.status, 'suspended')

  assert.equal((await call('POST', `/api/agreements/${agreementId}/reactivate`)).status, 200)
  // The board hears of it by polling, without a reload.
  await chip.getByText(/^On hold/).waitFor({ state: 'detached', timeout: 15_000 })
  await phone.reload()
  await phone.getByText('Club tune-up').waitFor()
  await page.context().close()
  await phone.context().close()
})

test('a one-off work order from the customer page lands in upcoming visits and on the unscheduled list; a blank one names its field', async () => {
  const c = await aCustomer(office.app.deps, 'Oona One-off')
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/customers/${c.id}`)
  await page.getByRole('button', { name: 'New work order' }).click()
  const form = page.getByRole('form', { name: 'New work order' })
  await form.getByRole('button', { name: 'Add work order' }).click()
  await form.getByText('What to do is required').waitFor()
  await form.getByLabel('What to do').fill('Fix leaking valve')
  await form.getByLabel('Latest date').fill(addDays(tomorrow, 3))
  await form.getByRole('button', { name: 'Add work order' }).click()
  await page.getByRole('table', { name: 'Upcoming visits' }).getByRole('cell', { name: 'Fix leaking valve' }).waitFor()
  const items = (await call('GET', `/api/visits?customerId=${c.id}`)).body.items
  assert.deepEqual(items.map((v: any) => [v.description, v.status, v.windowEnd]), [['Fix leaking valve', 'open', addDays(tomorrow, 3)]])
  await page.goto(`${office.app.url}/schedule`)
  await page.getByRole('region', { name: 'Unscheduled visits' }).getByText(/Fix leaking valve/).waitFor()
  await page.context().close()
})

test('by keyboard: the visit dialog assigns; a conflict is listed and saved only after Save anyway; Unassign puts it back', async () => {
  const c = await aCustomer(office.app.deps, 'Kim Keyboard')
  const visit = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Evening check', windowStart: localDate(new Date(), TZ), windowEnd: addDays(tomorrow, 6) })
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/schedule?view=day&date=${tomorrow}`)
  await page.locator(`[data-visit="${visit.body.id}"]`).getByRole('button').focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: /Evening check/ })
  await dialog.getByLabel('Technician').selectOption({ label: 'Ana Tech' })
  await dialog.getByLabel('Date').fill(tomorrow)
  await dialog.getByLabel('Start time').fill('18:00')
  await dialog.getByRole('button', { name: 'Assign' }).click()
  const conflicts = page.getByRole('dialog', { name: 'This change has conflicts' })
  await conflicts.getByText(/working hours/i).waitFor()
  assert.equal((await call('GET', `/api/visits/${visit.body.id}`)).body.technicianId, null, 'nothing saved before the confirmation')
  await conflicts.getByRole('button', { name: 'Save anyway' }).click()
  await page.getByText(/Evening check for Kim Keyboard saved with confirmed conflicts/).waitFor()
  const saved = (await call('GET', `/api/visits/${visit.body.id}`)).body
  assert.deepEqual([saved.technicianId, saved.scheduledStart], [ana, localInstant(tomorrow, TZ, '18:00').toISOString()])

  await page.locator(`[data-cell="cell:${ana}:${tomorrow}"] [data-visit="${visit.body.id}"]`).getByRole('button').click()
  await page.getByRole('dialog', { name: /Evening check/ }).getByRole('button', { name: 'Unassign' }).click()
  await page.getByRole('region', { name: 'Unscheduled visits' }).locator(`[data-visit="${visit.body.id}"]`).waitFor()
  assert.equal((await call('GET', `/api/visits/${visit.body.id}`)).body.status, 'open')
  await page.context().close()
})

test('an admin turns on the on-the-way e-mail in Settings; On my way then e-mails the customer', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.adminEmail, '/settings')
  const toggle = page.getByRole('switch', { name: 'E-mail the customer when their technician is on the way' })
  assert.equal(await toggle.isChecked(), false, 'off by default')
  await toggle.check()
  await page.getByText('Customers will be e-mailed when their technician is on the way.').waitFor()
  assert.equal((await call('GET', '/api/schedule/settings')).body.onTheWayEmail, true)
  await page.context().close()

  const c = await aCustomer(office.app.deps, 'Wendy Waiting')
  const visit = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Spring check', windowStart: localDate(new Date(), TZ), windowEnd: addDays(tomorrow, 6) })
  assert.equal((await call('POST', `/api/visits/${visit.body.id}/schedule`, { technicianId: ana, start: localInstant(tomorrow, TZ, '15:30').toISOString() })).status, 200)
  const phone = await phonePage()
  await phone.locator(`[data-visit="${visit.body.id}"]`).getByRole('link').click()
  await phone.getByRole('button', { name: 'On my way' }).click()
  await phone.getByText('Marked on the way.').waitFor()
  const mail = await office.app.deps.db.selectFrom('emailOutbox').select(['kind', 'toAddress']).where('relatedId', '=', visit.body.id).execute()
  assert.deepEqual(mail.map((m) => m.kind), ['visit.on_the_way'])
  await phone.context().close()

  const officePage = await office.newPage()
  await office.logIn(officePage, office.officeEmail, '/settings')
  assert.ok(await officePage.getByRole('switch', { name: 'E-mail the customer when their technician is on the way' }).isDisabled(), 'only an admin changes it')
  await officePage.context().close()
})

test("resize by the chip's right edge lengthens the visit; Suggest proposes a free slot and Accept books it", async () => {
  const c = await aCustomer(office.app.deps, 'Rita Resize')
  const visit = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Long service', windowStart: localDate(new Date(), TZ), windowEnd: addDays(tomorrow, 6), durationMinutes: 60 })
  const start = localInstant(tomorrow, TZ, '08:00')
  assert.equal((await call('POST', `/api/visits/${visit.body.id}/schedule`, { technicianId: ana, start: start.toISOString() })).status, 200)
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/schedule?view=day&date=${tomorrow}`)
  const handle = page.locator(`[data-resize="${visit.body.id}"]`)
  await handle.waitFor()
  const box = (await handle.boundingBox())!
  // 30 minutes more at 1.2 px a minute.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + box.height / 2, { steps: 3 })
  await page.mouse.move(box.x + box.width / 2 + 36, box.y + box.height / 2, { steps: 6 })
  await page.mouse.up()
  await page.getByText(/Long service for Rita Resize saved/).waitFor()
  const resized = (await call('GET', `/api/visits/${visit.body.id}`)).body
  assert.deepEqual([resized.scheduledStart, resized.scheduledEnd], [start.toISOString(), new Date(start.getTime() + 90 * 60_000).toISOString()])

  const other = await call('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Suggested visit', windowStart: addDays(tomorrow, 1), windowEnd: addDays(tomorrow, 3), durationMinutes: 45 })
  await page.reload()
  await page.locator(`[data-visit="${other.body.id}"]`).getByRole('button').click()
  const dialog = page.getByRole('dialog', { name: /Suggested visit/ })
  await dialog.getByRole('button', { name: 'Suggest' }).click()
  const suggestions = dialog.getByTestId('suggestions')
  await suggestions.getByText(/Travel measured by/).waitFor()
  const first = suggestions.getByText(/^Ana Tech, /).first()
  await first.waitFor()
  await suggestions.getByRole('button', { name: 'Accept' }).first().click()
  await page.getByText(/Suggested visit for Rita Resize saved/).waitFor()
  const booked = (await call('GET', `/api/visits/${other.body.id}`)).body
  assert.equal(booked.technicianId, ana)
  assert.equal(booked.status, 'scheduled')
  const day = localDate(new Date(booked.scheduledStart), TZ)
  assert.ok(day >= addDays(tomorrow, 1) && day <= addDays(tomorrow, 3), `booked inside its window, not ${day}`)
  assert.equal(new Date(booked.scheduledEnd).getTime() - new Date(booked.scheduledStart).getTime(), 45 * 60_000)
  await page.context().close()
})
