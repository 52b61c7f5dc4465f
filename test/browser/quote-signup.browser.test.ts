// Workflows 1-3 in Chromium, as people do them: the office builds a two-option quote and sends
// it; the customer reads the email from the SMTP capture, opens the link on a phone-sized
// screen, picks an option, types a card into the CardPointe sandbox's iFrame tokenizer, signs
// and submits; the office sees the notification and approves; the agreement is active with
// work orders. A second customer (with HTML in their name, shown as text) has a card declined,
// sees why, then succeeds with another.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { deliverDueEmails } from '../../src/services/email/outbox.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { createCustomer, tokenFrom } from '../helpers/quote-fixtures.ts'
import { loginHeaders, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
let sandbox: SandboxHarness
let mail: MailCapture
let browser: Browser
let officeEmail: string
const problems: string[] = []

before(async () => {
  assert.ok(existsSync(new URL('../../web/dist/index.html', import.meta.url)), 'web/dist is missing: run `npm run build:web` first')
  ;[sandbox, mail, browser] = await Promise.all([startHarness(), startMailCapture(), launchBrowser()])
  t = await startTestApp({ listen: true, gateway: sandbox.gateway, gatewayBrowserUrl: sandbox.sandbox.url })
  // Links in emails must point at this server (its port is only known once it listens).
  t.deps.publicUrl = t.url
  officeEmail = await t.addUser('office', 'office@example.com')
  const h = await loginHeaders(t.app, officeEmail)
  const plan = await t.app.inject({
    method: 'POST',
    url: '/api/plans',
    headers: h,
    payload: { name: 'Comfort Club', priceCents: 2500, billingFrequency: 'monthly', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10], termsText: 'Two tune-ups a year. 30 days notice to cancel.', isTaxable: true, taxRatePpm: 70_000 },
  })
  assert.equal(plan.statusCode, 201, plan.body)
  await createCustomer(t.app, h, 'Grace Hopper', 'grace@example.com')
  await createCustomer(t.app, h, 'Alan <i>Turing</i>', 'alan@example.com')
})

after(async () => {
  await browser?.close()
  await t?.close()
  await mail?.close()
  await sandbox?.close()
  assert.deepEqual(problems, [], 'the pages raised errors or CSP violations')
})

async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text())
  })
  return { context, page }
}

async function logIn(page: Page, path = '/') {
  await page.goto(t.url + path)
  await page.getByLabel('Email').fill(officeEmail)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('button', { name: /^Account: / }).waitFor()
}

/** The office builds a quote for `customer` with the plan template and an ad hoc option, and sends it. */
async function buildAndSendQuote(page: Page, customer: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quotes' }).click()
  await page.getByRole('link', { name: 'New quote' }).click()
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.getByText('Customer is required').waitFor()
  await page.getByText('Option name is required').waitFor()
  await page.getByText('Price per bill (dollars) is required').waitFor()
  // The customer picker searches the server as the office types.
  await page.getByRole('combobox', { name: 'Customer', exact: true }).fill(customer.split(' ')[0])
  await page.getByRole('option', { name: new RegExp(`^${customer.replace(/[<>/]/g, '.')}`) }).click()
  await page.getByLabel('Service location').selectOption({ index: 1 })
  await page.getByLabel('Title').fill('Heating and cooling care')
  await page.getByLabel('Tax rate (%)').fill('7')
  const first = page.getByRole('group', { name: 'Option 1' })
  await first.getByLabel('Start from plan').selectOption({ label: 'Comfort Club' })
  assert.equal(await first.getByLabel('Price per bill (dollars)').inputValue(), '25.00')
  await page.getByRole('button', { name: 'Add option' }).click()
  const second = page.getByRole('group', { name: 'Option 2' })
  await second.getByLabel('Option name').fill('Comfort Club Plus')
  await second.getByLabel('Price per bill (dollars)').fill('120')
  await second.getByLabel('Price is taxable').check()
  await second.getByLabel('Billing frequency').selectOption('quarterly')
  await second.getByLabel('Term (months)').fill('12')
  await second.getByLabel('Visits per term').fill('4')
  await second.getByRole('button', { name: 'Add line item' }).click()
  await second.getByLabel('Item').fill('Filter kit')
  await second.getByLabel('Amount (dollars)').fill('39.50')
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.getByText('Quote saved as a draft.').waitFor()
  // Option 2: $120 + 7% = $128.40 per quarter; first bill adds the $39.50 kit.
  await page.getByText('$128.40').first().waitFor()
  await page.getByRole('button', { name: 'Send quote' }).click()
  await page.getByText(/emailed to /).waitFor()
}

