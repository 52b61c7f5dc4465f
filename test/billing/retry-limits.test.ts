/**
 * Two limits on retrying a failed charge, through daily Bill all runs against the sandbox
 * (domain/payment-retry.ts as the charge path applies it):
 * - gateway errors (the processor said "retry", nothing charged) are tried again at the next
 *   runs only up to the configured number of times, then no more, whatever runs follow;
 * - a decline whose merchant advice code says "retry after 8 days" is not retried before day 8,
 *   even though the company's schedule (day 1) and the decline's own category (1 day) allow it:
 *   retrying early draws card-network penalties.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { addDays } from '../../src/domain/billing-calendar.ts'
import { localInstant } from '../../src/domain/time-zone.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
let now = new Date('2026-03-02T17:00:00Z')

before(async () => {
  ;({ h, deps } = s = await startBillingServices(() => now))
  await updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), retryDays: [1, 7], maxSoonRetries: 2 }, null)
})
after(() => s.close())

/**
 * An agreement charged `amountCents` from `start` (the sandbox answers by amount), billed by one
 * Bill all a day at noon in New York for `days` days; the days (0 = start) its invoice was charged.
 */
async function chargeDays(name: string, start: string, amountCents: number, days: number): Promise<number[]> {
  const c = await aCustomer(deps, name, null)
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: start, lines: monthly(amountCents) })
  const charged: number[] = []
  let sent = 0
  for (let day = 0; day < days; day++) {
    const date = addDays(start, day)
    now = localInstant(date, 'America/New_York', '12:00')
    const run = await (await startBillingRun(deps, { through: date, actor: null, settleWindowMs: 1000, inRunRetries: 0 })).done
    assert.equal(run.status, 'completed', run.error ?? '')
    const attempts = await deps.db.selectFrom('chargeAttempts as ca').innerJoin('invoices as i', 'i.id', 'ca.invoiceId').select('ca.id').where('i.agreementId', '=', agr).execute()
    // What reached the gateway, not only what we wrote down.
    const auths = (await h.ledger()).filter((r) => r.type === 'auth' && attempts.some((a) => a.id === r.orderid)).length
    assert.equal(auths, attempts.length)
    if (auths > sent) charged.push(day)
    sent = auths
  }
  return charged
}

test('gateway errors are retried at the next runs only up to the configured number of times', async () => {
  // $1505.00: the processor answers 505 Retry (respstat B) every time.
  assert.deepEqual(await chargeDays('Gus Gateway', '2026-03-02', 150500, 6), [0, 1, 2])
  const invoice = await deps.db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customerId').select(['i.status', 'i.retryState', 'i.failureCode']).where('c.name', '=', 'Gus Gateway').executeTakeFirstOrThrow()
  assert.deepEqual([invoice.status, invoice.retryState, invoice.failureCode], ['failed', 'exhausted', 'gateway_error'])
})

test("a decline's 'retry after 8 days' advice holds the retry back past the schedule's day 1", async () => {
  // $1116.00: insufficient funds (Visa category 2, "wait a day"); the issuer's advice says 8 days.
  const days = await h.withFaults({ merchAdviceCode: '29' }, () => chargeDays('Ada Advice', '2026-04-01', 111600, 10))
  assert.deepEqual(days, [0, 8])
  // Without the advice the same decline is retried on the schedule: days 1 and 7.
  assert.deepEqual(await chargeDays('Sam Schedule', '2026-05-01', 111600, 10), [0, 1, 7])
})
