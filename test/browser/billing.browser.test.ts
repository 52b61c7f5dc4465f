/**
 * The Billing page in Chromium against the real server and the CardPointe sandbox:
 * preview → confirm with the total → live progress → summary; the declined invoice in the
 * failed payments list, marked paid by the office; the customer's payment-update page with the
 * sandbox iFrame tokenizer charges a new card at once. Checked for CSP violations and page
 * errors. A refund whose answer is lost is shown as being confirmed and settled by Check now.
 * A preview past how far a run may bill offers no run; billing ahead, set by an admin, is named
 * in the confirmation.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { Page } from 'playwright-core'
import type { TestApp } from '../helpers/test-app.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import { aCard, aCardPayment, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { formatUsd } from '../../src/domain/money.ts'
import { addDays } from '../../src/domain/billing-calendar.ts'
import { localDate } from '../../src/domain/time-zone.ts'

let h: SandboxHarness
let office: OfficeBrowser
let t: TestApp

before(async () => {
  h = await startHarness()
  office = await startOfficeBrowser({ gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  t = office.app
})
after(async () => {
  await office?.close()
  await h?.close()
})
const newPage = () => office.newPage()
/** The links to Billing's sections (Bill all, Failed payments, … Settings) under its heading. */
const sections = (page: Page) => page.getByRole('navigation', { name: 'Billing sections' })

