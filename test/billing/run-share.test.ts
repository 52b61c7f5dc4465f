/**
 * A server's share of a run's charges (run-share.ts `chargeShare`), held directly: a run no
 * longer charging (the holder moved it on, or it ended) gets nothing more from it and the share
 * ends quietly; a charge sent again after its attempt turned out never sent is not counted again
 * among the run's invoices to charge.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { Tally } from '../../src/services/billing/billing-runs.ts'
import { getBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { claimAttempts } from '../../src/services/billing/charge.ts'
import { singleTarget } from '../../src/services/billing/charge-types.ts'
import { chargeShare, type Share } from '../../src/services/billing/run-share.ts'
import { invoicedOnCard, startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ deps } = s = await startBillingServices(() => now)))
after(() => s.close())

async function shareOf(runId: string, status: 'running' | 'completed', phase: string): Promise<Share> {
  await deps.db.insertInto('billingRuns').values({ id: runId, throughDate: '2026-03-10', status, phase, startedBy: null, automaticFor: null, owner: 'srv_other' }).execute()
  const settings = await getBillingSettings(deps.db)
  return { deps, runId, through: '2026-03-10', ctx: { runId, settings, settleWindowMs: 1000 }, limit: 2, retries: 0, tally: new Tally(), unchargeable: [], stopping: () => false, halted: () => null }
}
const statusOf = async (ids: string[]) => (await deps.db.selectFrom('invoices').select(['id', 'status']).where('id', 'in', ids).orderBy('periodStart').execute()).map((i) => i.status)

test('a run that has moved on from charging: the share charges nothing and ends without error', async () => {
  const { invoices } = await invoicedOnCard(s, 'Moved On', 1200, { email: 'moved@example.com' })
  for (const [runId, status, phase] of [['run_settling', 'running', 'settle'], ['run_ended', 'completed', 'done']] as const) {
    const share = await shareOf(runId, status, phase)
    await chargeShare(share, '2026-03-10')
    assert.deepEqual(share.tally.c.charged, 0)
  }
  assert.deepEqual(await statusOf(invoices.map((i) => i.id)), ['open'])
  assert.equal((await deps.db.selectFrom('chargeAttemptInvoices').select('attemptId').where('invoiceId', '=', invoices[0]!.id).execute()).length, 0)
  await deps.db.updateTable('billingRuns').set({ status: 'completed', phase: 'done' }).execute()
  await deps.db.updateTable('invoices').set({ status: 'void' }).where('id', '=', invoices[0]!.id).execute() // out of the next test's run
})

test('a charge sent again after its attempt turned out never sent is charged but not counted again among the invoices to charge', async () => {
  // Feb and Mar due; an earlier pass of this run sent Feb alone (Mar was not due then: say the
  // card went on file since), and its attempt turned out never sent.
  const { invoices, pm } = await invoicedOnCard(s, 'Sent Again', 1300, { start: '2026-02-01', email: 'again@example.com' })
  const [feb, mar] = [invoices[0]!, invoices[1]!]
  const share = await shareOf('run_again', 'running', 'charge')
  const [claim] = await claimAttempts(deps, [singleTarget(feb.id, 1300, pm)], 'run_again')
  await deps.db.updateTable('chargeAttempts').set({ status: 'not_sent' }).where('id', '=', claim!.orderId).execute()
  await chargeShare(share, '2026-03-10')
  assert.deepEqual(await statusOf([feb.id, mar.id]), ['paid', 'paid'])
  assert.deepEqual([share.tally.c.charged, share.tally.c.approved, share.tally.c.collectedCents], [1, 1, 2600])
  assert.equal(share.tally.c.invoicesToCharge, 0, 'counted when first sent')
})
