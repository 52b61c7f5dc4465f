/**
 * The dashboard's agreement figures come from tallies a trigger keeps (migration 0026); both
 * databases. Agreements changed through the app (approve, suspend, reactivate, close at the period's
 * end and now, a plan moved, an agreement's price changed, one deleted) leave the tallies equal to a
 * count straight from the agreements, and the tiles equal to a direct count. Monthly recurring
 * revenue is integer cents: exactly 1,526.5 a month is 1,527 (added in floats it was 1,526).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { newId } from '../../src/domain/ids.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { compactAgreementTallies } from '../../src/services/dashboard/tallies.ts'
import { createPostgresDatabaseUrl, testBackend } from '../helpers/test-db.ts'
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

let t: TestApp
let h: Record<string, string>
const now = new Date('2026-06-15T17:00:00Z')

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
  h = await loginHeaders(t.app, await t.addUser('office'))
})
after(() => t.close())

const dashboard = async () => {
  const r = await t.app.inject({ method: 'GET', url: '/api/dashboard', headers: h })
  assert.equal(r.statusCode, 200, r.body)
  return r.json()
}

/** The tallies summed by group (the trigger adds +1/−1 rows), and the same grouping counted from the agreements themselves. */
async function talliesAndAgreements() {
  const key = 'plan_id, status, has_next, open, start_date, end_date, end_month, billing_interval_months'
  const tallies = await sql
    .raw<Record<string, unknown>>(`select ${key}, n, recurring_cents from (select ${key}, sum(n)::int as n, sum(recurring_cents)::int8 as recurring_cents from agreement_tallies group by ${key} having sum(n) <> 0) x order by ${key}`)
    .execute(t.deps.db)
  const direct = await sql
    .raw<Record<string, unknown>>(
      `select ${key}, n, recurring_cents from (select plan_id, status, renewed_by_id is not null as has_next, close_on is null as open, start_date, end_date, end_month,
        billing_interval_months, count(*)::int as n, coalesce(sum(recurring_cents), 0)::int8 as recurring_cents from agreements group by 1, 2, 3, 4, 5, 6, 7, 8) x order by ${key}`,
    )
    .execute(t.deps.db)
  return [tallies.rows, direct.rows]
}

