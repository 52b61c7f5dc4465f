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

const plan = (over: Record<string, unknown> = {}) => ({
  name: 'Comfort Club',
  description: 'Two tune-ups a year',
  priceCents: 1999,
  billingFrequency: 'monthly',
  termMonths: 12,
  visitsPerTerm: 2,
  visitMonths: [4, 10],
  termsText: 'Cancel any time with 30 days notice.',
  isTaxable: true,
  taxRatePpm: 82_500,
  ...over,
})

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: h, payload: payload as object })
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: h })

test('creates, reads, edits and archives a plan template', async () => {
  const res = await post('/api/plans', plan())
  assert.equal(res.statusCode, 201, res.body)
  const created = res.json()
  assert.equal(created.priceCents, 1999)
  assert.equal(created.billingIntervalMonths, 1)
  assert.deepEqual(created.visitMonths, [4, 10])
  assert.deepEqual((await get(`/api/plans/${created.id}`)).json(), created)

  const edited = await t.app.inject({
    method: 'PUT',
    url: `/api/plans/${created.id}`,
    headers: h,
    payload: plan({ name: 'Comfort Club Plus', billingFrequency: 'every_n_months', billingIntervalMonths: 2, termMonths: null }),
  })
  assert.equal(edited.statusCode, 200, edited.body)
  assert.equal(edited.json().billingIntervalMonths, 2)
  assert.equal(edited.json().termMonths, null)

  assert.equal((await post(`/api/plans/${created.id}/archive`, { archived: true })).statusCode, 200)
  assert.equal((await get('/api/plans')).json().items.some((p: { id: string }) => p.id === created.id), false)
  assert.equal((await get('/api/plans?archived=true')).json().items[0].id, created.id)
})

test("a plan taxed at New York City's 8.875% keeps the rate exactly", async () => {
  const res = await post('/api/plans', plan({ taxRatePpm: 88_750 }))
  assert.equal(res.statusCode, 201, res.body)
  assert.equal((await get(`/api/plans/${res.json().id}`)).json().taxRatePpm, 88_750)
})

test('plan rules: each bad field is named and nothing is stored', async () => {
  const before = (await get('/api/plans?pageSize=200')).json().total
  const cases: [Record<string, unknown>, string[]][] = [
    [{ priceCents: -100 }, ['priceCents']],
    [{ priceCents: 19.99 }, ['priceCents']],
    [{ name: '   ', billingFrequency: 'weekly' }, ['billingFrequency', 'name']],
    [{ billingFrequency: 'every_n_months' }, ['billingIntervalMonths']],
    [{ termMonths: 1000 }, ['termMonths']],
    [{ billingFrequency: 'quarterly', termMonths: 10 }, ['termMonths']],
    [{ visitMonths: [4, 4] }, ['visitMonths']],
    [{ visitMonths: [13, 1] }, ['visitMonths.0']],
    [{ taxRatePpm: 0 }, ['taxRatePpm']],
    [{ taxRatePpm: 1_000_001 }, ['taxRatePpm']],
    [{ taxRatePpm: 8.875 }, ['taxRatePpm']],
  ]
  for (const [over, fields] of cases) {
    const res = await post('/api/plans', plan(over))
    assert.equal(res.statusCode, 422, JSON.stringify(over))
    assert.deepEqual(Object.keys(res.json().error.details.fields).sort(), fields, JSON.stringify(over))
  }
  assert.equal((await get('/api/plans?pageSize=200')).json().total, before)
})

test('unknown plan ids are 404', async () => {
  assert.equal((await get('/api/plans/pln_missing')).statusCode, 404)
  const put = await t.app.inject({ method: 'PUT', url: '/api/plans/pln_missing', headers: h, payload: plan() })
  assert.equal(put.statusCode, 404)
})