test('preview, confirm, watch the run, mark a failed payment paid; the customer updates a card through the link', async () => {
  const deps = t.deps
  const today = localDate(new Date(), 'America/New_York') // the company's date (its zone in tests), as runs and previews use
  const good = await aCustomer(deps, 'Grace Paid', 'grace@example.com')
  const goodCard = await aCard(deps.db, deps.gateway, h.tokenize, good.id)
  await anAgreement(deps.db, { customerId: good.id, locationId: good.locationId, paymentMethodId: goodCard, startDate: today, lines: monthly(4200), name: 'Grace HVAC' })
  const poor = await aCustomer(deps, 'Ned Declined', 'ned@example.com')
  const plainVisa = await aCard(deps.db, deps.gateway, h.tokenize, poor.id, '4111111111111111')
  // $1116.00 declines for insufficient funds; $1101.00 as an expired card.
  await anAgreement(deps.db, { customerId: poor.id, locationId: poor.locationId, paymentMethodId: plainVisa, startDate: today, lines: monthly(111600), name: 'Ned Pool' })
  const old = await aCustomer(deps, 'Olga Oldcard', 'olga@example.com')
  const oldCard = await aCard(deps.db, deps.gateway, h.tokenize, old.id, '4111111111111111')
  await anAgreement(deps.db, { customerId: old.id, locationId: old.locationId, paymentMethodId: oldCard, startDate: today, lines: monthly(110100), name: 'Olga Lawn' })

  const page = await newPage()
  await office.logIn(page, office.officeEmail, '/billing')
  await page.getByRole('heading', { name: 'Bill all' }).waitFor()
  await page.getByRole('button', { name: 'Preview' }).click()
  const table = page.getByRole('table', { name: 'What the run would bill' })
  await table.getByRole('link', { name: 'Grace HVAC' }).waitFor()
  assert.equal(await table.getByRole('row').count(), 4)
  assert.equal(await deps.db.selectFrom('invoices').select('id').execute().then((r) => r.length), 0, 'a preview creates nothing')
  await page.getByRole('button', { name: 'Run billing…' }).click()
  await page.getByText(`Charge 3 invoices for a total of $2,259.00, for periods starting by ${localDate(new Date(), 'America/New_York')}?`).waitFor()
  await page.getByRole('button', { name: 'Charge $2,259.00' }).click()
  await page.getByRole('heading', { name: 'Billing run summary' }).waitFor()
  const counts = page.locator('dl.counts')
  assert.match((await counts.innerText()).replace(/\s+/g, ' '), /Approved 1 Declined 2 Errors 0 Collected \$42\.00/)

  // The summary's next action: the two declines, under Billing → Failed payments.
  await page.getByRole('link', { name: 'Review 2 failed payments' }).click()
  const failed = page.getByRole('region', { name: 'Failed payments' })
  await failed.getByText('the bank reported insufficient funds').waitFor()
  await failed.getByText('the card has expired').waitFor()
  // Each failure opens to its history: the attempt, the gateway's answer.
  await failed.getByRole('row', { name: /Olga Oldcard/ }).getByRole('button', { name: /history$/ }).click()
  await failed.getByRole('region', { name: /^Invoice \d+$/ }).getByText(/declined \$1,101\.00/).waitFor()
  await failed.getByRole('row', { name: /Olga Oldcard/ }).getByRole('button', { name: /history$/ }).click()
  // Retrying asks first, names the amount, and says what the gateway answered.
  const before = (await h.ledger()).length
  await failed.getByRole('row', { name: /Olga Oldcard/ }).getByRole('button', { name: 'Retry' }).click()
  assert.equal((await h.ledger()).length, before, 'nothing is charged before the office confirms')
  await failed.getByRole('button', { name: 'Charge $1,101.00' }).click()
  await failed.getByText(/was declined again/).waitFor()
  const nedRow = failed.getByRole('row', { name: /Ned Declined/ })
  await nedRow.getByRole('button', { name: 'Mark paid' }).click()
  const payForm = failed.getByRole('form', { name: /^Record a payment for invoice/ })
  await payForm.getByLabel('Amount').fill('12.345')
  await payForm.getByRole('button', { name: 'Record payment' }).click()
  await payForm.getByText(/Amount must be a dollar amount/).waitFor()
  await payForm.getByLabel('Amount').fill('1116')
  await payForm.getByLabel('Method').selectOption('cash')
  await payForm.getByLabel('Reference').fill('Receipt 100')
  await payForm.getByRole('button', { name: 'Record payment' }).click()
  await nedRow.waitFor({ state: 'detached' })
  const nedPayment = await deps.db.selectFrom('payments').select(['reference', 'amountCents']).where('customerId', '=', poor.id).executeTakeFirstOrThrow()
  assert.deepEqual([nedPayment.reference, Number(nedPayment.amountCents)], ['cash: Receipt 100', 111600])
  await sections(page).getByRole('link', { name: 'Runs' }).click()
  await page.getByRole('region', { name: 'Past runs' }).getByRole('cell', { name: 'Completed' }).waitFor()
  // The run's own invoices, from its row in Past runs; then all again.
  await page.getByRole('region', { name: 'Past runs' }).getByRole('link', { name: /^Invoices of the run of/ }).click()
  const ofRun = page.getByRole('region', { name: 'Invoices' })
  await ofRun.getByText(/^Invoices of the run of/).waitFor()
  await ofRun.getByText('1–3 of 3').waitFor()
  await ofRun.getByRole('button', { name: 'Show all invoices' }).click()
  await ofRun.getByText(/^Invoices of the run of/).waitFor({ state: 'detached' })

  // Grace's payment is not settled yet: the office voids it from the invoice's details.
  const graceInvoice = await deps.db.selectFrom('invoices').select('number').where('customerId', '=', good.id).executeTakeFirstOrThrow()
  await page.getByRole('button', { name: `${graceInvoice.number} details` }).click()
  const detail = page.getByRole('region', { name: `Invoice ${graceInvoice.number}` })
  await detail.getByText('approved $42.00').waitFor()
  await detail.getByRole('button', { name: 'Void', exact: true }).click()
  await page.getByRole('button', { name: 'Void payment' }).click()
  // Voiding the payment leaves the invoice owed; it was billed by mistake, so the office voids it too.
  await detail.getByRole('heading', { name: `Invoice ${graceInvoice.number}: Unpaid` }).waitFor()
  assert.equal((await h.ledger()).filter((r) => r.type === 'void').length, 1)
  await detail.getByRole('button', { name: 'Void invoice', exact: true }).click()
  await page.getByRole('button', { name: `Void invoice ${graceInvoice.number}` }).click()
  await detail.getByRole('heading', { name: `Invoice ${graceInvoice.number}: Void` }).waitFor()

  // The invoice list narrows to a search, after a pause in typing.
  const invoices = page.getByRole('region', { name: 'Invoices' })
  assert.equal(await invoices.getByRole('row').count(), 4)
  await invoices.getByLabel('Search invoices').fill('olga')
  await invoices.getByText('1–1 of 1').waitFor()
  await invoices.getByRole('cell', { name: 'Olga Lawn' }).waitFor()
  await invoices.getByLabel('Search invoices').fill('nobody at all')
  await invoices.getByText('No invoices match.').waitFor()
  await invoices.getByLabel('Search invoices').fill('')

  // Grace's agreement page lists her invoice, voided.
  await page.getByRole('link', { name: 'Grace HVAC' }).first().click()
  const agreementInvoices = page.getByRole('region', { name: 'Invoices' })
  await agreementInvoices.getByRole('cell', { name: 'Void' }).waitFor()
  assert.equal(await agreementInvoices.getByRole('row').count(), 2, 'only her invoice, under its header')
  await page.goBack()

  // Olga follows the link in her email and enters a new card in the gateway's iFrame.
  const mail = await deps.db.selectFrom('emailOutbox').select('textBody').where('toAddress', '=', 'olga@example.com').where('kind', '=', 'billing.payment_failed').executeTakeFirstOrThrow()
  const path = /\/pay\/[A-Za-z0-9_-]{43}/.exec(mail.textBody)![0]
  const customer = await newPage()
  await customer.goto(`${t.url}${path}`)
  await customer.getByText(/We could not collect \$1,101\.00/).waitFor()
  const frame = customer.frameLocator('iframe[title="Card details"]')
  await frame.locator('#ccnumfield').pressSequentially('5454545454545454')
  await frame.locator('#ccexpirymonth').selectOption('12')
  await frame.locator('#ccexpiryyear').selectOption(String(new Date().getFullYear() + 3))
  await frame.locator('#cccvvfield').pressSequentially('123')
  await customer.getByText('Card details received (ending 5454)').waitFor()
  await customer.getByRole('button', { name: 'Save card and pay $1,101.00' }).click()
  await customer.getByText('Thank you: your card is on file and the payment went through.').waitFor()
  const paid = await deps.db.selectFrom('invoices').select('status').where('customerId', '=', old.id).executeTakeFirstOrThrow()
  assert.equal(paid.status, 'paid')
})

