// What the running app writes to its request log: never a link token (sign-up and payment-update
// links are valid for weeks and let the holder put a card on file), whatever the route.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { newSignupToken } from '../../src/domain/signup-token.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer } from '../helpers/quote-fixtures.ts'

let t: TestApp
const lines: string[] = []
before(async () => {
  t = await startTestApp({ listen: true, logStream: { write: (line) => void lines.push(line) } })
})
after(() => t.close())

test('link tokens in paths and query strings are masked in the request log; ids stay readable', async () => {
  const token = newSignupToken().token
  const json = { 'content-type': 'application/json' }
  const requests: Array<[string, RequestInit]> = [
    [`/pay/${token}`, {}],
    [`/q/${token}`, {}],
    [`/api/pay/${token}`, {}],
    [`/api/pay/${token}`, { method: 'POST', headers: json, body: JSON.stringify({ paymentMethod: { kind: 'card', token: '9418594164541111', expiry: '1230' }, name: 'Ada' }) }],
    [`/api/signup/${token}`, {}],
    [`/api/signup/${token}/pdf`, {}],
    [`/api/signup/${token}/decline`, { method: 'POST', headers: json, body: '{}' }],
    [`/api/not-a-route/${token}?link=${token}&token=short`, {}],
  ]
  for (const [path, init] of requests) await (await fetch(`${t.url}${path}`, init)).arrayBuffer()
  const customer = await createCustomer(t.app, await loginHeaders(t.app, await t.addUser('office')))
  await (await fetch(`${t.url}/api/customers/${customer.id}`)).arrayBuffer()

  const logged = lines.map((l) => JSON.parse(l) as { req?: { url: string } })
  const urls = logged.filter((l) => l.req).map((l) => l.req!.url)
  assert.ok(urls.length >= requests.length, urls.join('\n'))
  assert.ok(!lines.join('\n').includes(token), 'the token appears nowhere in the log')
  assert.ok(!lines.join('\n').includes('short'), 'a value named token is masked whatever it looks like')
  for (const expected of ['/pay/[secret]', '/q/[secret]', '/api/pay/[secret]', '/api/signup/[secret]/pdf', '/api/not-a-route/[secret]?link=[secret]&token=[secret]'])
    assert.ok(urls.includes(expected), `${expected} in\n${urls.join('\n')}`)
  assert.ok(urls.includes(`/api/customers/${customer.id}`), 'ids are kept')
})
