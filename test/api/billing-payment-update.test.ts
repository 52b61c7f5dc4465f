/**
 * The customer's payment-update page (/pay/<token>) through the API, against the CardPointe
 * sandbox: a card put on file there is stored with its brand, as a sign-up stores it, so the
 * office, the receipt and the invoice say "Mastercard ending 5454", not "Card ending 5454".
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'

let h: SandboxHarness
let t: TestApp
let s: BillingApi
const now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, t } = s = await startBillingApi(() => now)))
after(() => s.close())

/**
 * A customer with no card on file and a monthly agreement of `amountCents` from Mar 1, billed on
 * Mar 15: its invoice failed and the customer was e-mailed the secure link, whose token is returned.
 */
async function failedWithLink(name: string, email: string, amountCents: number) {
  const deps = t.deps
  const c = await aCustomer(deps, name, email)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-01', lines: monthly(amountCents) })
  await (await startBillingRun(deps, { through: '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  const inv = await deps.db.selectFrom('invoices').select(['id', 'status']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
  const notice = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'billing.payment_failed').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  return { deps, agr, inv, token: /\/pay\/([A-Za-z0-9_-]{43})/.exec(notice.textBody)![1]! }
}

test('a card saved on the payment-update page is stored with its brand, and the receipt names it', async () => {
  // No card on file: the invoice fails and the customer is emailed the secure link.
  const { deps, agr, inv, token } = await failedWithLink('Mia Newcard', 'mia@example.com', 4200)
  assert.equal(inv.status, 'failed')

  const submit = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: await h.tokenize('5454545454545454'), expiry: '1230' }, name: 'Mia Newcard' } })
  assert.equal(submit.statusCode, 200, submit.body)
  assert.deepEqual([submit.json().stored, submit.json().paid], [true, true])
  // The invoice's history shows the charge the customer's new card asked for.
  const history = (await t.app.inject({ method: 'GET', url: `/api/billing/invoices/${inv.id}`, headers: s.office })).json().history
  assert.deepEqual(history.filter((e: { action: string }) => e.action === 'invoice.charge_requested').map((e: { details: unknown }) => e.details), [{ source: 'customer' }])

  const agreement = await deps.db.selectFrom('agreements').select('paymentMethodId').where('id', '=', agr).executeTakeFirstOrThrow()
  const stored = await deps.db.selectFrom('paymentMethods').select(['brand', 'last4', 'expiry']).where('id', '=', agreement.paymentMethodId!).executeTakeFirstOrThrow()
  assert.deepEqual(stored, { brand: 'MC', last4: '5454', expiry: '1230' })
  const receipt = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'billing.receipt').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  assert.match(receipt.textBody, /paid with Mastercard ending 5454 on /)
})

test('a bank account on the payment-update page: a mistyped routing number is a 422 naming it, a good one is stored as the sign-up stores it and pays', async () => {
  const { deps, agr, inv, token } = await failedWithLink('Bo Bank', 'bo@example.com', 4200)
  const account = { kind: 'ach', routingNumber: '021000012', accountNumber: '000123456789', accountType: 'checking', holderName: 'Bo Bank' }

  const bad = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: account } })
  assert.equal(bad.statusCode, 422, bad.body)
  assert.deepEqual(bad.json().error.details.fields, { 'paymentMethod.routingNumber': 'is not valid: check its 9 digits (bottom left of a check)' })
  assert.equal((await deps.db.selectFrom('agreements').select('paymentMethodId').where('id', '=', agr).executeTakeFirstOrThrow()).paymentMethodId, null, 'nothing changed')

  const ok = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { ...account, routingNumber: '021000021' } } })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.deepEqual([ok.json().paid, ok.json().message], [true, 'Thank you: your bank account is on file and the payment went through.'])
  const agreement = await deps.db.selectFrom('agreements').select('paymentMethodId').where('id', '=', agr).executeTakeFirstOrThrow()
  const pm = await deps.db.selectFrom('paymentMethods').selectAll().where('id', '=', agreement.paymentMethodId!).executeTakeFirstOrThrow()
  assert.deepEqual([pm.kind, pm.last4, pm.accountType, pm.holderName, pm.brand], ['ach', '6789', 'ECHK', 'Bo Bank', null])
  assert.ok(!JSON.stringify(pm).includes('000123456789'), 'only the last four are kept')
  assert.equal((await deps.db.selectFrom('invoices').select('status').where('id', '=', inv.id).executeTakeFirstOrThrow()).status, 'paid')
  const receipt = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'billing.receipt').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  assert.match(receipt.textBody, /paid with bank account ending 6789 on /)
})

test('a card that is stored but declined on the payment-update page: the customer and the office are told nothing was paid', async () => {
  // $1,116.00: the sandbox declines the charge (insufficient funds); the card's $0 verification passes.
  const { deps, agr, inv, token } = await failedWithLink('Dora Declined', 'dora@example.com', 111600)

  const submit = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: await h.tokenize('4111111111111111'), expiry: '1230' }, name: 'Dora Declined' } })
  assert.equal(submit.statusCode, 200, submit.body)
  assert.deepEqual(submit.json(), { stored: true, charged: 1, paid: false, message: 'Your card is on file, but the payment did not go through yet; we will contact you.' })
  assert.equal((await deps.db.selectFrom('invoices').select('status').where('id', '=', inv.id).executeTakeFirstOrThrow()).status, 'failed')
  const told = await deps.db.selectFrom('notifications').select(['title', 'body']).where('kind', '=', 'billing.card_updated').where('link', '=', `/agreements/${agr}`).execute()
  assert.equal(told.length, 1)
  assert.match(told[0]!.title, /^Dora Declined updated their card \(agreement #\d+\)$/, 'no "and paid $0.00"')
  assert.equal(told[0]!.body, 'A charge on the new card did not go through; the invoice is listed under failed payments.')
})
