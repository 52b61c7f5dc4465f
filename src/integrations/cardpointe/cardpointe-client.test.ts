// The wire client against the sandbox for what the port does not use directly: the credential
// check, authorize-then-capture, inquire by retref, partial void while authorized, profile
// update, inquireByOrderid across merchant ids; and the exact requests it sends (Basic auth,
// merchid, two-decimal amounts, PUT, the vendor's path casing).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cents } from '../../domain/money.ts'
import { CardPointeClient } from './cardpointe-client.ts'
import { classifyFields, parseFieldList, parseFields, toWireAmount, type WireResult } from './cardpointe-mapper.ts'
import { CardPointeGateway } from './cardpointe-gateway.ts'
import { startHarness, type SandboxHarness } from './test-sandbox.ts'

let h: SandboxHarness
before(async () => {
  h = await startHarness()
})
after(() => h.close())

function fields(result: WireResult) {
  assert.equal(result.kind, 'http')
  const body = result.kind === 'http' ? result.body : null
  const f = parseFields(body)
  assert.ok(f, JSON.stringify(body))
  return f
}

test('the credential check passes with good credentials and is misconfigured with bad ones', async () => {
  const result = await h.client.testCredentials()
  assert.ok(result.kind === 'http' && result.status === 200 && result.body === 'CardConnect REST Servlet')
  assert.deepEqual(await h.gateway.verifyCredentials(), { ok: true })
  const bad = await new CardPointeGateway({ ...h.config, username: 'nobody' }).verifyCredentials()
  assert.ok(!bad.ok && bad.cause.status === 'misconfigured')
})

test('authorize, capture part of it, and inquire by retref', async () => {
  const token = await h.tokenize('4111111111111111')
  const auth = fields(await h.client.auth({ account: token, expiry: '1230', amount: toWireAmount(cents(5000)), capture: 'N', orderid: 'sbcapture01' }))
  assert.equal(auth.respstat, 'A')
  const before = fields(await h.client.inquire(auth.retref!))
  assert.deepEqual([before.setlstat, before.voidable, before.amount], ['Authorized', 'Y', '50.00'])

  const partialVoid = fields(await h.client.void({ retref: auth.retref!, amount: '10.00' }))
  assert.deepEqual([partialVoid.respstat, partialVoid.amount], ['A', '10.00'])
  const capture = fields(await h.client.capture({ retref: auth.retref!, amount: '35.00' }))
  assert.deepEqual([capture.respstat, capture.setlstat, capture.amount], ['A', 'Queued for Capture', '35.00'])
  const after = fields(await h.client.inquire(auth.retref!))
  assert.deepEqual([after.setlstat, after.amount, after.orderId, after.lastfour], ['Queued for Capture', '35.00', 'sbcapture01', '1111'])

  const unknown = classifyFields(fields(await h.client.inquire('999999999999')), { orderId: null })
  assert.ok(unknown.status === 'declined' && unknown.reason === 'not_found')
})

test('inquireByOrderid works with and without the merchant-set segment', async () => {
  const token = await h.tokenize('4111111111111111')
  fields(await h.client.auth({ account: token, expiry: '1230', amount: '1.00', orderid: 'sbsetless01' }))
  for (const set of [true, false]) {
    const result = await h.client.inquireByOrderid('sbsetless01', { set })
    const list = parseFieldList(result.kind === 'http' ? result.body : null)
    assert.equal(list?.length, 1)
    assert.equal(list?.[0].orderId, 'sbsetless01')
  }
})

test('a stored account can be updated in place', async () => {
  const token = await h.tokenize('4111111111111111')
  const saved = fields(await h.client.saveProfile({ account: token, expiry: '1230', name: 'Up Date', postal: '55555' }))
  assert.deepEqual([saved.respcode, saved.acctid], ['09', '1'])
  const updated = fields(await h.client.saveProfile({ profile: `${saved.profileid}/1`, profileupdate: 'Y', account: token, expiry: '1231' }))
  assert.deepEqual([updated.profileid, updated.acctid, updated.expiry], [saved.profileid, '1', '1231'])
  const read = await h.gateway.getProfile({ profileId: saved.profileid!, accountId: '1' })
  assert.ok(read.status === 'found' && read.accounts[0].expiry === '1231')
})

test('requests carry Basic auth, the merchant id and two-decimal amounts, with the vendor path casing', async () => {
  const seen: Array<{ method: string; url: string; auth: string | null; body: unknown }> = []
  const recording: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers)
    seen.push({ method: init?.method ?? 'GET', url: String(input), auth: headers.get('authorization'), body: init?.body ? JSON.parse(String(init.body)) : null })
    return new Response(JSON.stringify({ respstat: 'C', respcode: '29', respproc: 'PPS', resptext: 'Txn not found' }), { status: 200 })
  }
  const client = new CardPointeClient({ ...h.config, baseUrl: 'https://fts-uat.cardconnect.com/', fetch: recording })
  await client.auth({ account: '9411111111111111', expiry: '1230', amount: toWireAmount(cents(100)), orderid: 'sbwire01' })
  await client.voidByOrderId({ orderid: 'sbwire01' })
  await client.inquireByOrderid('sbwire01')
  await client.getProfile('12345678901234567890')
  assert.deepEqual(
    seen.map((s) => [s.method, s.url]),
    [
      ['PUT', 'https://fts-uat.cardconnect.com/cardconnect/rest/auth'],
      ['PUT', 'https://fts-uat.cardconnect.com/cardconnect/rest/voidByOrderId'],
      ['GET', 'https://fts-uat.cardconnect.com/cardconnect/rest/inquireByOrderid/sbwire01/496160873888/1'],
      ['GET', 'https://fts-uat.cardconnect.com/cardconnect/rest/profile/12345678901234567890//496160873888'],
    ],
  )
  assert.equal(seen[0].auth, `Basic ${Buffer.from('testing:testing123').toString('base64')}`)
  assert.deepEqual(seen[0].body, { merchid: '496160873888', account: '9411111111111111', expiry: '1230', amount: '1.00', orderid: 'sbwire01' })
})
