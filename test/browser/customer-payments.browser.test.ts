/**
 * Failed payments from the office's and the customer's side in Chromium (issue 13): the bell's
 * notifications lead to the next step and stop asking once it is done; a suspended agreement
 * whose customer has paid says it can be reactivated. At 1366 px and at a 390 px phone.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { TestApp } from '../helpers/test-app.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { notifyOffice } from '../../src/services/notifications/notifications.ts'
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

/** The company's date (New York in tests): what runs bill through and previews show. */
const today = () => localDate(new Date(), 'America/New_York')
const WIDTHS = [1366, 390] as const

/** No element of the page reaches past the viewport's right edge (the page never scrolls sideways). */
async function assertFitsWidth(page: Page, width: number) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at ${width}px`)
}

/** A customer with no card on file whose agreement is suspended by its failed first bill; returns the pay link's path. */
async function suspendedByFailure(name: string, email: string) {
  const deps = t.deps
  await updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), suspendOnFailure: true }, null)
  const c = await aCustomer(deps, name, email)
  const agreementId = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: today(), lines: monthly(4200), name: `${name} plan` })
  await (await startBillingRun(deps, { through: today(), actor: null, settleWindowMs: 1000 })).done
  await updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), suspendOnFailure: false }, null)
  const inv = await deps.db.selectFrom('invoices').select(['id', 'number']).where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
  const mail = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'billing.payment_failed').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  return { customerId: c.id, agreementId, invoice: inv, payPath: /\/pay\/[A-Za-z0-9_-]{43}/.exec(mail.textBody)![0] }
}

for (const width of WIDTHS) {
  test(`notifications lead to the next step and stop asking once done; a paid-up suspended agreement offers Reactivate (${width}px)`, async () => {
    const deps = t.deps
    const s = await suspendedByFailure(`Rhea Ready ${width}`, `rhea${width}@example.com`)
    // The customer pays with a new card (the pay page itself is tested below).
    const token = s.payPath.split('/').pop()!
    const paid = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: await h.tokenize('4788250000121443'), expiry: '1230' }, name: 'Rhea Ready' } })
    assert.equal(paid.json().paid, true, paid.body)
    // A sign-up waiting for approval.
    const p = await aCustomer(deps, `Pete Pending ${width}`, `pete${width}@example.com`)
    const card = await aCard(deps.db, deps.gateway, h.tokenize, p.id)
    const pending = await anAgreement(deps.db, { customerId: p.id, locationId: p.locationId, paymentMethodId: card, startDate: today(), lines: monthly(3000), status: 'pending_approval' })
    await notifyOffice(deps.db, { kind: 'agreement.pending_approval', title: `Pete Pending ${width} signed up: agreement #77`, link: `/agreements/${pending}` })

    const page = await office.newPage()
    await page.setViewportSize({ width, height: 900 })
    await office.logIn(page, office.officeEmail, '/notifications')
    await page.getByRole('heading', { name: 'Notifications' }).waitFor()
    const item = (text: RegExp) => page.getByRole('listitem').filter({ hasText: text })
    const ready = item(new RegExp(`Rhea Ready ${width} updated their card and paid \\$42\\.00: agreement #\\d+ can be reactivated`))
    await ready.waitFor()
    await item(new RegExp(`Payment failed, agreement suspended: Rhea Ready ${width}`)).getByRole('button', { name: 'Reactivate', exact: true }).waitFor()
    const signup = item(new RegExp(`Pete Pending ${width} signed up`))
    await signup.getByRole('button', { name: 'Approve or reject' }).waitFor()
    await assertFitsWidth(page, width)

    // The sign-up: approved from its page, the notification no longer asks.
    await signup.getByRole('button', { name: 'Approve or reject' }).click()
    await page.getByRole('heading', { name: /Agreement #\d+/ }).waitFor()
    await page.getByRole('button', { name: 'Approve' }).click()
    await page.getByText(/approved: it is active/).waitFor()
    await page.goto(`${t.url}/notifications`)
    await signup.getByText('Approved', { exact: true }).waitFor()
    assert.equal(await signup.getByRole('button', { name: 'Approve or reject' }).count(), 0)
    assert.doesNotMatch(await signup.innerText(), /to approve/i)

    // The paid-up suspended agreement: its page says it can be reactivated, with the button in view.
    await ready.getByRole('button', { name: 'Reactivate', exact: true }).click()
    const next = page.getByRole('alert', { name: 'Next step' }).or(page.locator('[aria-label="Next step"]'))
    await next.getByText('Paid up: this agreement can be reactivated').waitFor()
    const button = next.getByRole('button', { name: 'Reactivate agreement' })
    const box = (await button.boundingBox())!
    assert.ok(box.x >= 0 && box.x + box.width <= width, `the Reactivate button is inside the ${width}px viewport`)
    await assertFitsWidth(page, width)
    await button.click()
    await page.getByText(/reactivated with its work orders/).waitFor()
    const status = await deps.db.selectFrom('agreements').select('status').where('id', '=', s.agreementId).executeTakeFirstOrThrow()
    assert.equal(status.status, 'active')
    await page.goto(`${t.url}/notifications`)
    await ready.getByText('Reactivated', { exact: true }).waitFor()
    assert.equal(await ready.getByRole('button', { name: 'Reactivate', exact: true }).count(), 0)
    await page.context().close()
  })
}

