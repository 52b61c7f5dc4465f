/**
 * The office web app in Chromium against the real server (built web/dist, PGlite):
 * - a wrong password shows an error; the right one logs in and shows name and role; logout works
 * - too many login attempts show the server's rate-limit message
 * - an unbuilt part of the product says so plainly, also when opened by URL
 * - a plan's dollar price and percent tax (8.875%) land as exact cents and millionths; archiving asks first
 * - users: the server's duplicate-email error shows under the field; the last admin stays admin
 * - office users see company settings read-only
 * Customers are in office-customers.browser.test.ts. Every page is also checked for CSP
 * violations and uncaught errors. Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestApp, TEST_PASSWORD } from '../helpers/test-app.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
before(async () => {
  office = await startOfficeBrowser()
})
after(async () => {
  await office?.close()
})

test('a wrong password shows an error; the right one logs in with name and role; logout ends it', async () => {
  const page = await office.newPage()
  await page.goto(`${office.app.url}/customers`)
  await page.getByLabel('Email').fill(office.adminEmail)
  await page.getByLabel('Password').fill('not the password')
  await page.getByLabel('Password').press('Enter')
  await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor()
  assert.equal(await page.getByRole('button', { name: /^Account: / }).count(), 0)

  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  // Lands on the page it was asked for, with the user in the header.
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor()
  const header = await page.getByRole('banner').first().textContent()
  assert.match(header ?? '', /Test admin\s*\(Admin\)/)

  await page.getByRole('button', { name: 'Account: Test admin (Admin)' }).click()
  await page.getByRole('menuitem', { name: 'Log out' }).click()
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json())
  assert.deepEqual(session, { user: null, csrfToken: null, company: null })
  await page.context().close()
})

test("too many login attempts show the server's rate-limit message", async () => {
  const limited = await startTestApp({ listen: true, loginRateLimit: 2 })
  try {
    const page = await office.newPage()
    await page.goto(limited.url)
    await page.getByLabel('Email').fill('someone@example.com')
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await page.getByLabel('Password').fill(`wrong password ${attempt}`)
      await Promise.all([
        page.waitForResponse((res) => res.url().endsWith('/api/auth/login')),
        page.getByRole('button', { name: 'Log in' }).click(),
      ])
    }
    await page.getByRole('alert').filter({ hasText: 'Too many attempts' }).waitFor()
    await page.context().close()
  } finally {
    await limited.close()
  }
})

test('the Schedule page is the dispatch board, from the navigation and by URL', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedule' }).click()
  await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor()
  await page.getByRole('region', { name: 'Week board' }).waitFor()
  assert.equal(new URL(page.url()).pathname, '/schedule')

  await page.goto(`${office.app.url}/plans`)
  await page.goto(`${office.app.url}/schedule?view=day`)
  await page.getByRole('region', { name: 'Day board' }).waitFor()
  assert.equal(await page.getByText('This page is not built yet.').count(), 0)
  await page.context().close()
})

test("creates a plan: dollars become exact cents, New York City's 8.875% an exact rate in millionths", async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plans' }).click()
  await page.getByRole('link', { name: 'New plan' }).click()
  await page.getByLabel('Plan name').fill('Spring and fall tune-up')
  await page.getByLabel('Price (dollars per bill)').fill('1,234.29')
  await page.getByLabel('Billing frequency').selectOption('every_n_months')
  await page.getByLabel('Bill every (months)').fill('2')
  await page.getByLabel('Term (months)').fill('12')
  await page.getByLabel('Visits per term').fill('2')
  await page.getByRole('group', { name: 'Visit months' }).getByLabel('Apr').check()
  await page.getByRole('group', { name: 'Visit months' }).getByLabel('Oct').check()
  await page.getByLabel('Terms and conditions').fill('Two visits a year.')
  await page.getByLabel('Taxable').check()
  await page.getByLabel('Tax rate (%)').fill('8.875')
  await page.getByRole('button', { name: 'Create plan' }).click()

  await page.getByRole('heading', { name: 'Plans', level: 1 }).waitFor()
  const row = page.getByRole('row').filter({ hasText: 'Spring and fall tune-up' })
  await row.waitFor()
  assert.match((await row.textContent()) ?? '', /\$1,234\.29.*Every 2 months.*12 months.*2 \(Apr, Oct\).*8\.875%/)
  const plan = await office.app.deps.db.selectFrom('plans').selectAll().where('name', '=', 'Spring and fall tune-up').executeTakeFirstOrThrow()
  assert.equal(plan.priceCents, 123429)
  assert.equal(plan.billingFrequency, 'every_n_months')
  assert.equal(plan.billingIntervalMonths, 2)
  assert.equal(plan.termMonths, 12)
  assert.deepEqual(plan.visitMonths, [4, 10])
  assert.equal(plan.taxRatePpm, 88_750)

  // Open-ended plans store no term.
  await page.getByRole('link', { name: 'New plan' }).click()
  await page.getByLabel('Plan name').fill('Open monthly')
  await page.getByLabel('Price (dollars per bill)').fill('0.29')
  await page.getByLabel('Open-ended (no end date)').check()
  await page.getByLabel('Plan name').press('Enter')
  await page.getByRole('row').filter({ hasText: 'Open monthly' }).waitFor()
  const open = await office.app.deps.db.selectFrom('plans').selectAll().where('name', '=', 'Open monthly').executeTakeFirstOrThrow()
  assert.equal(open.priceCents, 29)
  assert.equal(open.termMonths, null)

  // Archiving asks first, then the plan leaves the list.
  await page.getByRole('link', { name: 'Open monthly' }).click()
  await page.getByRole('button', { name: 'Archive plan' }).click()
  await page.getByRole('dialog', { name: 'Archive plan' }).getByRole('button', { name: 'Yes, archive' }).click()
  await page.getByRole('status').filter({ hasText: 'Plan Open monthly archived.' }).waitFor()
  await page.getByRole('link', { name: 'Spring and fall tune-up' }).waitFor()
  assert.equal(await page.getByRole('link', { name: 'Open monthly' }).count(), 0)
  const archived = await office.app.deps.db.selectFrom('plans').select('archivedAt').where('id', '=', open.id).executeTakeFirstOrThrow()
  assert.notEqual(archived.archivedAt, null)
  await page.context().close()
})

test("users: the server's duplicate-email error shows under the field; the last admin stays admin", async () => {
  const page = await office.newPage()
  await office.logIn(page, office.adminEmail, '/settings/users')
  await page.getByRole('heading', { name: 'Users' }).waitFor()
  const users = await office.count('users')
  const form = page.getByRole('form', { name: 'Add a user' })
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Olive Office')
  await form.getByLabel('Email').fill(office.officeEmail)
  await form.getByRole('combobox', { name: 'Role', exact: true }).selectOption('office')
  await form.getByLabel('Password').fill('a long enough password')
  await form.getByRole('button', { name: 'Create user' }).click()
  await form.getByText('Email is already used by another user').waitFor()
  assert.equal(await office.count('users'), users)

  await form.getByLabel('Email').fill('olive@example.com')
  await form.getByLabel('Email').press('Enter')
  await page.getByRole('status').filter({ hasText: 'User Olive Office created.' }).waitFor()
  await page.getByRole('cell', { name: 'olive@example.com' }).waitFor()
  assert.equal(await office.count('users'), users + 1)

  await page.getByLabel('Role for Test admin').selectOption('office')
  await page.getByRole('alert').filter({ hasText: 'only active admin' }).waitFor()
  const admin = await office.app.deps.db.selectFrom('users').select('role').where('email', '=', office.adminEmail).executeTakeFirstOrThrow()
  assert.equal(admin.role, 'admin')
  assert.equal(await page.getByLabel('Role for Test admin').inputValue(), 'admin')
  await page.context().close()
})

test('office users see company settings read-only and no user management', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/settings')
  await page.getByText('Only an admin can change company settings.').waitFor()
  assert.equal(await page.getByLabel('Company name').isDisabled(), true)
  assert.equal(await page.getByRole('button', { name: 'Save settings' }).count(), 0)
  assert.equal(await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).count(), 0)
  await page.context().close()
})

test('a technician changes their own password: wrong current password is named inline, then it works', async () => {
  const email = await office.app.addUser('technician', 'tech@example.com')
  const page = await office.newPage()
  await office.logIn(page, email, '/settings/password')
  await page.getByRole('heading', { name: 'Your password' }).waitFor()
  await page.getByLabel('Current password').fill('not my password')
  await page.getByLabel('New password').fill('my new password 123')
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('is not your current password').waitFor()
  await page.getByLabel('Current password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('Password changed.').waitFor()
  const res = await office.app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'my new password 123' } })
  assert.equal(res.statusCode, 200)
  await page.context().close()
})

test('an admin uploads a company logo and sees it; a non-image is refused with a message', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.adminEmail, '/settings')
  await page.getByRole('heading', { name: 'Logo' }).waitFor()
  await page.getByText('No logo yet.').waitFor()
  const fileInput = page.locator('input[type=file]')
  await fileInput.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') })
  await page.getByRole('alert').filter({ hasText: 'is not a readable PNG or JPEG image' }).waitFor()
  // A real PNG (1×1, from the PNG spec's smallest valid form).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64')
  await fileInput.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png })
  await page.getByText('Logo saved.').waitFor()
  const img = page.getByRole('img', { name: 'Company logo' })
  await img.waitFor()
  assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 1))
  await page.context().close()
})
