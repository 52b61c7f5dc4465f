import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
let h: Record<string, string>
before(async () => {
  t = await startTestApp()
  h = await loginHeaders(t.app, await t.addUser('office'))
})
after(() => t.close())

const location = (over: Record<string, unknown> = {}) => ({
  label: 'Home',
  line1: '12 Elm Street',
  city: 'Springfield',
  region: 'il',
  postalCode: '62701',
  ...over,
})

async function post(url: string, payload: unknown) {
  return t.app.inject({ method: 'POST', url, headers: h, payload: payload as object })
}
async function get(url: string) {
  return t.app.inject({ method: 'GET', url, headers: h })
}
async function count() {
  return (await get('/api/customers?archived=false')).json().total + (await get('/api/customers?archived=true')).json().total
}

test('creates a customer with several locations and contacts, and reads it back', async () => {
  const res = await post('/api/customers', {
    name: '  Ada Lovelace ',
    companyName: 'Analytical Engines LLC',
    locations: [location(), location({ label: 'Cabin', line1: '1 Lake Road', city: 'Lakeview', postalCode: '49946-1234' })],
    contacts: [
      { name: 'Ada', email: 'ADA@Example.com', phone: '(555) 010-2000', isPrimary: true },
      { name: 'Charles', email: null, phone: '+1 555 010 3000' },
    ],
  })
  assert.equal(res.statusCode, 201)
  const created = res.json()
  assert.equal(created.name, 'Ada Lovelace')
  assert.equal(created.locations.length, 2)
  assert.equal(created.locations[0].region, 'IL')
  assert.equal(created.contacts[0].email, 'ada@example.com')
  const fetched = (await get(`/api/customers/${created.id}`)).json()
  assert.deepEqual(fetched, created)
  const history = (await get(`/api/customers/${created.id}/history`)).json()
  assert.equal(history.items[0].action, 'customer.created')
})

test('bad input gets 422 naming each bad field and changes nothing', async () => {
  const before = await count()
  const res = await post('/api/customers', {
    name: '',
    locations: [location({ postalCode: 'ABCDE', region: 'Illinois' })],
    contacts: [{ name: 'X', email: 'not-an-email' }],
  })
  assert.equal(res.statusCode, 422)
  const { error } = res.json()
  assert.equal(error.code, 'validation_failed')
  assert.deepEqual(Object.keys(error.details.fields).sort(), ['contacts.0.email', 'locations.0.postalCode', 'locations.0.region', 'name'])
  assert.match(error.details.fields['contacts.0.email'], /valid email/)
  assert.equal(await count(), before)
})

test('HTML in names is stored as text, unchanged', async () => {
  const name = '<script>alert("x")</script> & Sons'
  const res = await post('/api/customers', { name, locations: [location()] })
  assert.equal(res.statusCode, 201)
  assert.equal((await get(`/api/customers/${res.json().id}`)).json().name, name)
})

test('edit replaces fields; a location left out is archived, not deleted', async () => {
  const created = (await post('/api/customers', { name: 'Grace Hopper', locations: [location(), location({ label: 'Office', line1: '2 Navy Way' })] })).json()
  const keep = created.locations[0]
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/customers/${created.id}`,
    headers: h,
    payload: { name: 'Grace B. Hopper', locations: [{ ...keep, line1: '12 Elm St' }], contacts: [] },
  })
  assert.equal(res.statusCode, 200, res.body)
  const updated = res.json()
  assert.equal(updated.name, 'Grace B. Hopper')
  const active = updated.locations.filter((l: { archivedAt: string | null }) => !l.archivedAt)
  assert.equal(active.length, 1)
  assert.equal(active[0].id, keep.id)
  assert.equal(active[0].line1, '12 Elm St')
  assert.equal(updated.locations.length, 2, 'the dropped location is kept, archived')
  const history = (await get(`/api/customers/${created.id}/history`)).json().items.map((e: { action: string }) => e.action)
  assert.ok(history.includes('customer.updated'))
})

test('archive hides a customer from the default list; restore brings it back', async () => {
  const created = (await post('/api/customers', { name: 'Zed Archivable' })).json()
  assert.equal((await post(`/api/customers/${created.id}/archive`, { archived: true })).statusCode, 200)
  assert.equal((await get('/api/customers?q=Archivable')).json().total, 0)
  assert.equal((await get('/api/customers?q=Archivable&archived=true')).json().total, 1)
  assert.equal((await post(`/api/customers/${created.id}/archive`, { archived: false })).statusCode, 200)
  assert.equal((await get('/api/customers?q=Archivable')).json().total, 1)
  const bad = await post(`/api/customers/${created.id}/archive`, { archived: 'yes' })
  assert.equal(bad.statusCode, 422)
  assert.ok(bad.json().error.details.fields.archived)
})

test('search matches name, email, phone and address; results are paginated with a total', async () => {
  for (let i = 1; i <= 30; i++) {
    const res = await post('/api/customers', {
      name: `Pager Customer ${String(i).padStart(2, '0')}`,
      locations: [location({ line1: `${i} Maple Avenue`, city: i % 2 ? 'Oddtown' : 'Eventon' })],
      contacts: [{ name: 'C', email: `pager${i}@mail.test`, phone: `555-020-${String(1000 + i)}` }],
    })
    assert.equal(res.statusCode, 201)
  }
  const page1 = (await get('/api/customers?q=pager&pageSize=20')).json()
  assert.equal(page1.total, 30)
  assert.equal(page1.items.length, 20)
  const page2 = (await get('/api/customers?q=pager&pageSize=20&page=2')).json()
  assert.equal(page2.items.length, 10)
  const ids = new Set([...page1.items, ...page2.items].map((c: { id: string }) => c.id))
  assert.equal(ids.size, 30, 'pages do not overlap')
  assert.equal((await get('/api/customers?q=oddtown')).json().total, 15)
  assert.equal((await get('/api/customers?q=pager7@mail.test')).json().total, 1)
  assert.equal((await get('/api/customers?q=020-1013')).json().items[0].name, 'Pager Customer 13')
  assert.equal((await get('/api/customers?q=13 maple')).json().total, 1)
  const bad = await get('/api/customers?page=0&pageSize=1000')
  assert.equal(bad.statusCode, 422)
  assert.deepEqual(Object.keys(bad.json().error.details.fields).sort(), ['page', 'pageSize'])
})

test('unknown ids are 404 in the error shape', async () => {
  for (const res of [
    await get('/api/customers/cus_nope'),
    await get('/api/customers/cus_nope/history'),
    await t.app.inject({ method: 'PUT', url: '/api/customers/cus_nope', headers: h, payload: { name: 'X' } }),
    await post('/api/customers/cus_nope/archive', { archived: true }),
  ]) {
    assert.equal(res.statusCode, 404)
    assert.equal(res.json().error.code, 'customer_not_found')
  }
})

test('a location id from another customer is refused', async () => {
  const a = (await post('/api/customers', { name: 'Owner A', locations: [location()] })).json()
  const b = (await post('/api/customers', { name: 'Owner B', locations: [location()] })).json()
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/customers/${b.id}`,
    headers: h,
    payload: { name: 'Owner B', locations: [{ ...location(), id: a.locations[0].id }] },
  })
  assert.equal(res.statusCode, 422)
  assert.ok(res.json().error.details.fields['locations.0.id'])
  assert.equal((await get(`/api/customers/${a.id}`)).json().locations[0].archivedAt, null)
})