test('a refund whose answer is lost shows as being confirmed; Check now records it once', async () => {
  const deps = t.deps
  const today = localDate(new Date(), 'America/New_York') // the company's date (its zone in tests), as runs and previews use
  const pay = await aCardPayment(deps, h, 'Rita Refund', 3000, { startDate: today, through: today })
  const inv = await deps.db.selectFrom('invoices').select(['number', 'totalCents']).where('id', '=', pay.invoiceId).executeTakeFirstOrThrow()
  const amount = formatUsd(Number(inv.totalCents))

  const page = await newPage()
  await office.logIn(page, office.officeEmail, '/billing/invoices')
  await page.getByRole('button', { name: `${inv.number} details` }).click()
  const detail = page.getByRole('region', { name: `Invoice ${inv.number}` })
  await detail.getByRole('button', { name: 'Refund', exact: true }).click()
  const refundForm = detail.getByRole('form', { name: 'Refund this payment' })
  await refundForm.getByLabel('Refund amount').fill('9999')
  await refundForm.getByRole('button', { name: 'Send refund' }).click()
  await refundForm.getByText(`Refund amount must be at most ${amount}, what is left to refund`).waitFor()
  assert.equal((await h.ledger()).filter((r) => r.type === 'refund').length, 0, 'nothing reaches the gateway')
  await refundForm.getByLabel('Refund amount').fill(String(Number(inv.totalCents) / 100))
  await refundForm.getByLabel('Reason').fill('Moved away')
  // The gateway refunds, but its answer never reaches us.
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['refund'] }, async () => {
    await refundForm.getByRole('button', { name: 'Send refund' }).click()
    await detail.getByText('Being confirmed with the gateway.').waitFor()
  })
  assert.equal(await detail.getByRole('button', { name: /^Void|^Refund$/ }).count(), 0, 'no second reversal offered while one is in flight')
  await detail.getByRole('button', { name: /^Check now\b.*the refund of/ }).click()
  await detail.getByText(`refund of ${amount}, approved`).waitFor()
  await detail.getByRole('heading', { name: `Invoice ${inv.number}: Refunded` }).waitFor()
  const refunds = (await h.ledger()).filter((r) => r.type === 'refund' && r.respstat === 'A' && r.amountCents === Number(inv.totalCents))
  assert.equal(refunds.length, 1)
  const payments = await deps.db.selectFrom('payments').select(['status', 'refundedCents']).where('customerId', '=', pay.customerId).execute()
  assert.deepEqual(payments.map((p) => [p.status, Number(p.refundedCents)]), [['refunded', Number(inv.totalCents)]])
})

test('an admin turns on automatic billing at a time of day; office staff see it read-only', async () => {
  const page = await newPage()
  await office.logIn(page, office.adminEmail, '/billing/settings')
  const settings = page.getByRole('region', { name: 'Billing settings' })
  await settings.getByLabel(/Bill all automatically every day/).check()
  await settings.getByLabel('At (company time zone)').fill('05:30')
  await settings.getByRole('button', { name: 'Save billing settings' }).click()
  await page.getByText('Billing settings saved.').waitFor()
  const row = await t.deps.db.selectFrom('billingSettings').select(['autoBill', 'autoBillTime']).executeTakeFirstOrThrow()
  assert.deepEqual(row, { autoBill: true, autoBillTime: '05:30' })

  const staff = await newPage()
  await office.logIn(staff, office.officeEmail, '/billing/settings')
  const seen = staff.getByRole('region', { name: 'Billing settings' })
  await seen.getByText('Only an admin can change these.').waitFor()
  assert.equal(await seen.getByLabel(/Bill all automatically every day/).isChecked(), true)
  assert.equal(await seen.getByLabel(/Bill all automatically every day/).isDisabled(), true)
})

