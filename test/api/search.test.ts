/**
 * The global search (GET /api/search?q=), both databases: customers by name, e-mail, phone (as typed
 * or its digits) and address; agreements by number and name and through their customer; invoices and
 * quotes by number ("1001", "#1001", "Q-1001") and through their customer; LIKE's wildcards taken
 * literally; a few of each kind; a 422 naming `q` for an empty search.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newId } from '../../src/domain/ids.ts'
import { createCustomer } from '../../src/services/customers/manage-customers.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { quoteBody } from '../helpers/quote-fixtures.ts'

let t: TestApp
let h: Record<string, string>
before(async () => {
  t = await startTestApp()
  h = await loginHeaders(t.app, await t.addUser('office'))
})
after(() => t.close())

const search = async (q: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent(q)}`, headers: h })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}
const titles = (hits: { title: string }[]) => hits.map((x) => x.title)

test('customers, agreements, invoices and quotes by name, number, e-mail, phone and address', async () => {
  const customer = async (name: string, email: string, phone: string, line1: string, city: string) => {
    const c = await createCustomer(t.deps, {
      name, notes: '',
      locations: [{ label: 'Home', line1, line2: '', city, region: 'OR', postalCode: '97201', country: 'US', accessNotes: '' }],
      contacts: [{ name, email, phone, isPrimary: true }],
    }, null)
    return { id: c.id, locationId: c.locations[0]!.id, email }
  }
  const ann = await customer('Annabel Lee', 'annabel@poe.example', '(503) 555-0142', '742 Evergreen Terrace', 'Portland')
  const bob = await customer('Bob 100% Pure_Water', 'bob@water.example', '503-555-0199', '1 Main St', 'Salem')
  const db = t.deps.db
  const agreement = await anAgreement(db, { customerId: ann.id, locationId: ann.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(4200), name: 'Comfort Club' })
  const number = (await db.selectFrom('agreements').select('number').where('id', '=', agreement).executeTakeFirstOrThrow()).number
  await anAgreement(db, { customerId: bob.id, locationId: bob.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(1000), name: 'Filter Club' })
  const invoiceId = newId('inv')
  await db.insertInto('invoices').values({
    id: invoiceId, agreementId: agreement, customerId: ann.id, runId: null, periodIndex: 1, periodStart: '2026-01-01', periodEnd: '2026-02-01', lines: '[]',
    subtotalCents: 4200, taxCents: 0, totalCents: 4200, paidCents: 0, status: 'failed', failureCode: null, failureMessage: null, retryState: null, nextRetryDate: null, firstFailedAt: null, paidAt: null,
  }).execute()
  const invoiceNumber = (await db.selectFrom('invoices').select('number').where('id', '=', invoiceId).executeTakeFirstOrThrow()).number
  const quote = await t.app.inject({ method: 'POST', url: '/api/quotes', headers: h, payload: quoteBody(ann) })
  assert.equal(quote.statusCode, 201, quote.body)
  const quoteNumber = quote.json().number as number

  // By name: the customer, and their agreement, invoice and quote through them.
  const byName = await search('annabel')
  assert.deepEqual(byName.customers, [{ id: ann.id, title: 'Annabel Lee', detail: 'annabel@poe.example · (503) 555-0142 · 742 Evergreen Terrace, Portland', status: null, link: `/customers/${ann.id}` }])
  assert.deepEqual(byName.agreements, [{ id: agreement, title: `#${number} Comfort Club`, detail: 'Annabel Lee', status: 'active', link: `/agreements/${agreement}` }])
  assert.deepEqual(byName.invoices, [{ id: invoiceId, title: `Invoice ${invoiceNumber}`, detail: 'Annabel Lee · $42.00', status: 'failed', link: `/billing/invoices/${invoiceId}` }])
  assert.deepEqual(byName.quotes, [{ id: quote.json().id, title: `Q-${quoteNumber}`, detail: 'Annabel Lee', status: 'draft', link: `/quotes/${quote.json().id}` }])
  // E-mail, phone as typed and as digits, address, city.
  for (const q of ['POE.example', '(503) 555-0142', '5035550142', '555 0142', 'evergreen terr', 'portland']) assert.deepEqual(titles((await search(q)).customers), ['Annabel Lee'], q)
  assert.deepEqual(titles((await search('503')).customers), ['Annabel Lee', 'Bob 100% Pure_Water'], 'both phones')
  // Numbers find the record itself.
  assert.deepEqual(titles((await search(`#${number}`)).agreements), [`#${number} Comfort Club`])
  assert.deepEqual(titles((await search(String(invoiceNumber))).invoices), [`Invoice ${invoiceNumber}`])
  assert.deepEqual(titles((await search(`Q-${quoteNumber}`)).quotes), [`Q-${quoteNumber}`])
  // An agreement by its own name.
  const filter = await search('filter club')
  assert.deepEqual([titles(filter.agreements), filter.customers], [[`#${number + 1} Filter Club`], []])
  // LIKE's wildcards are literal: "%" and "_" match only themselves.
  assert.deepEqual(titles((await search('100%')).customers), ['Bob 100% Pure_Water'])
  assert.deepEqual(titles((await search('pur__water')).customers), [])
  assert.deepEqual(titles((await search('%')).customers), ['Bob 100% Pure_Water'])
  // Nothing found: every kind empty.
  assert.deepEqual(await search('zzzz'), { q: 'zzzz', customers: [], agreements: [], invoices: [], quotes: [] })
})

test('a few of each kind at most', async () => {
  for (let i = 0; i < 7; i++) await createCustomer(t.deps, { name: `Many Smith ${i}`, notes: '', locations: [], contacts: [] }, null)
  assert.equal((await search('many smith')).customers.length, 5)
})

test('an empty or over-long search is a 422 naming q', async () => {
  for (const q of ['', '%20%20', 'x'.repeat(201)]) {
    const res = await t.app.inject({ method: 'GET', url: `/api/search?q=${q}`, headers: h })
    assert.equal(res.statusCode, 422, q)
    assert.ok(res.json().error.details.fields.q, res.body)
  }
})
