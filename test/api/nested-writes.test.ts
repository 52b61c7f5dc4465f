// No write reaches a row of another customer or quote through ids sent in a form (issue 9, item 2),
// over HTTP against the running app. Every nested write from input, checked:
// - a customer's locations and contacts (ids allowed, must be the customer's own: db/child-rows.ts);
// - a quote's options and their lines (replaced per quote and revision; ids sent are not used);
// - a quote's and a visit's location (must be the customer's);
// - the agreement made from a sign-up (its option must be one of the link's own revision).
// Plans have no child rows; a technician's hours, days off and skills are values on the profile.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'
import { quoteBody, tokenFrom, type TestCustomer } from '../helpers/quote-fixtures.ts'

let t: TestApp
let headers: Record<string, string>
before(async () => {
  t = await startTestApp({ listen: true })
  const email = await t.addUser('office')
  const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) })
  assert.equal(res.status, 200)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sb_session='))!.split(';')[0]!
  headers = { cookie, 'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken, 'content-type': 'application/json' }
})
after(() => t.close())

async function call(method: string, path: string, body?: unknown, as: Record<string, string> = headers) {
  const res = await fetch(`${t.url}${path}`, { method, headers: as, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null, text }
}
const count = async (table: 'customers' | 'quotes' | 'quoteOptions' | 'agreements' | 'quoteSignatures' | 'paymentMethods' | 'workOrders' | 'auditEvents') =>
  Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
const location = (over: Record<string, unknown> = {}) => ({ label: 'Home', line1: '12 Elm Street', city: 'Springfield', region: 'IL', postalCode: '62701', ...over })

async function aCustomer(name: string) {
  const res = await call('POST', '/api/customers', { name, locations: [location()], contacts: [{ name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, isPrimary: true }] })
  assert.equal(res.status, 201, res.text)
  return res.body as { id: string; locations: { id: string }[]; contacts: { id: string }[] }
}
const asTestCustomer = (c: { id: string; locations: { id: string }[] }): TestCustomer => ({ id: c.id, locationId: c.locations[0]!.id, email: '' })

test("creating or editing a customer never writes another customer's location or contact", async () => {
  const a = await aCustomer('Alice Victim')
  const aBefore = (await call('GET', `/api/customers/${a.id}`)).body
  const stolen = {
    locations: [location({ id: a.locations[0]!.id, line1: '666 Attacker Road' })],
    contacts: [{ id: a.contacts[0]!.id, name: 'Mallory', email: 'mallory@example.com' }],
  }
  const customers = await count('customers')
  const created = await call('POST', '/api/customers', { name: 'Mallory Attacker', ...stolen })
  assert.equal(created.status, 422, created.text)
  assert.match(created.body.error.details.fields['locations.0.id'], /is not one of this customer's locations/)
  assert.match(created.body.error.details.fields['contacts.0.id'], /is not one of this customer's contacts/)
  assert.equal(await count('customers'), customers, 'no customer created')

  const b = await aCustomer('Bob Attacker')
  const edited = await call('PUT', `/api/customers/${b.id}`, { name: 'Bob Attacker', ...stolen })
  assert.equal(edited.status, 422, edited.text)
  assert.ok(edited.body.error.details.fields['locations.0.id'] && edited.body.error.details.fields['contacts.0.id'], edited.text)
  assert.deepEqual((await call('GET', `/api/customers/${b.id}`)).body, b, 'B unchanged too')

  assert.deepEqual((await call('GET', `/api/customers/${a.id}`)).body, aBefore, "A's address and contact unchanged")
  assert.deepEqual((await call('GET', `/api/customers/${a.id}/history`)).body.items.map((e: { action: string }) => e.action), ['customer.created'])
})

test("a quote's options and lines are its own: option ids sent on create or edit reach no other quote", async () => {
  const a = asTestCustomer(await aCustomer('Ann Quoted'))
  const b = asTestCustomer(await aCustomer('Ben Quoting'))
  const qa = await call('POST', '/api/quotes', quoteBody(a))
  assert.equal(qa.status, 201, qa.text)
  const aOptionIds = qa.body.revision.options.map((o: { id: string }) => o.id)
  const withStolenIds = (c: TestCustomer, name: string) => {
    const body = quoteBody(c)
    return { ...body, options: body.options.map((o, i) => ({ ...o, id: aOptionIds[i], quoteId: qa.body.id, revision: 1, name: `${name} ${i}`, priceCents: 1 })) }
  }
  const options = await count('quoteOptions')
  const qb = await call('POST', '/api/quotes', withStolenIds(b, 'Stolen'))
  assert.equal(qb.status, 201, qb.text)
  assert.equal(qb.body.customerId, b.id)
  assert.deepEqual(qb.body.revision.options.map((o: { name: string }) => o.name), ['Stolen 0', 'Stolen 1'])
  assert.ok(qb.body.revision.options.every((o: { id: string }) => !aOptionIds.includes(o.id)), 'new rows, not the ids sent')
  assert.equal(await count('quoteOptions'), options + 2)

  const edited = await call('PUT', `/api/quotes/${qb.body.id}`, withStolenIds(b, 'Edited'))
  assert.equal(edited.status, 200, edited.text)
  assert.deepEqual(edited.body.revision.options.map((o: { name: string }) => o.name), ['Edited 0', 'Edited 1'])
  assert.equal(await count('quoteOptions'), options + 2, "B's options replaced, none added or taken")

  // Moving B's quote to A, or pointing it at A's address, is refused.
  const moved = await call('PUT', `/api/quotes/${qb.body.id}`, { ...quoteBody(a) })
  assert.equal(moved.status, 422, moved.text)
  assert.ok(moved.body.error.details.fields.customerId)
  const foreignAddress = await call('POST', '/api/quotes', quoteBody(b, { locationId: a.locationId }))
  assert.equal(foreignAddress.status, 422, foreignAddress.text)
  assert.ok(foreignAddress.body.error.details.fields.locationId)

  const qaAfter = (await call('GET', `/api/quotes/${qa.body.id}`)).body
  assert.deepEqual(qaAfter.revision.options, qa.body.revision.options, "A's options and lines unchanged")
  assert.equal(qaAfter.customerId, a.id)
})

test("a visit is only booked at one of its customer's own locations", async () => {
  const a = asTestCustomer(await aCustomer('Amy Visited'))
  const b = asTestCustomer(await aCustomer('Bea Visiting'))
  const visits = await count('workOrders')
  const res = await call('POST', '/api/visits', { customerId: b.id, locationId: a.locationId, description: 'Furnace tune-up', windowStart: '2027-04-12', windowEnd: '2027-04-16' })
  assert.equal(res.status, 422, res.text)
  assert.equal(res.body.error.details.fields.locationId, "is not one of this customer's locations")
  assert.equal(await count('workOrders'), visits)
})

test("a sign-up link makes an agreement only from its own quote's options: another quote's option is refused", async () => {
  const a = asTestCustomer(await aCustomer('Ava Signer'))
  const b = asTestCustomer(await aCustomer('Bo Signer'))
  const sent = async (c: TestCustomer) => {
    const q = await call('POST', '/api/quotes', quoteBody(c))
    assert.equal(q.status, 201, q.text)
    assert.equal((await call('POST', `/api/quotes/${q.body.id}/send`, {})).status, 200)
    const mail = await t.deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', q.body.id).executeTakeFirstOrThrow()
    return { quote: q.body, token: tokenFrom(mail.textBody) }
  }
  const qa = await sent(a)
  const qb = await sent(b)
  const before = await Promise.all((['agreements', 'quoteSignatures', 'paymentMethods'] as const).map(count))
  const json = { 'content-type': 'application/json' }
  const res = await call('POST', `/api/signup/${qb.token}/accept`, {
    optionId: qa.quote.revision.options[0].id, signerName: 'Bo Signer', consent: true, paymentMethod: { kind: 'card', token: '9418594164541111', expiry: '1230' },
  }, json)
  assert.equal(res.status, 422, res.text)
  assert.equal(res.body.error.details.fields.optionId, 'is not one of the options of this quote')
  assert.deepEqual(await Promise.all((['agreements', 'quoteSignatures', 'paymentMethods'] as const).map(count)), before, 'nothing written')
  for (const q of [qa, qb]) assert.equal((await call('GET', `/api/signup/${q.token}`, undefined, json)).body.state, 'open')
})
