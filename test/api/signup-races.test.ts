/**
 * The sign-up page's guards against a second submit (double click, another tab, another server),
 * each on its own: a submit made while another holds the link waits for it and answers with the
 * retry message when the first did not go through, or "still being processed" when the first is
 * still at it after the wait; and the unique index on agreements.quote_id, the final guard, turns
 * an agreement made by someone else meanwhile into the accepted page (no 500, nothing doubled).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { newId } from '../../src/domain/ids.ts'
import { hashSignupToken } from '../../src/domain/signup-token.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer, quoteBody, tokenFrom, type TestCustomer } from '../helpers/quote-fixtures.ts'

let t: TestApp
let sandbox: SandboxHarness
let h: Record<string, string>
let customer: TestCustomer

before(async () => {
  sandbox = await startHarness()
  t = await startTestApp({ gateway: sandbox.gateway, gatewayBrowserUrl: sandbox.sandbox.url })
  h = await loginHeaders(t.app, await t.addUser('office'))
  customer = await createCustomer(t.app, h, 'Sam Signup', 'sam@example.com')
})
after(async () => {
  await t.close()
  await sandbox.close()
})

const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = h) =>
  t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })

async function sentQuote(): Promise<{ id: string; token: string; optionId: string }> {
  const created = await call('POST', '/api/quotes', quoteBody(customer))
  assert.equal(created.statusCode, 201, created.body)
  const id = created.json().id
  assert.equal((await call('POST', `/api/quotes/${id}/send`, {})).statusCode, 200)
  const mail = await t.deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', id).orderBy('createdAt', 'desc').executeTakeFirstOrThrow()
  const token = tokenFrom(mail.textBody)
  const view = (await call('GET', `/api/signup/${token}`, undefined, {})).json()
  return { id, token, optionId: view.revision.options[0].id }
}
const accept = async (token: string, optionId: string, number: string) =>
  call('POST', `/api/signup/${token}/accept`, { optionId, signerName: 'Sam', consent: true, paymentMethod: { kind: 'card', token: await sandbox.tokenize(number), expiry: '1230' } }, {})
const rows = async (table: 'agreements' | 'quoteSignatures', quoteId: string) => (await t.deps.db.selectFrom(table).select('id').where('quoteId', '=', quoteId).execute()).length
const link = (token: string) => t.deps.db.selectFrom('quoteLinks').select(['processingUntil', 'usedAt']).where('tokenHash', '=', hashSignupToken(token)).executeTakeFirstOrThrow()

test('a second submit while the first is at the gateway: the first is declined, so the second is told to try again', async () => {
  const { id, token, optionId } = await sentQuote()
  const verifications = (await sandbox.ledger()).length
  // The gateway takes its time, so the second submit arrives while the first holds the link.
  await sandbox.faults({ latencyMs: 1500, endpoints: ['auth'] })
  try {
    const first = accept(token, optionId, '4387751111111038') // declined
    await waitFor(async () => (await link(token)).processingUntil !== null)
    const second = await accept(token, optionId, '4111111111111111')
    const declined = await first
    assert.equal(declined.statusCode, 422, declined.body)
    assert.equal(declined.json().error.code, 'payment_declined')
    assert.equal(second.statusCode, 409, second.body)
    assert.equal(second.json().error.code, 'signup_retry')
  } finally {
    await sandbox.faults({ reset: true })
  }
  assert.equal((await sandbox.ledger()).length - verifications, 1, 'the second submit never reached the gateway')
  assert.equal(await rows('agreements', id), 0)
  assert.equal((await link(token)).processingUntil, null, 'the link is free again')
  const third = await accept(token, optionId, '4111111111111111')
  assert.equal(third.statusCode, 200, third.body)
  assert.equal(third.json().state, 'accepted')
})

test('a second submit while another request holds the link past the wait: 409 "still being processed", nothing charged or stored', async () => {
  const { id, token, optionId } = await sentQuote()
  // Another server's request holds the link (its lease runs for 90 s) and does not finish in the 20 s we wait.
  const held = new Date(Date.now() + 90_000)
  await t.deps.db.updateTable('quoteLinks').set({ processingUntil: held }).where('tokenHash', '=', hashSignupToken(token)).execute()
  const verifications = (await sandbox.ledger()).length
  const started = Date.now()
  const res = await accept(token, optionId, '4111111111111111')
  assert.equal(res.statusCode, 409, res.body)
  assert.equal(res.json().error.code, 'signup_in_progress')
  assert.ok(Date.now() - started >= 19_000, 'it waited for the other request first')
  assert.equal((await sandbox.ledger()).length, verifications)
  assert.equal(await rows('agreements', id), 0)
  assert.equal((await link(token)).processingUntil?.getTime(), held.getTime(), 'the other request keeps its lease')
})

test("an agreement made for the quote meanwhile (the unique index's fallback): the accepted page, nothing doubled, the link released", async () => {
  const { id, token, optionId } = await sentQuote()
  // Someone else's transaction made this quote's agreement after our request took the link
  // (e.g. a request whose 90 s lease ran out at a slow gateway): the unique index refuses ours.
  const quote = await t.deps.db.selectFrom('quotes').select(['customerId']).where('id', '=', id).executeTakeFirstOrThrow()
  await t.deps.db
    .insertInto('agreements')
    .values({
      id: newId('agr'), customerId: quote.customerId, locationId: customer.locationId, quoteId: id, planId: null, name: 'Made elsewhere', status: 'pending_approval',
      billingIntervalMonths: 1, startDate: '2027-01-01', termMonths: null, endDate: null, lines: JSON.stringify([]), paymentMethodId: null, approvedAt: null, approvedBy: null, closedAt: null,
    })
    .execute()
  const res = await accept(token, optionId, '4111111111111111')
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(await rows('agreements', id), 1, 'one agreement per quote')
  assert.equal(await rows('quoteSignatures', id), 0, 'the refused transaction stored nothing')
  assert.equal((await link(token)).processingUntil, null, 'the link is released')
})

async function waitFor(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 20))
  }
}
