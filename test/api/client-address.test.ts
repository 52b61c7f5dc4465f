// The client address (rate limits, signature records, audit trail, logs) is the socket's unless the
// request came through a proxy listed in TRUSTED_PROXIES: a client cannot choose it with X-Forwarded-For
// (issue 9, item 1). Each case fails with Fastify's `trustProxy: true`, as it was.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readEnv } from '../../src/config/env.ts'
import { newSignupToken } from '../../src/domain/signup-token.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { listAuditEvents } from '../../src/services/audit/record-audit-event.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer, quoteBody, tokenFrom } from '../helpers/quote-fixtures.ts'

let sandbox: SandboxHarness
let direct: TestApp
let proxied: TestApp
const logs: string[] = []
before(async () => {
  sandbox = await startHarness()
  direct = await startTestApp({ listen: true, loginRateLimit: 3, gateway: sandbox.gateway, gatewayBrowserUrl: sandbox.sandbox.url, logStream: { write: (line) => void logs.push(line) } })
  proxied = await startTestApp({ listen: true, loginRateLimit: 3, trustedProxies: ['127.0.0.1'] })
})
after(async () => {
  await direct.close()
  await proxied.close()
  await sandbox.close()
})

const login = (t: TestApp, email: string, forwardedFor: string) =>
  fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password: 'wrong password' }),
  })

/** A sent quote's id and sign-up token. */
async function sentQuote(t: TestApp): Promise<{ quoteId: string; token: string }> {
  const h = await loginHeaders(t.app, await t.addUser('office'))
  const customer = await createCustomer(t.app, h)
  const quote = (await t.app.inject({ method: 'POST', url: '/api/quotes', headers: h, payload: quoteBody(customer) })).json()
  await t.app.inject({ method: 'POST', url: `/api/quotes/${quote.id}/send`, headers: h, payload: {} })
  const mail = await t.deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', quote.id).executeTakeFirstOrThrow()
  return { quoteId: quote.id, token: tokenFrom(mail.textBody) }
}

/** A sent quote's sign-up token, opened and declined by a "customer" claiming to be at 10.55.0.1. */
async function declineWithSpoofedAddress(t: TestApp): Promise<Array<{ action: string; details: unknown }>> {
  const { quoteId, token } = await sentQuote(t)
  const spoofed = { 'x-forwarded-for': '10.55.0.1', 'content-type': 'application/json' }
  assert.equal((await fetch(`${t.url}/api/signup/${token}`, { headers: spoofed })).status, 200)
  const declined = await fetch(`${t.url}/api/signup/${token}/decline`, { method: 'POST', headers: spoofed, body: JSON.stringify({ reason: 'no' }) })
  assert.equal(declined.status, 200, await declined.text())
  return listAuditEvents(t.deps.db, 'quote', quoteId)
}

test('without TRUSTED_PROXIES a changing X-Forwarded-For does not get past the login limit', async () => {
  const statuses: number[] = []
  for (let i = 1; i <= 4; i++) statuses.push((await login(direct, 'office@example.com', `10.55.0.${i}`)).status)
  assert.deepEqual(statuses, [401, 401, 401, 429])
})

test('without TRUSTED_PROXIES the audit trail and the request log keep the real address', async () => {
  const events = await declineWithSpoofedAddress(direct)
  const withIp = events.filter((e) => e.action === 'quote.viewed' || e.action === 'quote.declined')
  assert.equal(withIp.length, 2, JSON.stringify(events))
  for (const e of withIp) assert.equal((e.details as { ip: string }).ip, '127.0.0.1', JSON.stringify(e))
  const requests = logs.map((l) => JSON.parse(l)).filter((l) => l.req)
  assert.ok(requests.length > 0)
  assert.ok(requests.every((l) => l.req.remoteAddress === '127.0.0.1'), JSON.stringify(requests.map((l) => l.req.remoteAddress)))
  assert.ok(!logs.join('').includes('10.55.0.1'))
})

test('without TRUSTED_PROXIES a changing X-Forwarded-For does not get past the per-link limit of the payment-update page (card testing)', async () => {
  const link = newSignupToken().token
  const statuses: number[] = []
  for (let i = 1; i <= 11; i++) {
    const res = await fetch(`${direct.url}/api/pay/${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.77.0.${i}` },
      body: JSON.stringify({ paymentMethod: { kind: 'card', token: '9418594164541111', expiry: '1230' }, name: 'Card Tester' }),
    })
    statuses.push(res.status)
  }
  assert.deepEqual(statuses, [...Array(10).fill(404), 429])
})

test('without TRUSTED_PROXIES the signature record keeps the real address', async () => {
  const { quoteId, token } = await sentQuote(direct)
  const spoofed = { 'x-forwarded-for': '10.55.0.1', 'content-type': 'application/json' }
  const view = (await (await fetch(`${direct.url}/api/signup/${token}`, { headers: spoofed })).json()) as { revision: { options: { id: string }[] } }
  const accepted = await fetch(`${direct.url}/api/signup/${token}/accept`, {
    method: 'POST',
    headers: spoofed,
    body: JSON.stringify({ optionId: view.revision.options[0]!.id, signerName: 'Ada Lovelace', consent: true, paymentMethod: { kind: 'card', token: await sandbox.tokenize('4111111111111111'), expiry: '1230' } }),
  })
  assert.equal(accepted.status, 200, await accepted.text())
  const signature = await direct.deps.db.selectFrom('quoteSignatures').select('ipAddress').where('quoteId', '=', quoteId).executeTakeFirstOrThrow()
  assert.equal(signature.ipAddress, '127.0.0.1')
  const events = await listAuditEvents(direct.deps.db, 'quote', quoteId)
  assert.deepEqual(events.filter((e) => e.action === 'quote.accepted').map((e) => (e.details as { ip: string }).ip), ['127.0.0.1'])
})

test('behind a trusted proxy the forwarded address is the client: limits count per client, records keep it', async () => {
  const statuses: number[] = []
  for (let i = 1; i <= 4; i++) statuses.push((await login(proxied, 'office@example.com', `10.66.0.${i}`)).status)
  assert.deepEqual(statuses, [401, 401, 401, 401])
  const events = await declineWithSpoofedAddress(proxied)
  assert.equal((events.find((e) => e.action === 'quote.declined')!.details as { ip: string }).ip, '10.55.0.1')
})

test('TRUSTED_PROXIES is off by default and takes a comma-separated list of addresses and CIDR ranges', () => {
  assert.deepEqual(readEnv({}).TRUSTED_PROXIES, [])
  assert.deepEqual(readEnv({ TRUSTED_PROXIES: ' 10.0.0.5, 10.1.0.0/16,::1,loopback ' }).TRUSTED_PROXIES, ['10.0.0.5', '10.1.0.0/16', '::1', 'loopback'])
  for (const bad of ['true', '*', '10.0.0.0/33', '10.0.0.300', 'proxy.example.com', '10.0.0.1/8/8'])
    assert.throws(() => readEnv({ TRUSTED_PROXIES: bad }), /TRUSTED_PROXIES: must be a comma-separated list/, bad)
})
