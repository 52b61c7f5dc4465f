import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiRoutes } from '../../src/http/app.ts'
import type { Role } from '../../src/contracts/users.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'

type Who = 'anonymous' | Role

/**
 * Who may call each route. Written out by hand on purpose: a new route fails this test
 * until someone decides, here, who may use it.
 */
const EXPECTED: Record<string, readonly Who[]> = {
  'POST /api/auth/login': ['anonymous', 'technician', 'office', 'admin'],
  'GET /api/auth/session': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/auth/logout': ['technician', 'office', 'admin'],
  'POST /api/auth/password': ['technician', 'office', 'admin'],
  'GET /api/users': ['admin'],
  'GET /api/users/:id': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'GET /api/customers': ['office', 'admin'],
  'GET /api/customers/:id': ['office', 'admin'],
  'GET /api/customers/:id/history': ['office', 'admin'],
  'POST /api/customers': ['office', 'admin'],
  'PUT /api/customers/:id': ['office', 'admin'],
  'POST /api/customers/:id/archive': ['office', 'admin'],
  'GET /api/plans': ['office', 'admin'],
  'GET /api/plans/:id': ['office', 'admin'],
  'POST /api/plans': ['office', 'admin'],
  'PUT /api/plans/:id': ['office', 'admin'],
  'POST /api/plans/:id/archive': ['office', 'admin'],
  'GET /api/settings': ['technician', 'office', 'admin'],
  'PUT /api/settings': ['admin'],
  'GET /api/settings/logo': ['technician', 'office', 'admin'],
  'PUT /api/settings/logo': ['admin'],
  'DELETE /api/settings/logo': ['admin'],
  'GET /api/dashboard': ['office', 'admin'],
  'GET /api/today': ['office', 'admin'],
  'GET /api/search': ['office', 'admin'],
  'GET /api/quotes': ['office', 'admin'],
  'GET /api/quotes/:id': ['office', 'admin'],
  'GET /api/quotes/:id/history': ['office', 'admin'],
  'GET /api/quotes/:id/pdf': ['office', 'admin'],
  'POST /api/quotes': ['office', 'admin'],
  'PUT /api/quotes/:id': ['office', 'admin'],
  'POST /api/quotes/:id/send': ['office', 'admin'],
  'POST /api/quotes/:id/resend': ['office', 'admin'],
  'POST /api/quotes/:id/revise': ['office', 'admin'],
  'GET /api/signup/:token': ['anonymous', 'technician', 'office', 'admin'],
  'GET /api/signup/:token/pdf': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/signup/:token/accept': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/signup/:token/decline': ['anonymous', 'technician', 'office', 'admin'],
  'GET /api/agreements': ['office', 'admin'],
  'GET /api/agreements/:id': ['office', 'admin'],
  'GET /api/agreements/:id/history': ['office', 'admin'],
  'POST /api/agreements/:id/approve': ['office', 'admin'],
  'POST /api/agreements/:id/reject': ['office', 'admin'],
  'GET /api/notifications': ['office', 'admin'],
  'GET /api/notifications/unread-count': ['office', 'admin'],
  'POST /api/notifications/:id/read': ['office', 'admin'],
  'POST /api/notifications/read-all': ['office', 'admin'],
  'GET /api/emails': ['office', 'admin'],
  'POST /api/emails/:id/retry': ['office', 'admin'],
  'GET /api/system': ['technician', 'office', 'admin'],
  'GET /api/billing/preview': ['office', 'admin'],
  'POST /api/reconciliation': ['office', 'admin'],
  'POST /api/billing/runs': ['office', 'admin'],
  'GET /api/billing/runs': ['office', 'admin'],
  'GET /api/billing/runs/:id': ['office', 'admin'],
  'GET /api/billing/invoices': ['office', 'admin'],
  'GET /api/billing/invoices/:id': ['office', 'admin'],
  'GET /api/billing/invoices/:id/pdf': ['office', 'admin'],
  'GET /api/billing/failed-payments': ['office', 'admin'],
  'GET /api/billing/payments': ['office', 'admin'],
  'POST /api/billing/invoices/:id/retry': ['office', 'admin'],
  'POST /api/billing/invoices/:id/payment-link': ['office', 'admin'],
  'POST /api/agreements/:id/payment-link': ['office', 'admin'],
  'POST /api/billing/invoices/:id/offline-payment': ['office', 'admin'],
  'POST /api/billing/invoices/:id/void': ['office', 'admin'],
  'POST /api/billing/payments/:id/void': ['office', 'admin'],
  'POST /api/billing/payments/:id/refund': ['office', 'admin'],
  'POST /api/billing/reversals/:id/confirm': ['office', 'admin'],
  'GET /api/billing/quickbooks-queue': ['office', 'admin'],
  // QuickBooks (issue 10): admins connect, disconnect and map; the office sees the state and retries.
  'GET /api/quickbooks': ['office', 'admin'],
  'POST /api/quickbooks/connect': ['admin'],
  'GET /api/quickbooks/callback': ['admin'],
  'DELETE /api/quickbooks': ['admin'],
  'GET /api/quickbooks/mapping-options': ['admin'],
  'PUT /api/quickbooks/mapping': ['admin'],
  'GET /api/quickbooks/sync-errors': ['office', 'admin'],
  'POST /api/quickbooks/sync-errors/:id/retry': ['office', 'admin'],
  'POST /api/quickbooks/sync-errors/retry-all': ['office', 'admin'],
  'GET /api/billing/settings': ['office', 'admin'],
  'PUT /api/billing/settings': ['admin'],
  'POST /api/agreements/:id/suspend': ['office', 'admin'],
  'POST /api/agreements/:id/reactivate': ['office', 'admin'],
  'POST /api/agreements/:id/close': ['office', 'admin'],
  'GET /api/agreements/export.csv': ['office', 'admin'],
  'GET /api/agreements/:id/renewals': ['office', 'admin'],
  'GET /api/agreements/:id/close-preview': ['office', 'admin'],
  'PUT /api/agreements/:id/auto-renew': ['office', 'admin'],
  'POST /api/renewals/preview': ['office', 'admin'],
  'POST /api/renewals/send': ['office', 'admin'],
  'POST /api/renewals/run': ['office', 'admin'],
  'GET /api/renewals/settings': ['office', 'admin'],
  'PUT /api/renewals/settings': ['admin'],
  'GET /api/renew/:token': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/renew/:token/accept': ['anonymous', 'technician', 'office', 'admin'],
  'GET /api/auto-renewal/:token': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/auto-renewal/:token/off': ['anonymous', 'technician', 'office', 'admin'],
  'GET /api/pay/:token': ['anonymous', 'technician', 'office', 'admin'],
  'POST /api/pay/:token': ['anonymous', 'technician', 'office', 'admin'],
  // Scheduling (issue 11): admins manage technicians; the office schedules; a technician reaches
  // only their own visits (the services enforce that) and their own day.
  'GET /api/technicians': ['office', 'admin'],
  'GET /api/technicians/:id': ['office', 'admin'],
  'GET /api/technicians/:id/history': ['admin'],
  'POST /api/technicians': ['admin'],
  'PUT /api/technicians/:id': ['admin'],
  'GET /api/schedule/board': ['office', 'admin'],
  'GET /api/schedule/changes': ['office', 'admin'],
  'POST /api/schedule/dispatch': ['office', 'admin'],
  'GET /api/schedule/settings': ['office', 'admin'],
  'PUT /api/schedule/settings': ['admin'],
  'GET /api/visits': ['office', 'admin'],
  'POST /api/visits': ['office', 'admin'],
  'GET /api/visits/:id': ['technician', 'office', 'admin'],
  'PATCH /api/visits/:id': ['office', 'admin'],
  'GET /api/visits/:id/history': ['office', 'admin'],
  'GET /api/visits/:id/suggestions': ['office', 'admin'],
  'POST /api/visits/:id/schedule': ['office', 'admin'],
  'POST /api/visits/:id/unassign': ['office', 'admin'],
  'POST /api/visits/:id/dispatch': ['office', 'admin'],
  'POST /api/visits/:id/status': ['technician', 'office', 'admin'],
  'POST /api/visits/:id/cancel': ['office', 'admin'],
  'GET /api/my/visits': ['technician'],
  'GET /api/public/logo/:version': ['anonymous', 'technician', 'office', 'admin'],
}

