/**
 * How far a run may bill (issue 9, item 11): through today in the company's time zone, or up to
 * the days ahead set in Billing settings (0 to 31, default 0) for billing in advance. A later
 * date is refused with a 422 naming `through` and the reason, by the service (so the API, the
 * CLI and the automatic run obey alike), and nothing is invoiced or charged; previews may look
 * further and say how far a run may go. New York after 19:00 is still today there.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../src/domain/errors.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startAutomaticRunIfDue } from '../../src/services/billing/automatic-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'

let h: SandboxHarness
let api: BillingApi
let app: FastifyInstance
let deps: ServiceDeps
let office: Record<string, string>
// 19:30 on Dec 1 in New York (the company's zone); already Dec 2 in UTC.
let now = new Date('2026-12-02T00:30:00Z')

before(async () => {
  api = await startBillingApi(() => now)
  ;({ h, office } = api)
  app = api.t.app
  deps = api.t.deps
  await deps.db.updateTable('companySettings').set({ timeZone: 'America/New_York' }).where('id', '=', 1).execute()
  const c = await aCustomer(deps, 'Ahead Customer', 'ahead@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  // Due Dec 1, Dec 3 and far in the future.
  for (const startDate of ['2026-12-01', '2026-12-03', '2099-12-01']) await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate, lines: monthly(2500) })
})
after(() => api.close())

const counts = async () => ({
  runs: Number((await deps.db.selectFrom('billingRuns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  invoices: Number((await deps.db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  charges: (await h.ledger()).filter((r) => r.type === 'auth' && r.amountCents > 0).length,
})
const setAhead = async (billAheadDays: number) => updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), billAheadDays }, null)
const refusal = (err: unknown) => (err instanceof AppError && err.kind === 'validation' ? (err.details as { fields: Record<string, string> }).fields : null)

test('a run through a later date than today is refused (422 naming through and why); nothing is billed', async () => {
  const before = await counts()
  for (const through of ['9999-12-31', '2099-12-31', '2026-12-02']) {
    const res = await app.inject({ method: 'POST', url: '/api/billing/runs', headers: office, payload: { through } })
    assert.equal(res.statusCode, 422, res.body)
    assert.match(res.json().error.details.fields.through, /^must be on or before 2026-12-01, today in the company's time zone: a run bills nothing that starts later/)
  }
  // The service refuses it too, for the CLI and any other caller.
  await assert.rejects(startBillingRun(deps, { through: '9999-12-31', actor: null }), (err) => /must be on or before 2026-12-01/.test(refusal(err)?.through ?? ''))
  assert.deepEqual(await counts(), before, 'no run, no invoice, no charge')
})

test('previews may look further and say how far a run may bill', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/billing/preview?through=2099-12-31', headers: office })
  assert.equal(res.statusCode, 200)
  const p = res.json()
  assert.deepEqual([p.through, p.today, p.billAheadDays, p.latestThrough], ['2099-12-31', '2026-12-01', 0, '2026-12-01'])
  // Every monthly period up to 2099, 120 per agreement at most (a run's catch-up cap).
  assert.equal(p.invoices, 120 + 120 + 1)
  const plain = (await app.inject({ method: 'GET', url: '/api/billing/preview', headers: office })).json()
  assert.deepEqual([plain.through, plain.invoices], ['2026-12-01', 1])
})

test('billing in advance: up to the days ahead set in Billing settings (at most 31), by default too', async () => {
  const bad = await app.inject({ method: 'PUT', url: '/api/billing/settings', headers: await adminHeaders(), payload: { ...(await getBillingSettings(deps.db)), billAheadDays: 32 } })
  assert.equal(bad.statusCode, 422)
  assert.deepEqual(bad.json().error.details.fields, { billAheadDays: 'must be 0 to 31 days' })
  await setAhead(2)
  const tooFar = await app.inject({ method: 'POST', url: '/api/billing/runs', headers: office, payload: { through: '2026-12-04' } })
  assert.equal(tooFar.statusCode, 422)
  assert.equal(tooFar.json().error.details.fields.through, 'must be on or before 2026-12-03, today (2026-12-01) plus the 2 days ahead set in Billing settings')
  // No date given: as far as allowed. The Dec 3 agreement is billed two days ahead.
  const run = await startBillingRun(deps, { actor: null, settleWindowMs: 1000 })
  assert.equal(run.through, '2026-12-03')
  const summary = await run.done
  assert.deepEqual([summary.invoicesCreated, summary.approved], [2, 2])
  assert.deepEqual((await deps.db.selectFrom('invoices').select('periodStart').orderBy('periodStart').execute()).map((i) => i.periodStart), ['2026-12-01', '2026-12-03'])
})

test('the automatic run bills ahead the same way', async () => {
  await setAhead(5)
  await updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), autoBill: true, autoBillTime: '06:00' }, null)
  now = new Date('2026-12-02T11:00:00Z') // 06:00 on Dec 2 in New York
  const run = await startAutomaticRunIfDue(deps)
  assert.deepEqual([run?.day, (await run!.done).through], ['2026-12-02', '2026-12-07'])
})

async function adminHeaders() {
  const { loginHeaders } = await import('../helpers/test-app.ts')
  return loginHeaders(app, await api.t.addUser('admin'))
}
