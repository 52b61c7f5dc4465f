/**
 * The rolling visit planner on a real database. Covers: approval plans the first 12 months
 * (numbered, with the planner's cursor); the daily job adds visits as the horizon moves, for
 * open-ended and multi-year agreements, and stops at a term's end; planning runs at once from
 * two callers (and twice) without a duplicate; a suspended agreement's new visits start on hold;
 * closed agreements get none; the job as wired in main.ts plans once a company-local day.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { approveAgreement } from '../../src/services/agreements/approve-agreement.ts'
import { planDueAgreementVisits, startVisitPlanner } from '../../src/services/scheduling/visit-planner.ts'
import { aCustomer, anAgreement } from '../helpers/billing-fixtures.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

let t: TestApp
let now = new Date('2027-03-10T15:00:00Z')

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
  await t.deps.db.updateTable('companySettings').set({ timeZone: 'America/Chicago' }).where('id', '=', 1).execute()
})
after(() => t.close())

async function agreement(o: { start: string; termMonths: number | null; visits: number; months?: number[]; status?: 'active' | 'pending_approval' | 'suspended' | 'closed' }) {
  const c = await aCustomer(t.deps, 'Plan Customer', null)
  const endDate = o.termMonths === null ? null : new Date(Date.UTC(Number(o.start.slice(0, 4)), Number(o.start.slice(5, 7)) - 1 + o.termMonths, Number(o.start.slice(8)))).toISOString().slice(0, 10)
  const id = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: o.start, termMonths: o.termMonths, endDate, status: o.status ?? 'active', name: 'Tune-ups' })
  await t.deps.db.updateTable('agreements').set({ visitsPerTerm: o.visits, visitMonths: o.months ?? [] }).where('id', '=', id).execute()
  return id
}
const visitsOf = (id: string) =>
  t.deps.db.selectFrom('workOrders').select(['visitSeq', 'windowStart', 'status', 'statusBeforeSuspension', 'description']).where('agreementId', '=', id).orderBy('visitSeq').execute()

test('approval plans the first 12 months; the daily job keeps 12 months ahead of an open-ended agreement', async () => {
  const id = await agreement({ start: '2027-03-15', termMonths: null, visits: 2, months: [4, 10], status: 'pending_approval' })
  await approveAgreement(t.deps, id, null)
  assert.deepEqual((await visitsOf(id)).map((v) => [v.visitSeq, v.windowStart, v.description]), [
    [1, '2027-04-01', 'Tune-ups: visit 1 of 2 (Apr 2027)'],
    [2, '2027-10-01', 'Tune-ups: visit 2 of 2 (Oct 2027)'],
  ])
  assert.equal((await t.deps.db.selectFrom('agreements').select('visitsPlannedUntil').where('id', '=', id).executeTakeFirstOrThrow()).visitsPlannedUntil, '2028-04-01')
  now = new Date('2027-04-02T15:00:00Z')
  await planDueAgreementVisits(t.deps)
  assert.equal((await visitsOf(id)).length, 3, 'April 2028 is now within 12 months')
  now = new Date('2029-04-02T15:00:00Z')
  await planDueAgreementVisits(t.deps)
  assert.deepEqual((await visitsOf(id)).map((v) => v.visitSeq), [1, 2, 3, 4, 5, 6, 7])
})

test('a multi-year term is planned 12 months at a time and stops at its end', async () => {
  now = new Date('2026-12-20T15:00:00Z')
  const id = await agreement({ start: '2027-01-01', termMonths: 36, visits: 6, status: 'pending_approval' })
  await approveAgreement(t.deps, id, null)
  assert.deepEqual((await visitsOf(id)).map((v) => v.windowStart), ['2027-01-01', '2027-07-01'], 'approved before its start: 12 months from the start')
  now = new Date('2028-01-04T15:00:00Z')
  await planDueAgreementVisits(t.deps)
  assert.deepEqual((await visitsOf(id)).map((v) => v.windowStart), ['2027-01-01', '2027-07-01', '2028-01-01', '2028-07-01', '2029-01-01'])
  now = new Date('2031-01-04T15:00:00Z')
  await planDueAgreementVisits(t.deps)
  assert.equal((await visitsOf(id)).length, 6)
  const again = await planDueAgreementVisits(t.deps)
  assert.equal(again.visits, 0)
})

test('planning at once from two callers, and twice, never creates a visit twice; suspended ones start on hold; closed get none', async () => {
  now = new Date('2027-06-01T15:00:00Z')
  const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => agreement({ start: `2027-0${1 + (i % 5)}-1${i}`, termMonths: null, visits: 4 })))
  const held = await agreement({ start: '2027-05-01', termMonths: null, visits: 2, status: 'suspended' })
  const closed = await agreement({ start: '2027-05-01', termMonths: null, visits: 2, status: 'closed' })
  const count = async () => Number((await t.deps.db.selectFrom('workOrders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const before = await count()
  const [a, b] = await Promise.all([planDueAgreementVisits(t.deps, { batchSize: 3 }), planDueAgreementVisits(t.deps, { batchSize: 2 })])
  const created = (await count()) - before
  assert.ok(created > 8 * 4)
  assert.equal(a.visits + b.visits, created, 'each visit created by one caller only')
  const job = startVisitPlanner(t.deps, { intervalMs: 3_600_000 })
  try {
    await job.tick()
    await planDueAgreementVisits(t.deps)
  } finally {
    job.stop()
  }
  assert.equal(await count(), before + created, 'planning again creates nothing')
  for (const id of ids) {
    const seqs = (await visitsOf(id)).map((v) => v.visitSeq)
    assert.equal(new Set(seqs).size, seqs.length)
    assert.ok(seqs.length >= 4)
  }
  const heldVisits = await visitsOf(held)
  assert.equal(heldVisits.length, 3, 'May and November 2027, May 2028')
  assert.ok(heldVisits.every((v) => v.status === 'suspended' && v.statusBeforeSuspension === 'open'))
  assert.deepEqual(await visitsOf(closed), [])
})

test('the job plans once a company-local day', async () => {
  now = new Date('2027-06-02T04:30:00Z') // 23:30 on June 1 in Chicago
  const job = startVisitPlanner(t.deps, { intervalMs: 3_600_000 })
  try {
    await job.tick()
    const id = await agreement({ start: '2027-06-01', termMonths: null, visits: 1 })
    await job.tick()
    assert.deepEqual(await visitsOf(id), [], 'already planned today (June 1 in Chicago)')
    now = new Date('2027-06-02T05:30:00Z') // 00:30 on June 2 in Chicago
    await job.tick()
    assert.deepEqual((await visitsOf(id)).map((v) => v.windowStart), ['2027-06-01', '2028-06-01'])
  } finally {
    job.stop()
  }
})
