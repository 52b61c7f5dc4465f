// The public sign-up API is rate-limited per client address (and accepting per link), with the usual error shape.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
before(async () => {
  t = await startTestApp()
})
after(() => t.close())

test('looking up sign-up links is limited to 60 a minute per address', async () => {
  const statuses: number[] = []
  for (let i = 0; i < 61; i++) statuses.push((await t.app.inject({ method: 'GET', url: `/api/signup/${'a'.repeat(42)}${i % 10}` })).statusCode)
  assert.deepEqual(new Set(statuses.slice(0, 60)), new Set([404]))
  assert.equal(statuses[60], 429)
  const res = await t.app.inject({ method: 'GET', url: `/api/signup/${'b'.repeat(43)}` })
  assert.equal(res.json().error.code, 'rate_limited')
  // Another address is not affected.
  const other = await t.app.inject({ method: 'GET', url: `/api/signup/${'b'.repeat(43)}`, remoteAddress: '10.0.0.9' })
  assert.equal(other.statusCode, 404)
})

test('accepting is limited to 10 a minute per address and link', async () => {
  const url = `/api/signup/${'c'.repeat(43)}/accept`
  const statuses: number[] = []
  for (let i = 0; i < 11; i++) statuses.push((await t.app.inject({ method: 'POST', url, payload: {}, remoteAddress: '10.0.0.7' })).statusCode)
  assert.ok(statuses.slice(0, 10).every((s) => s === 422 || s === 404), statuses.join(','))
  assert.equal(statuses[10], 429)
})
