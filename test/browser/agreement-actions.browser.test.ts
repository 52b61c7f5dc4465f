/**
 * The agreement page's office actions in Chromium: suspend (with its work orders), reactivate in
 * one click, close (a dialog says what it will do and asks why), each shown in the audit trail.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../../src/domain/ids.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
before(async () => {
  office = await startOfficeBrowser()
})
after(async () => {
  await office?.close()
})

test('suspend, reactivate and close an agreement from its page; work orders follow; the trail records each', async () => {
  const { db } = office.app.deps
  const customer = await aCustomer(office.app.deps, 'Sam Suspendable')
  const id = await anAgreement(db, { customerId: customer.id, locationId: customer.locationId, paymentMethodId: null, startDate: '2026-11-01', lines: monthly(2500), name: 'Comfort Club' })
  await db
    .insertInto('workOrders')
    .values({ id: newId('wo'), agreementId: id, customerId: customer.id, locationId: customer.locationId, description: 'Spring tune-up', windowStart: '2027-04-01', windowEnd: '2027-04-30', status: 'open', statusBeforeSuspension: null, technicianId: null, scheduledStart: null })
    .execute()
  const woStatus = async () => (await db.selectFrom('workOrders').select('status').where('agreementId', '=', id).executeTakeFirstOrThrow()).status
  const agreementStatus = async () => (await db.selectFrom('agreements').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/agreements/${id}`)
  await page.getByRole('heading', { name: /Agreement #\d+/ }).waitFor()

  await page.getByRole('button', { name: 'Suspend' }).click()
  await page.getByRole('button', { name: 'Yes, suspend' }).click()
  await page.getByText(/suspended with its work orders/).waitFor()
  assert.equal(await agreementStatus(), 'suspended')
  assert.equal(await woStatus(), 'suspended')
  await page.getByRole('table', { name: 'Work orders' }).getByRole('cell', { name: 'On hold: agreement suspended' }).waitFor()

  await page.getByRole('button', { name: 'Reactivate' }).click()
  await page.getByText(/reactivated with its work orders/).waitFor()
  assert.equal(await agreementStatus(), 'active')
  assert.equal(await woStatus(), 'open')

  await page.getByRole('button', { name: 'Close agreement…' }).click()
  const dialog = page.getByRole('dialog', { name: /Close agreement #/ })
  await dialog.getByText('1 visit cancelled; the customer is emailed.').waitFor()
  await dialog.getByLabel('Reason').fill('Moved away')
  await dialog.getByRole('button', { name: 'Close now' }).click()
  await page.getByText(/closed\./).first().waitFor()
  assert.equal(await agreementStatus(), 'closed')
  assert.equal(await woStatus(), 'cancelled')
  // The page reloads the agreement after the toast: wait for Suspend to go (a timeout fails the test).
  await page.getByRole('button', { name: 'Suspend', exact: true }).waitFor({ state: 'detached', timeout: 10_000 })
  const actions = (await db.selectFrom('auditEvents').select('action').where('entityId', '=', id).execute()).map((e) => e.action)
  assert.deepEqual(actions.filter((a) => /suspend|reactivat|clos/.test(a)), ['agreement.suspended', 'agreement.reactivated', 'agreement.closed'])
  await page.context().close()
})
