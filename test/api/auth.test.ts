import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginHeaders, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
let adminEmail: string
before(async () => {
  t = await startTestApp()
  adminEmail = await t.addUser('admin')
})
after(() => t.close())

test('login sets an HTTP-only session cookie and returns the user and a CSRF token', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: adminEmail.toUpperCase(), password: TEST_PASSWORD } })
  assert.equal(res.statusCode, 200)
  const cookie = res.cookies.find((c) => c.name === 'sb_session')
  assert.ok(cookie, 'session cookie set')
  assert.equal(cookie.httpOnly, true)
  assert.equal(cookie.sameSite, 'Lax')
  const body = res.json()
  assert.equal(body.user.email, adminEmail)
  assert.equal(body.user.role, 'admin')
  assert.ok(body.csrfToken.length >= 32)
  assert.equal(JSON.stringify(body).includes('passwordHash'), false)
  const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `sb_session=${cookie.value}` } })
  assert.equal(session.json().csrfToken, body.csrfToken)
  // The company's locale and zone, in which the web app writes every date and time.
  assert.deepEqual([body.company, session.json().company], [{ locale: 'en-US', timeZone: 'America/New_York' }, { locale: 'en-US', timeZone: 'America/New_York' }])
})

test('the session cookie is Secure when configured so', async () => {
  const { buildApp } = await import('../../src/http/app.ts')
  const app = await buildApp(t.deps, t.database, { logLevel: 'silent', version: 't', sessionTtlHours: 1, cookieSecure: true, loginRateLimit: 100 })
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: adminEmail, password: TEST_PASSWORD } })
  assert.equal(res.cookies.find((c) => c.name === 'sb_session')?.secure, true)
  await app.close()
})

test('a wrong password and an unknown email get the same answer', async () => {
  const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: adminEmail, password: 'not the password' } })
  const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'whatever12345' } })
  assert.equal(wrong.statusCode, 401)
  assert.equal(unknown.statusCode, 401)
  assert.deepEqual(wrong.json(), unknown.json())
  assert.equal(wrong.cookies.length, 0)
})

test('login attempts are rate limited per address and email', async () => {
  const { buildApp } = await import('../../src/http/app.ts')
  const app = await buildApp(t.deps, t.database, { logLevel: 'silent', version: 't', sessionTtlHours: 1, cookieSecure: false, loginRateLimit: 5 })
  after(() => app.close())
  const email = 'target@example.com'
  const codes: number[] = []
  for (let i = 0; i < 7; i++) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `guess-${i}-xxxxx` } })
    codes.push(res.statusCode)
  }
  assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429])
  const limited = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'guess' } })
  assert.equal(limited.json().error.code, 'rate_limited')
  // Another account from the same address is not locked out by someone guessing at this one.
  const other = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: adminEmail, password: TEST_PASSWORD } })
  assert.equal(other.statusCode, 200)
})

test('the login limit counts the email as validation reads it: spaces and capitals give no fresh attempts', async () => {
  const { buildApp } = await import('../../src/http/app.ts')
  const app = await buildApp(t.deps, t.database, { logLevel: 'silent', version: 't', sessionTtlHours: 1, cookieSecure: false, loginRateLimit: 3 })
  after(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/auth/login`
  const codes: number[] = []
  for (const email of ['office@example.com', ' office@example.com', 'OFFICE@example.com ', '\toffice@Example.COM', '  office@example.com  '])
    codes.push((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a guess' }) })).status)
  assert.deepEqual(codes, [401, 401, 401, 429, 429])
  // Input that fails validation is counted too (per address), and never reaches the login check.
  const junk: number[] = []
  for (let i = 0; i < 4; i++) junk.push((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `not an email ${i}`, password: 'x' }) })).status)
  assert.deepEqual(junk, [422, 422, 422, 429])
})

test('logout ends the session on the server', async () => {
  const headers = await loginHeaders(t.app, adminEmail)
  const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers })
  assert.equal(out.statusCode, 200)
  const again = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers })
  assert.deepEqual([again.statusCode, again.json()], [200, { user: null, csrfToken: null, company: null }])
})

test('a deactivated user can no longer log in and loses open sessions', async () => {
  const admin = await loginHeaders(t.app, adminEmail)
  const officeEmail = await t.addUser('office')
  const office = await loginHeaders(t.app, officeEmail)
  const users = (await t.app.inject({ method: 'GET', url: '/api/users', headers: admin })).json().items as { id: string; email: string }[]
  const id = users.find((u) => u.email === officeEmail)!.id
  const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin, payload: { isActive: false } })
  assert.equal(res.statusCode, 200)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: office })).json().user, null)
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: officeEmail, password: TEST_PASSWORD } })
  assert.equal(login.statusCode, 401)
})

test('the only active admin cannot be demoted or deactivated', async () => {
  const admin = await loginHeaders(t.app, adminEmail)
  const users = (await t.app.inject({ method: 'GET', url: '/api/users', headers: admin })).json().items as { id: string; email: string }[]
  const id = users.find((u) => u.email === adminEmail)!.id
  for (const payload of [{ role: 'office' }, { isActive: false }]) {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: admin, payload })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error.code, 'last_admin')
  }
  const me = (await t.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: admin })).json()
  assert.equal(me.role, 'admin')
  assert.equal(me.isActive, true)
})

test('admins create users; duplicate emails and weak passwords are refused by field', async () => {
  const admin = await loginHeaders(t.app, adminEmail)
  const ok = await t.app.inject({
    method: 'POST',
    url: '/api/users',
    headers: admin,
    payload: { email: 'Tech.One@Example.com', name: 'Tech One', role: 'technician', password: 'long enough password' },
  })
  assert.equal(ok.statusCode, 201)
  assert.equal(ok.json().email, 'tech.one@example.com')
  const dup = await t.app.inject({
    method: 'POST',
    url: '/api/users',
    headers: admin,
    payload: { email: 'tech.one@example.com', name: 'Again', role: 'office', password: 'long enough password' },
  })
  assert.equal(dup.statusCode, 409)
  const weak = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'x@example.com', name: 'X', role: 'boss', password: 'short' } })
  assert.equal(weak.statusCode, 422)
  assert.deepEqual(Object.keys(weak.json().error.details.fields).sort(), ['password', 'role'])
})

test('anyone changes their own password with the current one; other sessions end, this one stays', async () => {
  const email = await t.addUser('technician')
  const here = await loginHeaders(t.app, email)
  const elsewhere = await loginHeaders(t.app, email)
  const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: here, payload: { currentPassword: 'nope', newPassword: 'short' } })
  assert.equal(wrong.statusCode, 422)
  assert.deepEqual(Object.keys(wrong.json().error.details.fields), ['newPassword'])
  const notCurrent = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: here, payload: { currentPassword: 'nope', newPassword: 'a brand new password' } })
  assert.equal(notCurrent.statusCode, 422)
  assert.ok(notCurrent.json().error.details.fields.currentPassword)
  const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: here, payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' } })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: here })).json().user?.email, email)
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: elsewhere })).json().user, null)
  await loginHeaders(t.app, email, 'a brand new password')
})
