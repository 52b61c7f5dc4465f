/**
 * Scheduled retries with daily automatic billing (issue 9, item 10): a charge declined for
 * insufficient funds on day 0 is retried by the runs of day 3 and day 7 (the default schedule),
 * in the company's time zone, whatever the time of the run and across daylight-saving changes:
 * - New York, first failure on Mar 6 and clocks forward on Mar 8 (72 hours later is 07:00);
 * - Auckland, first failure on Sep 25 and clocks forward on Sep 27;
 * - New York in December, with a clock that moves on during each run as a real one does (the
 *   day-3 run starts at 06:00:00, a little earlier in the day than the failure was recorded).
 * Before, the retry was due at an instant (failure + N × 24 h), missed by those runs: days 4 and 8.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { addDays } from '../../src/domain/billing-calendar.ts'
import { localInstant } from '../../src/domain/time-zone.ts'
import { startAutomaticBilling } from '../../src/services/billing/automatic-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
// The test's clock: set to a moment, then moving on with real time (runs take a few ms).
let base = new Date('2026-03-01T00:00:00Z')
let setAt = Date.now()
const clock = () => new Date(base.getTime() + (Date.now() - setAt))
const setClock = (at: Date) => {
  base = at
  setAt = Date.now()
}

before(async () => {
  ;({ h, deps } = s = await startBillingServices(clock))
  await updateBillingSettings(deps, { ...(await getBillingSettings(deps.db)), autoBill: true, autoBillTime: '06:00' }, null)
})
after(() => s.close())

/**
 * A one-period agreement charged $1116.00 (the sandbox answers insufficient funds) from `start`,
 * with the daily automatic run at 06:00 in `timeZone` for ten days; the days (0 = start) on which
 * its invoice was charged.
 */
async function chargeDays(timeZone: string, start: string): Promise<number[]> {
  await deps.db.updateTable('companySettings').set({ timeZone }).where('id', '=', 1).execute()
  const c = await aCustomer(deps, `Short Funds ${start}`, null)
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: start, termMonths: 1, lines: monthly(111600) })
  const job = startAutomaticBilling(deps, { intervalMs: 3_600_000 })
  const days: number[] = []
  let attempts = 0
  try {
    for (let day = 0; day < 10; day++) {
      setClock(localInstant(addDays(start, day), timeZone, '06:00'))
      await job.tick()
      const n = await deps.db
        .selectFrom('chargeAttempts as ca')
        .innerJoin('invoices as i', 'i.id', 'ca.invoiceId')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('i.agreementId', '=', agr)
        .executeTakeFirstOrThrow()
      if (Number(n.n) > attempts) days.push(day)
      attempts = Number(n.n)
    }
  } finally {
    job.stop()
  }
  const inv = await deps.db.selectFrom('invoices').select(['retryState', 'nextRetryDate']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.deepEqual(inv, { retryState: 'exhausted', nextRetryDate: null }, 'then no more retries')
  return days
}

test('New York across the change to daylight saving time (Mar 8): charged on days 0, 3 and 7', async () => {
  assert.deepEqual(await chargeDays('America/New_York', '2026-03-06'), [0, 3, 7])
})

test('Auckland across the change to daylight saving time (Sep 27): charged on days 0, 3 and 7', async () => {
  assert.deepEqual(await chargeDays('Pacific/Auckland', '2026-09-25'), [0, 3, 7])
})

test('New York in December, a run at 06:00 each day: charged on days 0, 3 and 7', async () => {
  assert.deepEqual(await chargeDays('America/New_York', '2026-12-01'), [0, 3, 7])
})

test('the failed payments list gives the next retry as a company date', async () => {
  await deps.db.updateTable('companySettings').set({ timeZone: 'Pacific/Auckland' }).where('id', '=', 1).execute()
  // 23:30 on Dec 31 in Auckland is 10:30 UTC the same day; the retry is three Auckland days on.
  setClock(new Date('2026-12-31T10:30:00Z'))
  const c = await aCustomer(deps, 'Late Night', null)
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-12-31', termMonths: 1, lines: monthly(111600) })
  const { startBillingRun } = await import('../../src/services/billing/run-billing.ts')
  await (await startBillingRun(deps, { actor: null, settleWindowMs: 1000 })).done
  const { listFailedPayments } = await import('../../src/services/billing/billing-queries.ts')
  const row = (await listFailedPayments(deps.db, 1, 100)).items.find((f) => f.agreementId === agr)!
  assert.deepEqual([row.retryState, row.nextRetryDate], ['scheduled', '2027-01-03'])
})
