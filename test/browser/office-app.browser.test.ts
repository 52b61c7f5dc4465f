/**
 * The office web app in Chromium against the real server (built web/dist, PGlite):
 * - a wrong password shows an error; the right one logs in and shows name and role; logout works
 * - too many login attempts show the server's rate-limit message
 * - an unbuilt part of the product says so plainly, also when opened by URL
 * - a customer with two locations and two contacts is created, listed, found by search, archived
 * - the customer list pages 25 at a time, with working back navigation
 * - editing a customer archives a removed location and adds a contact
 * - a bad email shows inline under its field, focused, and nothing is sent or saved
 * - a plan's dollar price and percent tax land as exact cents and basis points; archiving asks first
 * - users: the server's duplicate-email error shows under the field; the last admin stays admin
 * - office users see company settings read-only
 * Every page load is also checked for CSP violations and uncaught errors.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { createCustomer } from '../../src/services/customers/manage-customers.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'

let app: TestApp
let browser: Browser
let adminEmail: string
let officeEmail: string
const problems: string[] = []

before(async () => {
  assert.ok(existsSync(new URL('../../web/dist/index.html', import.meta.url)), 'web/dist is missing: run `npm run build:web` first')
  ;[app, browser] = await Promise.all([startTestApp({ listen: true }), launchBrowser()])
  adminEmail = await app.addUser('admin', 'admin@example.com')
  officeEmail = await app.addUser('office', 'office@example.com')
})

after(async () => {
  await browser?.close()
  await app?.close()
  assert.deepEqual(problems, [], 'the pages raised errors or CSP violations')
})

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  context.setDefaultTimeout(5000)
  const page = await context.newPage()
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text())
  })
  return page
}

async function logIn(page: Page, email: string, path = '/'): Promise<void> {
  await page.goto(app.url + path)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('button', { name: 'Log out' }).waitFor()
}

const count = async (table: 'customers' | 'plans' | 'users') =>
  Number((await app.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

test('a wrong password shows an error; the right one logs in with name and role; logout ends it', async () => {
  const page = await newPage()
  await page.goto(`${app.url}/customers`)
  await page.getByLabel('Email').fill(adminEmail)
  await page.getByLabel('Password').fill('not the password')
  await page.getByLabel('Password').press('Enter')
  await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' }).waitFor()
  assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0)

  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  // Lands on the page it was asked for, with the user in the header.
  await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor()
  const header = await page.getByRole('banner').first().textContent()
  assert.match(header ?? '', /Test admin\s*\(Admin\)/)

  await page.getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('button', { name: 'Log in' }).waitFor()
  const status = await page.evaluate(async () => (await fetch('/api/auth/session')).status)
  assert.equal(status, 401)
  await page.context().close()
})

test("too many login attempts show the server's rate-limit message", async () => {
  const limited = await startTestApp({ listen: true, loginRateLimit: 2 })
  try {
    const page = await newPage()
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

test('a page that is not built yet says so, from the navigation and by URL', async () => {
  const page = await newPage()
  await logIn(page, officeEmail)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quotes' }).click()
  await page.getByRole('heading', { name: 'Quotes', level: 1 }).waitFor()
  await page.getByText('This page is not built yet.').waitFor()
  assert.equal(new URL(page.url()).pathname, '/quotes')

  await page.goto(`${app.url}/schedule`)
  await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor()
  await page.getByText('This page is not built yet.').waitFor()
  await page.context().close()
})

test('creates a customer with locations and contacts, lists it, finds it by search and archives it', async () => {
  await createCustomer(app.deps, { name: 'Other Person', notes: '', locations: [], contacts: [] }, null)
  const page = await newPage()
  await logIn(page, officeEmail)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click()
  await page.getByRole('link', { name: 'New customer' }).click()

  await page.getByLabel('Customer name').fill('Harriet Quimby')
  await page.getByLabel('Company name').fill('Quimby Aviation')
  const loc1 = page.getByRole('group', { name: 'Location 1' })
  await loc1.getByLabel('Label', { exact: true }).fill('Hangar')
  await loc1.getByLabel('Street address').fill('12 Elm St')
  await loc1.getByLabel('City').fill('Austin')
  await loc1.getByLabel('State').fill('tx')
  await loc1.getByLabel('ZIP code').fill('78701')
  await page.getByRole('button', { name: 'Add location' }).click()
  const loc2 = page.getByRole('group', { name: 'Location 2' })
  await loc2.getByLabel('Street address').fill('400 Congress Ave')
  await loc2.getByLabel('City').fill('Round Rock')
  await loc2.getByLabel('State').fill('TX')
  await loc2.getByLabel('ZIP code').fill('78664-1234')
  const con1 = page.getByRole('group', { name: 'Contact 1' })
  await con1.getByLabel('Name').fill('Harriet')
  await con1.getByLabel('Email').fill('harriet@example.com')
  await page.getByRole('button', { name: 'Add contact' }).click()
  const con2 = page.getByRole('group', { name: 'Contact 2' })
  await con2.getByLabel('Name').fill('Wilbur')
  await con2.getByLabel('Phone').fill('(512) 555-0100')
  await con2.getByLabel('Phone').press('Enter')

  await page.getByRole('heading', { name: 'Harriet Quimby', level: 1 }).waitFor()
  await page.getByRole('status').filter({ hasText: 'Customer Harriet Quimby created.' }).waitFor()
  await page.getByText('Round Rock, TX 78664-1234').waitFor()
  const saved = await app.deps.db.selectFrom('customers').select('id').where('name', '=', 'Harriet Quimby').executeTakeFirstOrThrow()
  const locations = await app.deps.db.selectFrom('customerLocations').selectAll().where('customerId', '=', saved.id).orderBy('line1').execute()
  assert.deepEqual(locations.map((l) => [l.label, l.line1, l.city, l.region, l.postalCode]), [
    ['Hangar', '12 Elm St', 'Austin', 'TX', '78701'],
    ['', '400 Congress Ave', 'Round Rock', 'TX', '78664-1234'],
  ])
  const contacts = await app.deps.db.selectFrom('customerContacts').selectAll().where('customerId', '=', saved.id).orderBy('name').execute()
  assert.deepEqual(contacts.map((c) => [c.name, c.email, c.phone]), [['Harriet', 'harriet@example.com', null], ['Wilbur', null, '(512) 555-0100']])

  // The list shows both customers; the search narrows it to the one typed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click()
  await page.getByRole('link', { name: 'Harriet Quimby' }).waitFor()
  await page.getByRole('link', { name: 'Other Person' }).waitFor()
  await page.getByText('1–2 of 2').waitFor()
  await page.getByLabel('Search customers').fill('round rock')
  await page.getByText('1–1 of 1').waitFor()
  assert.equal(await page.getByRole('link', { name: 'Other Person' }).count(), 0)
  assert.match(page.url(), /q=round\+rock/)
  await page.getByLabel('Search customers').fill('no such customer')
  await page.getByText('No customers match “no such customer”.').waitFor()
  await page.getByLabel('Search customers').fill('quimby')
  await page.getByRole('link', { name: 'Harriet Quimby' }).click()

  // Archive asks first; then the customer leaves the list and shows under "Show archived".
  await page.getByRole('button', { name: 'Archive customer' }).click()
  await page.getByRole('alertdialog', { name: 'Archive customer' }).getByRole('button', { name: 'Yes, archive' }).click()
  await page.getByRole('status').filter({ hasText: 'archived' }).waitFor()
  await page.getByText('Archived', { exact: false }).first().waitFor()
  await page.getByRole('listitem').filter({ hasText: 'Archived by Test office' }).waitFor()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click()
  await page.getByRole('link', { name: 'Other Person' }).waitFor()
  assert.equal(await page.getByRole('link', { name: 'Harriet Quimby' }).count(), 0)
  await page.getByLabel('Show archived').check()
  await page.getByRole('link', { name: 'Harriet Quimby' }).waitFor()
  await page.context().close()
})

test('pages through customers 25 at a time', async () => {
  for (let i = 1; i <= 27; i += 1)
    await createCustomer(app.deps, { name: `Paged Customer ${String(i).padStart(2, '0')}`, notes: '', locations: [], contacts: [] }, null)
  const page = await newPage()
  await logIn(page, officeEmail, '/customers?q=paged')
  await page.getByText('1–25 of 27').waitFor()
  assert.equal(await page.getByRole('link', { name: /Paged Customer/ }).count(), 25)
  assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByText('26–27 of 27').waitFor()
  await page.getByRole('link', { name: 'Paged Customer 27' }).waitFor()
  assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true)
  await page.goBack()
  await page.getByText('1–25 of 27').waitFor()
  await page.context().close()
})

test('edits a customer: a removed location is archived, a new contact is added', async () => {
  const location = (line1: string, city: string) => ({ label: '', line1, line2: '', city, region: 'TX', postalCode: '75001', country: 'US' as const, accessNotes: '' })
  const customer = await createCustomer(
    app.deps,
    { name: 'Edith Editable', notes: '', locations: [location('1 Old Rd', 'Dallas'), location('2 Kept Ln', 'Plano')], contacts: [{ name: 'Edith', isPrimary: true }] },
    null,
  )
  const page = await newPage()
  await logIn(page, officeEmail, `/customers/${customer.id}`)
  await page.getByRole('link', { name: 'Edit customer' }).click()
  // NOTE: the server returns locations created in one request in id order, not entry order.
  const first = await page.getByRole('group', { name: 'Location 1' }).getByLabel('Street address').inputValue()
  const [remove, keep] = first === '1 Old Rd' ? [1, 2] : [2, 1]
  await page.getByRole('group', { name: `Location ${keep}` }).getByLabel('City').fill('Frisco')
  await page.getByRole('button', { name: `Remove location ${remove}` }).click()
  assert.equal(await page.getByRole('group', { name: 'Location 1' }).getByLabel('Street address').inputValue(), '2 Kept Ln')
  await page.getByRole('button', { name: 'Add contact' }).click()
  await page.getByRole('group', { name: 'Contact 2' }).getByLabel('Name').fill('Ed')
  await page.getByRole('group', { name: 'Contact 2' }).getByLabel('Email').fill('ED@Example.com')
  await page.getByRole('button', { name: 'Save customer' }).click()

  await page.getByRole('status').filter({ hasText: 'Customer Edith Editable saved.' }).waitFor()
  await page.getByText('Frisco, TX 75001').waitFor()
  await page.getByText('1 archived location(s) not shown.').waitFor()
  await page.getByRole('listitem').filter({ hasText: 'Edited by Test office' }).waitFor()
  const rows = await app.deps.db.selectFrom('customerLocations').select(['line1', 'city', 'archivedAt']).where('customerId', '=', customer.id).orderBy('line1').execute()
  assert.deepEqual(rows.map((r) => [r.line1, r.city, r.archivedAt !== null]), [['1 Old Rd', 'Dallas', true], ['2 Kept Ln', 'Frisco', false]])
  const contacts = await app.deps.db.selectFrom('customerContacts').select(['name', 'email']).where('customerId', '=', customer.id).orderBy('name').execute()
  assert.deepEqual(contacts, [{ name: 'Ed', email: 'ed@example.com' }, { name: 'Edith', email: null }])
  await page.context().close()
})

test('a bad email shows inline under its field, focused, and nothing is sent or saved', async () => {
  const page = await newPage()
  await logIn(page, officeEmail, '/customers/new')
  const before = await count('customers')
  const posts: string[] = []
  page.on('request', (req) => req.method() === 'POST' && req.url().endsWith('/api/customers') && posts.push(req.url()))

  await page.getByLabel('Customer name').fill('Bad Email Person')
  const contact = page.getByRole('group', { name: 'Contact 1' })
  await contact.getByLabel('Name').fill('Bad')
  await contact.getByLabel('Email').fill('not-an-email')
  // Submitted from another field, so focus has to move to the invalid one.
  await page.getByLabel('Customer name').press('Enter')

  await page.getByText('Email must be a valid email address').waitFor()
  const email = contact.getByLabel('Email')
  assert.equal(await email.getAttribute('aria-invalid'), 'true')
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'contacts.0.email')
  assert.equal(new URL(page.url()).pathname, '/customers/new')
  assert.deepEqual(posts, [])
  assert.equal(await count('customers'), before)
  await page.context().close()
})

test('creates a plan: dollars become exact cents, percent becomes basis points', async () => {
  const page = await newPage()
  await logIn(page, officeEmail)
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
  await page.getByLabel('Tax rate (%)').fill('8.25')
  await page.getByRole('button', { name: 'Create plan' }).click()

  await page.getByRole('heading', { name: 'Plans', level: 1 }).waitFor()
  const row = page.getByRole('row').filter({ hasText: 'Spring and fall tune-up' })
  await row.waitFor()
  assert.match((await row.textContent()) ?? '', /\$1,234\.29.*Every 2 months.*12 months.*2 \(Apr, Oct\).*8\.25%/)
  const plan = await app.deps.db.selectFrom('plans').selectAll().where('name', '=', 'Spring and fall tune-up').executeTakeFirstOrThrow()
  assert.equal(plan.priceCents, 123429)
  assert.equal(plan.billingFrequency, 'every_n_months')
  assert.equal(plan.billingIntervalMonths, 2)
  assert.equal(plan.termMonths, 12)
  assert.deepEqual(plan.visitMonths, [4, 10])
  assert.equal(plan.taxRateBp, 825)

  // Open-ended plans store no term.
  await page.getByRole('link', { name: 'New plan' }).click()
  await page.getByLabel('Plan name').fill('Open monthly')
  await page.getByLabel('Price (dollars per bill)').fill('0.29')
  await page.getByLabel('Open-ended (no end date)').check()
  await page.getByLabel('Plan name').press('Enter')
  await page.getByRole('row').filter({ hasText: 'Open monthly' }).waitFor()
  const open = await app.deps.db.selectFrom('plans').selectAll().where('name', '=', 'Open monthly').executeTakeFirstOrThrow()
  assert.equal(open.priceCents, 29)
  assert.equal(open.termMonths, null)

  // Archiving asks first, then the plan leaves the list.
  await page.getByRole('link', { name: 'Open monthly' }).click()
  await page.getByRole('button', { name: 'Archive plan' }).click()
  await page.getByRole('alertdialog', { name: 'Archive plan' }).getByRole('button', { name: 'Yes, archive' }).click()
  await page.getByRole('status').filter({ hasText: 'Plan Open monthly archived.' }).waitFor()
  await page.getByRole('link', { name: 'Spring and fall tune-up' }).waitFor()
  assert.equal(await page.getByRole('link', { name: 'Open monthly' }).count(), 0)
  const archived = await app.deps.db.selectFrom('plans').select('archivedAt').where('id', '=', open.id).executeTakeFirstOrThrow()
  assert.notEqual(archived.archivedAt, null)
  await page.context().close()
})

test("users: the server's duplicate-email error shows under the field; the last admin stays admin", async () => {
  const page = await newPage()
  await logIn(page, adminEmail, '/settings/users')
  await page.getByRole('heading', { name: 'Users' }).waitFor()
  const users = await count('users')
  const form = page.getByRole('form', { name: 'Add a user' })
  await form.getByLabel('Name', { exact: true }).fill('Olive Office')
  await form.getByLabel('Email').fill(officeEmail)
  await form.getByLabel('Role', { exact: true }).selectOption('office')
  await form.getByLabel('Password').fill('a long enough password')
  await form.getByRole('button', { name: 'Create user' }).click()
  await form.getByText('Email is already used by another user').waitFor()
  assert.equal(await count('users'), users)

  await form.getByLabel('Email').fill('olive@example.com')
  await form.getByLabel('Email').press('Enter')
  await page.getByRole('status').filter({ hasText: 'User Olive Office created.' }).waitFor()
  await page.getByRole('cell', { name: 'olive@example.com' }).waitFor()
  assert.equal(await count('users'), users + 1)

  await page.getByLabel('Role for Test admin').selectOption('office')
  await page.getByRole('alert').filter({ hasText: 'only active admin' }).waitFor()
  const admin = await app.deps.db.selectFrom('users').select('role').where('email', '=', adminEmail).executeTakeFirstOrThrow()
  assert.equal(admin.role, 'admin')
  assert.equal(await page.getByLabel('Role for Test admin').inputValue(), 'admin')
  await page.context().close()
})

test('office users see company settings read-only and no user management', async () => {
  const page = await newPage()
  await logIn(page, officeEmail, '/settings')
  await page.getByText('Only an admin can change company settings.').waitFor()
  assert.equal(await page.getByLabel('Company name').isDisabled(), true)
  assert.equal(await page.getByRole('button', { name: 'Save settings' }).count(), 0)
  assert.equal(await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).count(), 0)
  await page.context().close()
})
