/**
 * Customers in the office web app, in Chromium against the real server (built web/dist, PGlite):
 * - a customer with two locations and two contacts is created, listed, found by search, archived
 * - the customer list pages 25 at a time, with working back navigation
 * - editing a customer archives a removed location and adds a contact
 * - a bad email shows inline under its field, focused, and nothing is sent or saved
 * Every page is also checked for CSP violations and uncaught errors. Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createCustomer } from '../../src/services/customers/manage-customers.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
before(async () => {
  office = await startOfficeBrowser()
})
after(async () => {
  await office?.close()
})

test('creates a customer with locations and contacts, lists it, finds it by search and archives it', async () => {
  await createCustomer(office.app.deps, { name: 'Other Person', notes: '', locations: [], contacts: [] }, null)
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail)
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
  const saved = await office.app.deps.db.selectFrom('customers').select('id').where('name', '=', 'Harriet Quimby').executeTakeFirstOrThrow()
  const locations = await office.app.deps.db.selectFrom('customerLocations').selectAll().where('customerId', '=', saved.id).orderBy('line1').execute()
  assert.deepEqual(locations.map((l) => [l.label, l.line1, l.city, l.region, l.postalCode]), [
    ['Hangar', '12 Elm St', 'Austin', 'TX', '78701'],
    ['', '400 Congress Ave', 'Round Rock', 'TX', '78664-1234'],
  ])
  const contacts = await office.app.deps.db.selectFrom('customerContacts').selectAll().where('customerId', '=', saved.id).orderBy('name').execute()
  assert.deepEqual(contacts.map((c) => [c.name, c.email, c.phone]), [['Harriet', 'harriet@example.com', null], ['Wilbur', null, '(512) 555-0100']])

  // The list shows both customers; the search narrows it to the one typed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click()
  await page.getByRole('link', { name: 'Harriet Quimby' }).waitFor()
  await page.getByRole('link', { name: 'Other Person' }).waitFor()
  await page.getByText('1–2 of 2').waitFor()
  await page.getByLabel('Search customers', { exact: true }).fill('round rock')
  await page.getByText('1–1 of 1').waitFor()
  assert.equal(await page.getByRole('link', { name: 'Other Person' }).count(), 0)
  assert.match(page.url(), /q=round\+rock/)
  await page.getByLabel('Search customers', { exact: true }).fill('no such customer')
  await page.getByText('No customers match “no such customer”.').waitFor()
  await page.getByLabel('Search customers', { exact: true }).fill('quimby')
  await page.getByRole('link', { name: 'Harriet Quimby' }).click()

  // Archive asks first; then the customer leaves the list and shows under "Show archived".
  await page.getByRole('button', { name: 'Archive customer' }).click()
  await page.getByRole('dialog', { name: 'Archive customer' }).getByRole('button', { name: 'Yes, archive' }).click()
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
    await createCustomer(office.app.deps, { name: `Paged Customer ${String(i).padStart(2, '0')}`, notes: '', locations: [], contacts: [] }, null)
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/customers?q=paged')
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
    office.app.deps,
    { name: 'Edith Editable', notes: '', locations: [location('1 Old Rd', 'Dallas'), location('2 Kept Ln', 'Plano')], contacts: [{ name: 'Edith', isPrimary: true }] },
    null,
  )
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/customers/${customer.id}`)
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
  const rows = await office.app.deps.db.selectFrom('customerLocations').select(['line1', 'city', 'archivedAt']).where('customerId', '=', customer.id).orderBy('line1').execute()
  assert.deepEqual(rows.map((r) => [r.line1, r.city, r.archivedAt !== null]), [['1 Old Rd', 'Dallas', true], ['2 Kept Ln', 'Frisco', false]])
  const contacts = await office.app.deps.db.selectFrom('customerContacts').select(['name', 'email']).where('customerId', '=', customer.id).orderBy('name').execute()
  assert.deepEqual(contacts, [{ name: 'Ed', email: 'ed@example.com' }, { name: 'Edith', email: null }])
  await page.context().close()
})

test('a bad email shows inline under its field, focused, and nothing is sent or saved', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/customers/new')
  const before = await office.count('customers')
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
  assert.equal(await office.count('customers'), before)
  await page.context().close()
})

test('a failed submit keeps blank location and contact blocks, marks required fields and names the field in each error', async () => {
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/customers/new')
  // Required fields carry a visible mark (not read out: the input itself says it is required).
  assert.match((await page.locator('label[for="f-name"]').textContent()) ?? '', /Customer name\s*\*/)
  assert.match((await page.locator('label[for="f-locations-0-line1"]').textContent()) ?? '', /Street address\s*\*/)
  await page.getByRole('button', { name: 'Create customer' }).click()
  await page.getByText('Customer name is required').waitFor()
  await page.getByRole('group', { name: 'Location 1' }).waitFor()
  await page.getByRole('group', { name: 'Contact 1' }).waitFor()

  // Location 1 stays blank (not sent); the error for what is sent lands on Location 2, where it was typed.
  await page.getByLabel('Customer name').fill('Keeps Blocks')
  await page.getByRole('button', { name: 'Add location' }).click()
  const loc2 = page.getByRole('group', { name: 'Location 2' })
  await loc2.getByLabel('Street address').fill('5 Oak St')
  await page.getByRole('button', { name: 'Create customer' }).click()
  await loc2.getByText('City is required').waitFor()
  assert.equal(await page.getByRole('group', { name: 'Location 1' }).getByText(/is required/).count(), 0)
  assert.equal(await loc2.getByLabel('City').getAttribute('aria-invalid'), 'true')
  await page.context().close()
})