test('recurring revenue in whole cents, rounded once: 1,526.5 a month is 1,527', async () => {
  const c = await aCustomer(t.deps, 'Tally Customer', 'tally@example.com')
  const base = { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01' }
  // In this order a float sum gives 454/12 + 3522/3 + 3724/12 + 52/12 = 1526.4999999999998.
  for (const [cents, interval] of [[454, 12], [3522, 3], [3724, 12], [52, 12]] as const) await anAgreement(t.deps.db, { ...base, intervalMonths: interval, lines: monthly(cents) })
  const d = await dashboard()
  assert.equal(d.tiles.mrrCents, 1527)
  assert.equal(d.series.mrrCents.at(-1), 1527)
  assert.deepEqual(d.series.agreementsByPlan.map((p: { mrrCents: number }) => p.mrrCents), [1527])
  assert.deepEqual(d.series.mrrCents, [0, 0, 0, 0, 0, 0, 1527, 1527, 1527, 1527, 1527, 1527], 'from January, when the four began')
  const [tallies, direct] = await talliesAndAgreements()
  assert.deepEqual(tallies, direct)
})

test('agreements changed through the app keep the tallies and the tiles equal to a direct count', async () => {
  const db = t.deps.db
  const c = await aCustomer(t.deps, 'Busy Customer', 'busy@example.com')
  const base = { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01' }
  const pending = await anAgreement(db, { ...base, startDate: '2026-06-01', status: 'pending_approval', lines: monthly(2000) })
  const toSuspend = await anAgreement(db, { ...base, lines: monthly(3000) })
  const toClose = await anAgreement(db, { ...base, lines: monthly(4000) })
  const toCloseLater = await anAgreement(db, { ...base, endDate: '2026-07-01', lines: monthly(5000) })
  const toDelete = await anAgreement(db, { ...base, lines: monthly(100) })
  const call = async (url: string, payload?: object) => {
    const r = await t.app.inject({ method: 'POST', url, headers: h, ...(payload ? { payload } : {}) })
    assert.ok(r.statusCode < 300, `${url}: ${r.statusCode} ${r.body}`)
  }
  const before = await dashboard()
  await call(`/api/agreements/${pending}/approve`)
  await call(`/api/agreements/${toSuspend}/suspend`, { reason: 'Card declined' })
  await call(`/api/agreements/${toClose}/close`, { when: 'now', reason: 'Moved away' })
  await call(`/api/agreements/${toCloseLater}/close`, { when: 'period_end', reason: 'Sold the house' })
  const plan = newId('pln')
  await db.insertInto('plans').values({ id: plan, name: 'Gold', priceCents: 1000, billingFrequency: 'monthly', billingIntervalMonths: 1, termMonths: 12, archivedAt: null }).execute()
  await db.updateTable('agreements').set({ planId: plan, lines: JSON.stringify(monthly(2500)) }).where('id', '=', pending).execute()
  await db.updateTable('agreements').set({ nextBillDate: '2026-07-01', billedPeriods: 6 }).where('customerId', '=', c.id).execute() // no tally column: nothing moves
  await db.deleteFrom('agreements').where('id', '=', toDelete).execute()

  const [tallies, direct] = await talliesAndAgreements()
  assert.deepEqual(tallies, direct)
  // Compacted: one row per group, the same sums, the same dashboard.
  const rowsBefore = (await sql<{ n: number }>`select count(*)::int as n from agreement_tallies`.execute(db)).rows[0]!.n
  const compacted = await compactAgreementTallies(db)
  assert.ok(compacted.after < compacted.before && compacted.before === rowsBefore, JSON.stringify({ compacted, rowsBefore }))
  assert.deepEqual(await talliesAndAgreements(), [direct, direct])
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from agreement_tallies`.execute(db)).rows[0]!.n, direct.length)
  const d = await dashboard()
  const count = async (where: string) => (await sql.raw<{ n: number }>(`select count(*)::int as n from agreements a where ${where}`).execute(db)).rows[0]!.n
  const inTerm = `a.start_date <= '2026-06-15' and (a.end_date is null or a.end_date > '2026-06-15')`
  assert.equal(d.tiles.activeAgreements, await count(`status = 'active' and ${inTerm}`))
  assert.equal(d.tiles.suspendedAgreements, await count(`status = 'suspended'`))
  assert.equal(d.tiles.pendingApprovals, await count(`status = 'pending_approval'`))
  assert.equal(d.tiles.expiring30, await count(`status in ('active', 'suspended') and renewed_by_id is null and close_on is null and end_date > '2026-06-15' and end_date <= '2026-07-15'`))
  // Before: the first test's 1,527 and 3000 + 4000 + 5000 + 100; after: approved (2500), suspended (−3000), closed now (−4000), deleted (−100).
  assert.equal(before.tiles.mrrCents, 1527 + 12100)
  assert.equal(d.tiles.mrrCents, 1527 + 2500 + 5000)
  assert.deepEqual([before.tiles.pendingApprovals, d.tiles.pendingApprovals, before.tiles.suspendedAgreements, d.tiles.suspendedAgreements], [1, 0, 0, 1])
  assert.deepEqual([before.tiles.expiring30, d.tiles.expiring30], [1, 0], 'closing at the period end takes it out of the expiring list')
})

test('two transactions suspending agreements of the same groups in opposite order neither deadlock nor wait on each other', { skip: testBackend !== 'postgres' && 'one connection on PGlite' }, async () => {
  const pg = await createPostgresDatabaseUrl()
  const handle = await openDatabase({ kind: 'postgres', url: pg!.url, poolSize: 4 })
  try {
    const db = handle.db
    await migrateToLatest(db)
    const c = await aCustomer({ db, clock: { now: () => now } } as never, 'Order Customer', 'order@example.com')
    const base = { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', termMonths: 12, endDate: '2027-01-01' }
    // Two groups (monthly at $10 and quarterly at $20), two agreements in each.
    const [a1, a2] = [await anAgreement(db, { ...base, lines: monthly(1000) }), await anAgreement(db, { ...base, lines: monthly(1000) })]
    const [b1, b2] = [await anAgreement(db, { ...base, intervalMonths: 3, lines: monthly(2000) }), await anAgreement(db, { ...base, intervalMonths: 3, lines: monthly(2000) })]
    const suspend = (tx: typeof db, id: string) => tx.updateTable('agreements').set({ status: 'suspended' }).where('id', '=', id).execute()
    // Each transaction suspends one of each group, in opposite orders, holding its first write while the other makes its own.
    let release!: () => void
    const bothFirst = new Promise<void>((r) => (release = r))
    let firsts = 0
    const run = (first: string, second: string) =>
      db.transaction().execute(async (tx) => {
        await suspend(tx, first)
        if (++firsts === 2) release()
        await bothFirst
        await suspend(tx, second)
      })
    const outcome = await Promise.race([
      Promise.all([run(a1, b1), run(b2, a2)]).then(() => 'both committed'),
      new Promise((r) => setTimeout(() => r('waited'), 3_000)),
    ])
    assert.equal(outcome, 'both committed')
    const counts = await sql<{ status: string; n: number }>`select status, sum(n)::int as n from agreement_tallies group by status having sum(n) <> 0 order by status`.execute(db)
    assert.deepEqual(counts.rows, [{ status: 'suspended', n: 4 }])
  } finally {
    await handle.close()
    await pg?.drop()
  }
})
