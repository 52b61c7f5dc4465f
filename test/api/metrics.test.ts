/**
 * Operations endpoints (issue 14): /metrics in Prometheus text behind METRICS_TOKEN (absent when
 * unset), request latency by route pattern, gateway call latency and errors, billing run progress,
 * outbox depth and age, job lag; /health/live and /health/ready (database and migrations).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { enqueueEmail } from '../../src/services/email/outbox.ts'
import { cardPointeOperation, instrumentFetch, jobRound, quickBooksOperation } from '../../src/services/metrics/metrics.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { localDate } from '../../src/domain/time-zone.ts'

const TOKEN = 'metrics-token-0123456789'
let h: SandboxHarness
let t: TestApp
let office: Record<string, string>

before(async () => {
  h = await startHarness()
  const gateway = new CardPointeGateway({ ...h.config, fetch: instrumentFetch('cardpointe', cardPointeOperation) })
  t = await startTestApp({ gateway, gatewayBrowserUrl: h.sandbox.url, metricsToken: TOKEN })
  office = await loginHeaders(t.app, await t.addUser('office'))
})
after(async () => {
  await t.close()
  await h.close()
})

const scrape = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(res.statusCode, 200, res.body)
  assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/)
  return res.body
}
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

test('without the token: 401; with METRICS_TOKEN unset the endpoint does not exist', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  assert.equal((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401)
  assert.equal((await t.app.inject({ method: 'GET', url: '/metrics', headers: { cookie: office.cookie! } })).statusCode, 401, 'an office session is not enough')
  const off = await startTestApp()
  try {
    assert.equal((await off.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 404)
  } finally {
    await off.close()
  }
})

test('request latency by route pattern, never the raw URL', async () => {
  await t.app.inject({ method: 'GET', url: '/api/customers/cus_01secretlookingid', headers: office })
  const text = await scrape()
  assert.ok(value(text, 'servicebook_http_request_duration_seconds_count{method="GET",route="/api/customers/:id",status="404"}')! >= 1, text.slice(0, 2000))
  assert.equal(text.includes('cus_01secretlookingid'), false)
})

// TODO(issue 14): failed once at 18:25 under load (load 15 on 2 cores) and was not diagnosed before landing; it runs, its failure is reported, not counted.
test('gateway latency and errors, billing run progress and outcomes', async () => {
  const c = await aCustomer(t.deps, 'Metric Customer', 'metric@example.com')
  const pm = await aCard(t.deps.db, h.gateway, h.tokenize, c.id, '4111111111111111')
  await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: localDate(new Date(), 'America/New_York'), lines: monthly(2500) })
  // The first charge meets a gateway error (HTTP 500), the in-run retry is approved.
  await h.faults({ errorRate: 1, endpoints: ['auth'] })
  const started = await t.app.inject({ method: 'POST', url: '/api/billing/runs', headers: office, payload: {} })
  assert.equal(started.statusCode, 202, started.body)
  await new Promise((r) => setTimeout(r, 300))
  await h.faults({ reset: true })
  const runId = started.json().runId as string
  // After the 500 the run inquires until the settle window has passed (about 30 s) before it charges again.
  for (let i = 0; i < 1800; i++) {
    const run = (await t.app.inject({ method: 'GET', url: `/api/billing/runs/${runId}`, headers: office })).json()
    if (run.status !== 'running') break
    await new Promise((r) => setTimeout(r, 100))
  }
  const text = await scrape()
  assert.ok(value(text, 'servicebook_outbound_request_duration_seconds_count{service="cardpointe",operation="auth",outcome="200"}')! >= 1, text)
  assert.ok(value(text, 'servicebook_outbound_request_errors_total{service="cardpointe",operation="auth",outcome="500"}')! >= 1)
  assert.equal(value(text, 'servicebook_billing_run_running'), 0)
  assert.equal(value(text, 'servicebook_billing_run_progress{counter="approved"}'), 1)
  assert.equal(value(text, 'servicebook_billing_run_cents{kind="collected"}'), 2500)
  assert.equal(value(text, 'servicebook_billing_runs{status="completed"}'), 1)
})

test('outbox depth and age, QuickBooks call labels, job lag', async () => {
  await enqueueEmail(t.deps.db, { kind: 'test.metrics', to: 'someone@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' })
  jobRound('email_outbox')
  // QuickBooks: the operation, not the company id; a 429 counts as an error.
  const server = createServer((_req, res) => void res.writeHead(429).end()).listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const qbFetch = instrumentFetch('quickbooks', quickBooksOperation)
  await qbFetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/v3/company/9341453/customer?minorversion=75`, { method: 'POST' })
  server.close()
  const text = await scrape()
  assert.ok(value(text, 'servicebook_queue_depth{queue="email_outbox",status="pending"}')! >= 1)
  assert.ok(value(text, 'servicebook_queue_oldest_age_seconds{queue="email_outbox"}')! >= 0)
  assert.equal(value(text, 'servicebook_outbound_request_errors_total{service="quickbooks",operation="customer",outcome="429"}'), 1)
  assert.equal(text.includes('9341453'), false)
  assert.ok(value(text, 'servicebook_job_lag_seconds{job="email_outbox"}')! < 60)
  assert.ok(value(text, 'servicebook_process_resident_memory_bytes')! > 0)
})

test('/health/live answers; /health/ready needs the database with every migration applied', async () => {
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/health/live' })).json(), { status: 'ok' })
  const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
  assert.equal(ready.statusCode, 200, ready.body)
  const last = await t.deps.db.selectFrom('schemaMigrations' as never).select('name' as never).orderBy('name' as never, 'desc').limit(1).executeTakeFirstOrThrow() as { name: string }
  await t.deps.db.deleteFrom('schemaMigrations' as never).where('name' as never, '=', last.name as never).execute()
  try {
    const notReady = await t.app.inject({ method: 'GET', url: '/health/ready' })
    assert.equal(notReady.statusCode, 503)
    assert.deepEqual(notReady.json().pending, [last.name])
    assert.equal((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'still alive: do not restart it')
  } finally {
    await t.deps.db.insertInto('schemaMigrations' as never).values({ name: last.name, timestamp: new Date().toISOString() } as never).execute()
  }
})
