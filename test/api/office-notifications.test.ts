/**
 * Office notifications that lead to the next action (issue 13, defect 1), through the API with
 * the CardPointe sandbox: a failed payment, a suspension, retries used up, a customer who put a
 * new card on file and paid (the agreement then says it can be reactivated), an automatic run
 * that could not run. What a notification still asks for is derived from its agreement: a
 * sign-up stops asking for approval once approved, a suspension once reactivated.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { NotificationDto } from '../../src/contracts/notifications.ts'
import { loginHeaders, type TestApp } from '../helpers/test-app.ts'
import { startBillingApi, type BillingApi } from '../helpers/billing-services.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { getBillingSettings, updateBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { startAutomaticBilling } from '../../src/services/billing/automatic-billing.ts'
import { notifyOffice } from '../../src/services/notifications/notifications.ts'

let h: SandboxHarness
let t: TestApp
let s: BillingApi
let office: Record<string, string>
let now = new Date('2026-03-15T15:00:00Z')

before(async () => void ({ h, t, office } = s = await startBillingApi(() => now)))
after(() => s.close())

const notifications = async (): Promise<NotificationDto[]> => {
  const res = await t.app.inject({ method: 'GET', url: '/api/notifications?pageSize=100', headers: office })
  assert.equal(res.statusCode, 200, res.body)
  return res.json().items
}
const about = async (agreementId: string, kind: string) => (await notifications()).filter((n) => n.link === `/agreements/${agreementId}` && n.kind === kind)
const run = async (through: string) => void (await (await startBillingRun(t.deps, { through, actor: null, settleWindowMs: 1000 })).done)
const settings = async (change: Partial<Awaited<ReturnType<typeof getBillingSettings>>>) =>
  updateBillingSettings(t.deps, { ...(await getBillingSettings(t.deps.db)), ...change }, null)

test('failed payment, suspension, retries used up, the customer pays: each reaches the office with its next step', async () => {
  const deps = t.deps
  await settings({ suspendOnFailure: true, retryDays: [3] })
  // No card on file: nothing can be charged until the customer adds one.
  const susan = await aCustomer(deps, 'Susan Suspend', 'susan@example.com')
  const susanAgr = await anAgreement(deps.db, { customerId: susan.id, locationId: susan.locationId, paymentMethodId: null, startDate: '2026-03-01', lines: monthly(4200) })
  await run('2026-03-15')

  const [suspended] = await about(susanAgr, 'agreement.suspended')
  assert.ok(suspended, 'the suspension reaches the office')
  assert.match(suspended.title, /^Payment failed, agreement suspended: Susan Suspend, agreement #\d+: \$42\.00 \(invoice \d+\)$/)
  assert.match(suspended.body, /^There is no payment method on file\. No retry until the customer puts a new card or bank account on file\. The customer was emailed a link/)
  assert.equal(suspended.nextAction, 'Collect the payment')

  // Without suspension: a plain failed payment.
  await settings({ suspendOnFailure: false })
  const fred = await aCustomer(deps, 'Fred Failed', 'fred@example.com')
  const fredCard = await aCard(deps.db, deps.gateway, h.tokenize, fred.id, '4111111111111111')
  // $1116.00 declines for insufficient funds in the sandbox: retried on the company's schedule.
  const fredAgr = await anAgreement(deps.db, { customerId: fred.id, locationId: fred.locationId, paymentMethodId: fredCard, startDate: '2026-03-01', lines: monthly(111600) })
  // A British company: the next try's date is written its way.
  await deps.db.updateTable('companySettings').set({ locale: 'en-GB' }).where('id', '=', 1).execute()
  await run('2026-03-15')
  await deps.db.updateTable('companySettings').set({ locale: 'en-US' }).where('id', '=', 1).execute()
  const [failed] = await about(fredAgr, 'billing.payment_failed')
  assert.ok(failed, 'the failed payment reaches the office')
  assert.match(failed.title, /^Payment failed: Fred Failed, agreement #\d+: \$1,116\.00/)
  assert.match(failed.body, /^The bank reported insufficient funds\. Next automatic try on 18 Mar 2026\./)
  assert.equal(failed.nextAction, 'Send the payment link or retry')
  assert.equal((await about(susanAgr, 'billing.payment_failed')).length, 0, 'one notification per event: the suspension says the payment failed')

  // The scheduled retry declines again: no retries left.
  now = new Date('2026-03-18T15:00:00Z')
  office = await loginHeaders(t.app, await t.addUser('office'))
  await run('2026-03-18')
  const [exhausted] = await about(fredAgr, 'billing.retries_exhausted')
  assert.ok(exhausted, 'retries used up reach the office')
  assert.match(exhausted.body, /No more automatic retries\./)
  assert.equal(exhausted.nextAction, 'Send the payment link or retry')

  // Susan puts a new card on file through the emailed link and pays.
  const inv = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', susanAgr).executeTakeFirstOrThrow()
  const notice = await deps.db.selectFrom('emailOutbox').select('textBody').where('kind', '=', 'billing.payment_failed').where('relatedId', '=', inv.id).executeTakeFirstOrThrow()
  const token = /\/pay\/([A-Za-z0-9_-]{43})/.exec(notice.textBody)![1]
  const paid = await t.app.inject({ method: 'POST', url: `/api/pay/${token}`, payload: { paymentMethod: { kind: 'card', token: await h.tokenize('4788250000121443'), expiry: '1230' }, name: 'Susan Suspend' } })
  assert.equal(paid.json().paid, true, paid.body)
  const [ready] = await about(susanAgr, 'agreement.can_reactivate')
  assert.ok(ready, 'the office hears the customer paid')
  assert.match(ready.title, /^Susan Suspend updated their card and paid \$42\.00: agreement #\d+ can be reactivated$/)
  assert.equal(ready.nextAction, 'Reactivate')
  // The agreement says so too: nothing failed is left, so it can be reactivated.
  const agreement = (await t.app.inject({ method: 'GET', url: `/api/agreements/${susanAgr}`, headers: office })).json()
  assert.equal(agreement.status, 'suspended')
  assert.deepEqual(agreement.failedInvoices, [])
  assert.equal((await about(susanAgr, 'agreement.suspended'))[0]!.nextAction, 'Reactivate')
  // Fred still owes.
  const fredNow = (await t.app.inject({ method: 'GET', url: `/api/agreements/${fredAgr}`, headers: office })).json()
  assert.equal(fredNow.failedInvoices.length, 1)
  assert.equal((await about(fredAgr, 'billing.payment_failed'))[0]!.nextAction, 'Send the payment link or retry')

  const reactivated = await t.app.inject({ method: 'POST', url: `/api/agreements/${susanAgr}/reactivate`, headers: office })
  assert.equal(reactivated.statusCode, 200, reactivated.body)
  for (const kind of ['agreement.suspended', 'agreement.can_reactivate']) {
    const [n] = await about(susanAgr, kind)
    assert.deepEqual([n!.nextAction, n!.resolution], [null, 'Reactivated'], kind)
  }
})

test('a sign-up notification stops asking for approval once the agreement is approved', async () => {
  const deps = t.deps
  const c = await aCustomer(deps, 'Pia Pending', 'pia@example.com')
  const card = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: card, startDate: '2026-04-01', lines: monthly(3000), status: 'pending_approval' })
  await notifyOffice(deps.db, { kind: 'agreement.pending_approval', title: 'Pia Pending signed up: agreement #9', link: `/agreements/${agr}` })
  assert.deepEqual(
    (await about(agr, 'agreement.pending_approval')).map((n) => [n.nextAction, n.resolution]),
    [['Approve or reject', null]],
  )
  const approved = await t.app.inject({ method: 'POST', url: `/api/agreements/${agr}/approve`, headers: office })
  assert.equal(approved.statusCode, 200, approved.body)
  assert.deepEqual(
    (await about(agr, 'agreement.pending_approval')).map((n) => [n.nextAction, n.resolution]),
    [[null, 'Approved']],
  )
})

test('an automatic run that cannot run tells the office once', async () => {
  const deps = t.deps
  await settings({ autoBill: true, autoBillTime: '00:00' })
  // A time zone the runtime does not know: the job's look at the clock fails every time.
  await deps.db.updateTable('companySettings').set({ timeZone: 'Mars/Olympus_Mons' }).execute()
  const job = startAutomaticBilling(deps, { intervalMs: 3_600_000 })
  try {
    await job.tick()
    await job.tick()
  } finally {
    job.stop()
    await deps.db.updateTable('companySettings').set({ timeZone: 'America/New_York' }).execute()
    await settings({ autoBill: false })
  }
  const failed = (await notifications()).filter((n) => n.kind === 'billing.automatic_run_failed')
  assert.equal(failed.length, 1, JSON.stringify(failed))
  assert.match(failed[0]!.title, /^Automatic billing could not run: /)
  assert.equal(failed[0]!.link, '/billing')
})