test('the office sends the payment link by hand from the failed payment, once however often it is asked; the agreement page says it went', async () => {
  const deps = t.deps
  const s = await suspendedByFailure('Lou Link', 'lou@example.com')
  const links = async () => (await deps.db.selectFrom('emailOutbox').select('id').where('kind', '=', 'billing.payment_failed').where('relatedId', '=', s.invoice.id).execute()).length
  assert.equal(await links(), 1, 'the automatic notice')
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/billing/failed')
  const row = page.getByRole('row', { name: /Lou Link/ })
  await row.getByRole('button', { name: 'Send payment link' }).click()
  assert.equal(await links(), 1, 'nothing is sent before the office confirms')
  await page.getByText('Email the customer a secure link to put a new card or bank account on file and pay $42.00?').waitFor()
  await page.getByRole('button', { name: 'Send link' }).dblclick()
  await page.getByText(`Payment link for invoice ${s.invoice.number} sent to lou@example.com.`).waitFor()
  assert.equal(await links(), 2, 'one more email for a double click')

  // From the agreement: a second request within minutes sends nothing and says when the link went.
  await page.goto(`${t.url}/agreements/${s.agreementId}`)
  const next = page.locator('[aria-label="Next step"]')
  await next.getByText(`Suspended until invoice ${s.invoice.number} ($42.00) is paid`).waitFor()
  await next.getByRole('button', { name: 'Send payment link' }).click()
  await page.getByRole('button', { name: 'Send link' }).click()
  await page.getByText(new RegExp(`A payment link for invoice ${s.invoice.number} went to lou@example\\.com at .*; not sent again\\.`)).waitFor()
  assert.equal(await links(), 2)
  await page.getByRole('listitem').filter({ hasText: /Payment link sent to the customer by / }).waitFor()
  await page.context().close()
})

/** Enters a card in the sandbox's iFrame tokenizer on the customer's page. */
async function enterCard(page: Page, pan: string) {
  const frame = page.frameLocator('iframe[title="Card details"]')
  await frame.locator('#ccnumfield').pressSequentially(pan)
  await frame.locator('#ccexpirymonth').selectOption('12')
  await frame.locator('#ccexpiryyear').selectOption(String(new Date().getFullYear() + 3))
  await frame.locator('#cccvvfield').pressSequentially('123')
}

