/**
 * POST /api/reconciliation for the office: the day side by side after a billing run and the batch
 * close, a mismatch with its link once the books lose a payment, and bad dates refused with 422
 * naming the field (nothing reconciled). Who may call it: test/api/role-matrix.test.ts.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { ReconciliationDto } from '../../src/contracts/reconciliation.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { companyToday } from '../../src/services/settings/company-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import type { TestApp } from '../helpers/test-app.ts'

let h: SandboxHarness
let t: TestApp
let office: Record<string, string>
let api: BillingApi
let today: string

// The sandbox dates its batches by the real clock, so the books use it too.
before(async () => {
  ;({ h, t, office } = api = await startBillingApi(() => new Date()))
  today = await companyToday(t.deps)
})
after(() => api.close())

const reconcile = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/reconciliation', headers: office, payload })

test('the office sees the day side by side, then the mismatch with its link', async () => {
  const c = await aCustomer(t.deps, 'Ivy Api', 'ivy@example.com')
  const pm = await aCard(t.deps.db, t.deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: today, lines: monthly(4200) })
  await (await startBillingRun(t.deps, { through: today, actor: null, settleWindowMs: 1000 })).done
  await h.settle()

  const clean = await reconcile({ from: today, to: today })
  assert.equal(clean.statusCode, 200, clean.body)
  const body = clean.json<ReconciliationDto>()
  assert.deepEqual(body.days, [{ day: today, gateway: { count: 1, cents: 4200 }, books: { count: 1, cents: 4200 }, ledger: null, mismatches: 0 }])
  assert.deepEqual(body.mismatches, [])

  await sql`delete from payments where invoice_id in (select id from invoices where agreement_id = ${agr})`.execute(t.deps.db)
  const after = (await reconcile({ to: today })).json<ReconciliationDto>()
  assert.deepEqual(after.mismatches.map((m) => [m.kind, m.otherCents, m.link.href]), [['charged_not_recorded', 4200, `/agreements/${agr}`]])
})

test('bad dates are 422 naming the field', async () => {
  for (const [payload, field] of [[{ from: '2026-02-30' }, 'from'], [{ to: 'yesterday' }, 'to'], [{ from: today, to: '2999-01-01' }, 'to']] as const) {
    const res = await reconcile(payload)
    assert.equal(res.statusCode, 422, res.body)
    assert.ok(field in res.json<{ error: { details: { fields: Record<string, string> } } }>().error.details.fields, res.body)
  }
})
