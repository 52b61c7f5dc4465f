/**
 * CSRF on every state-changing method, over real HTTP (route.ts `registerRoutes`): PATCH, PUT
 * and DELETE need the session's X-CSRF-Token exactly as POST does. Without it, or with a
 * forged one, each request is 403 `csrf_failed` and changes nothing; the same request with the
 * token then goes through, so the refusal was the token's, not the input's.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { tinyPng } from '../helpers/tiny-png.ts'

let t: TestApp
let admin: { cookie: string; 'x-csrf-token': string }

before(async () => {
  t = await startTestApp({ listen: true })
  admin = await loginHeaders(t.app, await t.addUser('admin'))
})
after(() => t.close())

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** Sends the request without the token and with a forged one (both refused, nothing changed), then with it. */
async function refusedWithoutToken(method: 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown, read: () => Promise<unknown>) {
  const before = await read()
  for (const headers of [{ cookie: admin.cookie }, { cookie: admin.cookie, 'x-csrf-token': 'forged' }] as Record<string, string>[]) {
    const res = await call(method, path, headers, body)
    assert.deepEqual([res.status, res.body?.error?.code], [403, 'csrf_failed'], `${method} ${path} with ${JSON.stringify(Object.keys(headers))}`)
    assert.deepEqual(await read(), before, `${method} ${path} changed nothing`)
  }
  const ok = await call(method, path, admin, body)
  assert.ok(ok.status >= 200 && ok.status < 300, `${method} ${path} with the token: ${ok.status} ${JSON.stringify(ok.body)}`)
  assert.notDeepEqual(await read(), before, `${method} ${path} with the token changes it`)
}

test('PATCH /api/users/:id needs the CSRF token', async () => {
  await t.addUser('office', 'clerk@example.com')
  const users = (await call('GET', '/api/users', admin)).body.items as { id: string; email: string }[]
  const clerk = users.find((u) => u.email === 'clerk@example.com')!
  const read = async () => {
    const u = (await call('GET', `/api/users/${clerk.id}`, admin)).body
    return [u.role, u.isActive]
  }
  await refusedWithoutToken('PATCH', `/api/users/${clerk.id}`, { role: 'admin', isActive: false }, read)
})

test('PUT /api/billing/settings needs the CSRF token', async () => {
  const read = async () => (await call('GET', '/api/billing/settings', admin)).body
  const current = await read()
  await refusedWithoutToken('PUT', '/api/billing/settings', { ...current, retryDays: [2, 9], maxSoonRetries: 1, concurrency: 3 }, read)
})

test('PUT /api/settings needs the CSRF token', async () => {
  const read = async () => (await call('GET', '/api/settings', admin)).body
  await refusedWithoutToken('PUT', '/api/settings', { ...(await read()), companyName: 'Forged Heating & Air' }, read)
})

test('DELETE /api/settings/logo needs the CSRF token', async () => {
  const set = await call('PUT', '/api/settings/logo', admin, { dataUrl: `data:image/png;base64,${tinyPng().toString('base64')}` })
  assert.equal(set.status, 200, JSON.stringify(set.body))
  await refusedWithoutToken('DELETE', '/api/settings/logo', undefined, async () => (await call('GET', '/api/settings', admin)).body.hasLogo)
})