test('a preview past how far a run may bill offers no run; billing in advance is set by an admin and named in the confirmation', async () => {
  const deps = t.deps
  const today = localDate(new Date(), 'America/New_York') // the company's zone in tests
  const page = await newPage()
  await office.logIn(page, office.adminEmail, '/billing')
  const billAll = page.getByRole('region', { name: 'Bill all' })
  await billAll.getByLabel('Bill through').fill('2099-12-31')
  await billAll.getByRole('button', { name: 'Preview' }).click()
  await billAll.getByText(`A run bills through ${today} at most (today, ${today}); this preview looks further, so it cannot be charged. Preview through ${today} to bill.`).waitFor()
  assert.equal(await billAll.getByRole('button', { name: 'Run billing…' }).count(), 0)

  await sections(page).getByRole('link', { name: 'Settings' }).click()
  const settings = page.getByRole('region', { name: 'Billing settings' })
  await settings.getByLabel(/Bill periods up to this many days before they start/).fill('3')
  await settings.getByRole('button', { name: 'Save billing settings' }).click()
  await page.getByText('Billing settings saved.').waitFor()
  assert.equal((await deps.db.selectFrom('billingSettings').select('billAheadDays').executeTakeFirstOrThrow()).billAheadDays, 3)

  const c = await aCustomer(deps, 'Ada Advance', 'ada-advance@example.com')
  await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: await aCard(deps.db, deps.gateway, h.tokenize, c.id), startDate: addDays(today, 2), lines: monthly(1500), name: 'Ada Ahead' })
  await sections(page).getByRole('link', { name: 'Bill all' }).click()
  await billAll.getByRole('button', { name: 'Preview' }).click()
  await billAll.getByRole('table', { name: 'What the run would bill' }).getByRole('link', { name: 'Ada Ahead' }).waitFor()
  await billAll.getByRole('button', { name: 'Run billing…' }).click()
  await page.getByText(new RegExp(`for periods starting by ${addDays(today, 3)} \\(billing in advance: today, ${today}, plus 3 days ahead as set in Billing settings\\)\\?$`)).waitFor()
  await page.getByRole('button', { name: 'Cancel' }).last().click()
  assert.equal((await deps.db.selectFrom('invoices').select('id').where('customerId', '=', c.id).execute()).length, 0, 'nothing billed without confirming')
})

test('Billing gives each job its own page under /billing with its section links; an invoice has its own address', async () => {
  const deps = t.deps
  const today = localDate(new Date(), 'America/New_York') // the company's date (its zone in tests), as runs and previews use
  const pay = await aCardPayment(deps, h, 'Sam Sections', 2500, { startDate: today, through: today })
  const inv = await deps.db.selectFrom('invoices').select('number').where('id', '=', pay.invoiceId).executeTakeFirstOrThrow()
  const page = await newPage()
  await office.logIn(page, office.officeEmail, '/billing')
  await page.getByRole('region', { name: 'Bill all' }).waitFor()
  for (const other of ['Failed payments', 'Past runs', 'Invoices', 'Billing settings', 'Suspended agreements'])
    assert.equal(await page.getByRole('region', { name: other, exact: true }).count(), 0, `${other} is not on the Bill all page`)
  const expected: [link: string, path: string, region: string][] = [
    ['Failed payments', '/billing/failed', 'Failed payments'],
    ['Suspended', '/billing/suspended', 'Suspended agreements'],
    ['Runs', '/billing/runs', 'Past runs'],
    ['Invoices', '/billing/invoices', 'Invoices'],
    ['Reconciliation', '/billing/reconciliation', 'Reconciliation'],
    ['Settings', '/billing/settings', 'Billing settings'],
    ['Bill all', '/billing', 'Bill all'],
  ]
  for (const [link, path, region] of expected) {
    await sections(page).getByRole('link', { name: new RegExp(`^${link}`) }).click()
    await page.getByRole('region', { name: region, exact: true }).waitFor()
    assert.equal(new URL(page.url()).pathname, path)
    assert.equal(await sections(page).getByRole('link', { name: new RegExp(`^${link}`) }).getAttribute('aria-current'), 'page')
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Billing' }).count(), 1)
  }
  // QuickBooks' sync errors link to the invoice itself.
  await page.goto(`${t.url}/billing/invoices/${pay.invoiceId}`)
  await page.getByRole('region', { name: `Invoice ${inv.number}` }).getByText('approved $25.00').waitFor()
  // On a phone the section links wrap: nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${t.url}/billing/failed`)
  await page.getByRole('region', { name: 'Failed payments' }).waitFor()
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, nav: document.querySelector('nav[aria-label="Billing sections"]')!.getBoundingClientRect().right }))
  assert.ok(widths.doc <= 390 && widths.nav <= 390, `fits 390 px: ${JSON.stringify(widths)}`)
})