test('after the customer updates their card, the agreement reads "Mastercard ending 5454" and its trail says so in words', async () => {
  const s = await suspendedByFailure('Mae Mastercard', 'mae@example.com')
  const customer = await office.newPage()
  await customer.goto(`${t.url}${s.payPath}`)
  await enterCard(customer, '5454545454545454')
  await customer.getByText(/Card details received \(ending 5454\)/).waitFor()
  await customer.getByLabel(/Name on the card/).fill('Mae Mastercard')
  await customer.getByRole('button', { name: /^Save card and pay/ }).click()
  await customer.getByText('Thank you: your card is on file and the payment went through.').waitFor()
  await customer.context().close()

  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, `/agreements/${s.agreementId}`)
  await page.getByText(/^Mastercard ending 5454, expires 12\//).waitFor()
  const trail = page.locator('ul.history')
  await trail.getByText(/Payment method updated by the customer/).waitFor()
  await trail.getByText(/Suspended by the system: Payment failed/).waitFor()
  assert.doesNotMatch(await trail.innerText(), /\b[a-z_]+\.[a-z_]+\b/, 'no raw event keys')
  await page.context().close()
})

for (const width of WIDTHS) {
  test(`the update-payment page: a summary of what is owed, the name field and the card iFrame in one column, and the sign-up's bank-account option with its checks (${width}px)`, async () => {
    const s = await suspendedByFailure(`Gia Geometry ${width}`, `gia${width}@example.com`)
    const page = await office.newPage()
    await page.setViewportSize({ width, height: 900 })
    await page.goto(`${t.url}${s.payPath}`)
    const summary = page.getByRole('region', { name: 'Summary' })
    await summary.getByText('$42.00').waitFor()
    await summary.getByText(`Gia Geometry ${width} plan`).waitFor()
    await summary.getByText(String(s.invoice.number), { exact: true }).waitFor()
    const name = page.getByLabel('Name on the card')
    const frame = page.locator('iframe[title="Card details"]')
    await frame.waitFor()
    const [n, f, main] = [(await name.boundingBox())!, (await frame.boundingBox())!, (await page.locator('main').boundingBox())!]
    // One column: the name field above the iFrame, both starting at the same left edge, neither squeezed.
    assert.ok(n.y + n.height <= f.y, `the name field (bottom ${n.y + n.height}) is above the card iFrame (top ${f.y})`)
    assert.ok(Math.abs(n.x - f.x) <= 2, `the name field (x ${n.x}) and the iFrame (x ${f.x}) line up`)
    assert.ok(n.width >= Math.min(300, width - 80), `the name field is not squeezed (${n.width}px)`)
    assert.ok(f.width >= Math.min(300, width - 80) && f.height >= 150, `the iFrame is usable (${f.width}×${f.height})`)
    assert.ok(f.x >= main.x && f.x + f.width <= main.x + main.width + 1, 'the iFrame stays inside the page')
    await assertFitsWidth(page, width)

    // A bank account instead: a mistyped routing number and a differing confirmation are caught before anything is sent.
    const posts: string[] = []
    page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())))
    await page.getByRole('radio', { name: 'Bank account (ACH)' }).check()
    await page.getByLabel('Account holder name').fill(`Gia Geometry ${width}`)
    await page.getByLabel('Routing number').fill('021000012')
    await page.getByLabel('Account number', { exact: true }).fill('000123456789')
    await page.getByLabel('Confirm account number').fill('000123456780')
    await assertFitsWidth(page, width)
    const save = page.getByRole('button', { name: 'Save bank account and pay $42.00' })
    await save.click()
    const routing = page.getByText('Routing number is not valid: check its 9 digits (bottom left of a check)')
    await routing.waitFor()
    await page.getByText('Confirm account number does not match the account number').waitFor()
    assert.deepEqual(posts, [], 'nothing is sent while the page can see a mistake')
    await page.getByLabel('Routing number').fill('021000021')
    await routing.waitFor({ state: 'detached' })
    await page.getByLabel('Confirm account number').fill('000123456789')
    await save.click()
    await page.getByText('Thank you: your bank account is on file and the payment went through.').waitFor()
    const agreement = await t.deps.db.selectFrom('agreements').select('paymentMethodId').where('id', '=', s.agreementId).executeTakeFirstOrThrow()
    const pm = await t.deps.db.selectFrom('paymentMethods').select(['kind', 'last4', 'holderName']).where('id', '=', agreement.paymentMethodId!).executeTakeFirstOrThrow()
    assert.deepEqual(pm, { kind: 'ach', last4: '6789', holderName: `Gia Geometry ${width}` })
    await page.context().close()
  })
}
