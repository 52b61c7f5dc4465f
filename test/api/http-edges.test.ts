import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
let h: Record<string, string>
before(async () => {
  t = await startTestApp()
  h = await loginHeaders(t.app, await t.addUser('admin'))
})
after(() => t.close())

test('malformed or oversized bodies are 4xx in the error shape, never 500', async () => {
  const bodies: [string, string][] = [
    ['{"name": ', 'application/json'],
    ['[]', 'application/json'],
    ['null', 'application/json'],
    ['"just a string"', 'application/json'],
    ['name=x', 'application/x-www-form-urlencoded'],
    ['x'.repeat(2 * 1024 * 1024), 'application/json'],
    ['{"name":"a","locations":{"0":1}}', 'application/json'],
    ['{"__proto__":{"admin":true},"name":"Proto"}', 'application/json'],
  ]
  for (const [payload, type] of bodies) {
    const res = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { ...h, 'content-type': type }, payload })
    assert.ok(res.statusCode >= 400 && res.statusCode < 500 || res.statusCode === 201, `${payload.slice(0, 40)} -> ${res.statusCode}`)
    if (res.statusCode >= 400) {
      const body = res.json()
      assert.ok(body.error.code && body.error.message, res.body)
      assert.equal(/at .*\.ts:\d+/.test(res.body), false, 'no stack trace')
    }
  }
})

test('odd ids, query strings and paths never cause a 500', async () => {
  const urls = [
    '/api/customers/%00',
    '/api/customers/' + 'x'.repeat(500),
    "/api/customers/' or 1=1 --",
    '/api/customers?page=abc',
    '/api/customers?q=' + 'z'.repeat(300),
    '/api/plans/..%2F..%2Fetc',
    '/api/nothing-here',
  ]
  for (const url of urls) {
    const res = await t.app.inject({ method: 'GET', url, headers: h })
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url} -> ${res.statusCode} ${res.body}`)
    assert.ok(res.json().error.code, url)
  }
  // LIKE wildcards in a search are plain characters, not "match everything".
  await t.app.inject({ method: 'POST', url: '/api/customers', headers: h, payload: { name: 'Wildcard Test' } })
  for (const q of ['%25', '%25%25%5F', '_']) {
    const like = await t.app.inject({ method: 'GET', url: `/api/customers?q=${q}`, headers: h })
    assert.equal(like.statusCode, 200)
    assert.equal(like.json().total, 0, q)
  }
})

test('unknown API routes get a JSON 404', async () => {
  const res = await t.app.inject({ method: 'DELETE', url: '/api/customers' })
  assert.equal(res.statusCode, 404)
  assert.equal(res.json().error.code, 'route_not_found')
})

test('/health checks the database', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/health' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.json().status, 'ok')
})

test('/api/docs serves an OpenAPI document listing every route with its roles', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
  assert.equal(res.statusCode, 200)
  const doc = res.json()
  assert.match(doc.openapi, /^3\./)
  const post = doc.paths['/api/customers/{id}']?.put
  assert.ok(post, 'PUT /api/customers/{id} documented')
  assert.deepEqual(post['x-roles'], ['admin', 'office'])
  assert.ok(post.requestBody.content['application/json'].schema.properties.locations)
  assert.ok(doc.paths['/api/auth/login'].post)
})

test('security headers are set', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/health' })
  assert.match(String(res.headers['content-security-policy']), /default-src 'self'/)
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
})

test('API answers, errors included, are never stored by browsers or proxies: they carry customer data', async () => {
  for (const [url, headers] of [
    ['/api/customers', h],
    ['/api/auth/session', {}],
    ['/api/nothing-here', h],
    ['/api/customers/%00', h],
    ['/api/docs/openapi.json', {}],
  ] as const) {
    const res = await t.app.inject({ method: 'GET', url, headers })
    assert.equal(res.headers['cache-control'], 'no-store', `${url} ${res.statusCode}`)
  }
  const created = await t.app.inject({ method: 'POST', url: '/api/customers', headers: h, payload: { name: 'Cache Test' } })
  assert.equal(created.headers['cache-control'], 'no-store')
})

test('HSTS is sent when Servicebook is reached over HTTPS: PUBLIC_URL https, or a trusted proxy says so', async () => {
  const { buildApp } = await import('../../src/http/app.ts')
  const base = { logLevel: 'silent', version: 't', sessionTtlHours: 1, cookieSecure: true, loginRateLimit: 100 }
  const hsts = (res: { headers: Record<string, unknown> }) => res.headers['strict-transport-security']
  const https = { 'x-forwarded-proto': 'https' }
  // Plain HTTP, no proxy trusted: a client's X-Forwarded-Proto does not count.
  assert.equal(hsts(await t.app.inject({ method: 'GET', url: '/health', headers: https })), undefined)
  const proxied = await buildApp(t.deps, t.database, { ...base, trustedProxies: ['127.0.0.1'] })
  const onHttps = await buildApp({ ...t.deps, publicUrl: 'https://service.example.com' }, t.database, base)
  try {
    assert.equal(hsts(await proxied.inject({ method: 'GET', url: '/health' })), undefined)
    assert.equal(hsts(await proxied.inject({ method: 'GET', url: '/health', headers: https })), 'max-age=31536000; includeSubDomains')
    assert.equal(hsts(await proxied.inject({ method: 'GET', url: '/api/auth/session', headers: https })), 'max-age=31536000; includeSubDomains')
    assert.equal(hsts(await proxied.inject({ method: 'GET', url: '/health', headers: https, remoteAddress: '10.9.9.9' })), undefined, 'only from the proxy')
    assert.equal(hsts(await onHttps.inject({ method: 'GET', url: '/health' })), 'max-age=31536000; includeSubDomains')
    assert.equal(hsts(await onHttps.inject({ method: 'GET', url: '/q/abc' })), 'max-age=31536000; includeSubDomains')
  } finally {
    await proxied.close()
    await onHttps.close()
  }
})

test('settings: time zone is validated, admins change them and the change is audited', async () => {
  const bad = await t.app.inject({ method: 'PUT', url: '/api/settings', headers: h, payload: { companyName: 'Acme HVAC', timeZone: 'Mars/Olympus', email: 'x', phone: '' } })
  assert.equal(bad.statusCode, 422)
  assert.ok(bad.json().error.details.fields.timeZone)
  const ok = await t.app.inject({
    method: 'PUT',
    url: '/api/settings',
    headers: h,
    payload: { companyName: 'Acme HVAC', timeZone: 'America/Chicago', email: 'office@acme.test', phone: '555-010-1000' },
  })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/settings', headers: h })).json().timeZone, 'America/Chicago')
})