let t: TestApp
const emails = {} as Record<Role, string>
before(async () => {
  t = await startTestApp()
  for (const role of ['admin', 'office', 'technician'] as const) emails[role] = await t.addUser(role)
})
after(() => t.close())

test('every route declares its access and the table above agrees', () => {
  const routes = apiRoutes(t.deps, { sessionTtlHours: 1, cookieSecure: false, loginRateLimit: 10 })
  const declared = routes.map((r) => `${r.method} ${r.url}`).sort()
  assert.deepEqual(declared, Object.keys(EXPECTED).sort())
  for (const r of routes) {
    const who: Who[] = r.access === 'public' ? ['anonymous', 'technician', 'office', 'admin'] : [...r.access]
    assert.deepEqual(who.sort(), [...EXPECTED[`${r.method} ${r.url}`]].sort(), `${r.method} ${r.url}`)
  }
})

test('each role gets exactly the routes it may use (401 anonymous, 403 wrong role)', async () => {
  for (const [key, allowed] of Object.entries(EXPECTED)) {
    const [method, path] = key.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH', string]
    const url = path.replace(/:id/g, 'no-such-id')
    for (const who of ['anonymous', 'technician', 'office', 'admin'] as const) {
      // A fresh session per call: the logout route would end a shared one.
      const headers = who === 'anonymous' ? {} : await loginHeaders(t.app, emails[who])
      const res = await t.app.inject({ method, url, headers, ...(method === 'GET' ? {} : { payload: {} }) })
      const label = `${who} ${key} -> ${res.statusCode} ${res.body.slice(0, 120)}`
      if (allowed.includes(who)) assert.ok(![401, 403].includes(res.statusCode) && res.statusCode < 500, label)
      else assert.equal(res.statusCode, who === 'anonymous' ? 401 : 403, label)
      if (res.statusCode >= 400) assert.ok(res.json().error?.code, `error shape: ${label}`)
    }
  }
})

test('state-changing requests without the CSRF token are refused and change nothing', async () => {
  const { cookie } = await loginHeaders(t.app, emails.office)
  const res = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { cookie }, payload: { name: 'No Token' } })
  assert.equal(res.statusCode, 403)
  assert.equal(res.json().error.code, 'csrf_failed')
  const wrong = await t.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: { cookie, 'x-csrf-token': 'forged' },
    payload: { name: 'Forged Token' },
  })
  assert.equal(wrong.statusCode, 403)
  const list = await t.app.inject({ method: 'GET', url: '/api/customers', headers: { cookie } })
  assert.equal(list.json().total, 0)
})