/** Delivers the outbox to the SMTP capture and returns the sign-up URL from the customer's email. */
async function signupLinkFor(to: string): Promise<string> {
  await deliverDueEmails({ db: t.deps.db, clock: t.deps.clock, mailer: mail.mailer, from: '"Your Company" <office@example.com>' })
  const got = await mail.waitFor({ to, subject: 'Your quote' })
  assert.ok(got.attachments.some((a) => a.contentType === 'application/pdf'), 'the PDF is attached')
  assert.ok(got.html?.includes('Review and sign up'))
  const url = `${t.url}/q/${tokenFrom(got.text ?? '')}`
  assert.ok(got.text?.includes(url), 'the email links to this server')
  return url
}

async function typeCard(page: Page, number: string) {
  const frame = page.frameLocator('#tokenFrame')
  await frame.locator('#ccnumfield').pressSequentially(number)
  await frame.locator('#ccexpirymonth').selectOption('12')
  await frame.locator('#ccexpiryyear').selectOption(String(new Date().getFullYear() + 3))
  await frame.locator('#cccvvfield').pressSequentially('123')
  await page.getByText(`Card details received (ending ${number.slice(-4)})`).waitFor()
}

test('office quotes, customer signs up with a card on a phone, office approves: active agreement with work orders', async () => {
  const office = await newPage()
  await logIn(office.page)
  await buildAndSendQuote(office.page, 'Grace Hopper')
  const link = await signupLinkFor('grace@example.com')

  const customer = await newPage({ width: 390, height: 844 })
  const page = customer.page
  await page.goto(link)
  await page.getByRole('heading', { name: /Quote Q-\d+: Heating and cooling care/ }).waitFor()
  await page.getByText('Two tune-ups a year. 30 days notice to cancel.').waitFor()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 0, `no sideways scrolling at phone width (overflow ${overflow}px)`)
  const accepts: string[] = []
  page.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/accept') && accepts.push(r.url())))
  // An empty submit: each error says what it is about, briefly, and goes away once fixed.
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  const problems = {
    option: page.getByText('Option is required: choose an option'),
    card: page.getByText('Card number is required: enter the card number, expiry and security code.'),
    name: page.getByText('Your full name is required'),
    consent: page.getByText('Please agree to the terms to continue.', { exact: true }),
  }
  for (const shown of Object.values(problems)) await shown.waitFor()
  assert.equal(await page.getByText(/I have read and agree to the terms above/).count(), 1, 'the consent sentence is not repeated as its error')
  await page.getByRole('radio', { name: 'Option 2: Comfort Club Plus' }).check()
  await problems.option.waitFor({ state: 'detached' })
  await page.getByLabel('Your full name').fill('Grace Hopper')
  await problems.name.waitFor({ state: 'detached' })
  await page.getByLabel(/I have read and agree to the terms above/).check()
  await problems.consent.waitFor({ state: 'detached' })
  // A bank account with a mistyped routing number and a confirmation that differs: caught before anything is sent.
  await page.getByRole('radio', { name: 'Bank account (ACH)' }).check()
  await problems.card.waitFor({ state: 'detached' })
  await page.getByLabel('Account holder name').fill('Grace Hopper')
  await page.getByLabel('Routing number').fill('021000012')
  await page.getByLabel('Account number', { exact: true }).fill('000123456789')
  await page.getByLabel('Confirm account number').fill('000123456788')
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  const routing = page.getByText('Routing number is not valid: check its 9 digits (bottom left of a check)')
  const confirm = page.getByText('Confirm account number does not match the account number')
  await routing.waitFor()
  await confirm.waitFor()
  assert.deepEqual(accepts, [], 'nothing is sent while the page can see a mistake')
  await page.getByLabel('Routing number').fill('021000021')
  await routing.waitFor({ state: 'detached' })
  await page.getByLabel('Confirm account number').fill('000123456789')
  await confirm.waitFor({ state: 'detached' })
  await page.getByText('Please check the highlighted fields.').waitFor({ state: 'detached' })
  // Back to a card after all.
  await page.getByRole('radio', { name: 'Card', exact: true }).check()
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  await problems.card.waitFor()
  await typeCard(page, '4111111111111111')
  await problems.card.waitFor({ state: 'detached' })
  assert.deepEqual(accepts, [])
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  await page.getByRole('heading', { name: 'Thank you, you are signed up' }).waitFor()
  await page.getByText('Comfort Club Plus', { exact: true }).waitFor()
  // Back button / reload: the used link shows the outcome, not the form.
  await page.reload()
  await page.getByRole('heading', { name: 'Thank you, you are signed up' }).waitFor()

  const o = office.page
  await o.getByRole('link', { name: 'Agreements', exact: true }).click()
  await o.getByRole('link', { name: 'Notifications: 1 unread' }).click()
  await o.getByRole('button', { name: /Grace Hopper signed up: agreement #\d+$/ }).click()
  await o.getByRole('heading', { name: /Agreement #\d+/ }).waitFor()
  await o.getByText('Visa ending 1111').waitFor()
  await o.getByText('Signed by').waitFor()
  await o.getByRole('link', { name: 'Notifications', exact: true }).waitFor()
  await o.getByRole('button', { name: 'Approve' }).click()
  await o.getByText(/approved: it is active with 4 work orders/).waitFor()
  await o.getByRole('cell', { name: /Comfort Club Plus: visit 1 of 4/ }).waitFor()
  await o.getByText(/Approved: active by Test office/).waitFor()

  const agreement = await t.deps.db.selectFrom('agreements').selectAll().executeTakeFirstOrThrow()
  assert.equal(agreement.status, 'active')
  assert.equal(agreement.billingIntervalMonths, 3)
  const workOrders = await t.deps.db.selectFrom('workOrders').selectAll().where('agreementId', '=', agreement.id).execute()
  assert.equal(workOrders.length, 4)
  assert.ok(workOrders.every((w) => w.locationId === agreement.locationId && w.status === 'open'))
  const approvedMail = await (async () => {
    await deliverDueEmails({ db: t.deps.db, clock: t.deps.clock, mailer: mail.mailer, from: 'office@example.com' })
    return mail.waitFor({ to: 'grace@example.com', subject: /is active/ })
  })()
  assert.match(approvedMail.text ?? '', /approved and active/)
  await office.context.close()
  await customer.context.close()
})

test('a card the sandbox declines gets a plain message, and another card then goes through', async () => {
  const office = await newPage()
  await logIn(office.page)
  await buildAndSendQuote(office.page, 'Alan <i>Turing</i>')
  await office.context.close()
  const link = await signupLinkFor('alan@example.com')

  const { context, page } = await newPage({ width: 390, height: 844 })
  await page.goto(link)
  // HTML typed into a name is shown as text, never run or rendered.
  await page.getByText('Prepared for Alan <i>Turing</i>').waitFor()
  assert.equal(await page.locator('.signup-header i').count(), 0)
  await page.getByRole('radio', { name: 'Option 1: Comfort Club', exact: true }).check()
  await typeCard(page, '4387751111111038')
  await page.getByLabel('Your full name').fill('Alan Turing')
  await page.getByLabel(/I have read and agree/).check()
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  await page.getByRole('alert').filter({ hasText: 'Your bank declined the card. Please try another card or call your bank.' }).waitFor()
  assert.equal(await page.getByText(/Card details received/).count(), 0, 'the declined card is forgotten')
  await typeCard(page, '5454545454545454')
  await page.getByRole('button', { name: 'Sign and submit' }).click()
  await page.getByRole('heading', { name: 'Thank you, you are signed up' }).waitFor()
  await context.close()
  const agreements = await t.deps.db.selectFrom('agreements as a').innerJoin('customers as c', 'c.id', 'a.customerId').select(['a.status']).where('c.name', '=', 'Alan <i>Turing</i>').execute()
  assert.deepEqual(agreements, [{ status: 'pending_approval' }])
})

test('a wrong link gets a clear page, not a stack trace', async () => {
  const { context, page } = await newPage({ width: 390, height: 844 })
  await page.goto(`${t.url}/q/${'x'.repeat(43)}`)
  await page.getByRole('heading', { name: 'This link is not valid' }).waitFor()
  assert.ok(!(await page.content()).includes('Error:'))
  await context.close()
})
