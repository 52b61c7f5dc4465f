/**
 * The guards that decide what money is taken, held directly on a real database quickly enough for
 * mutation testing (`npm run mutate`, README): which agreements are due and in what batches, what
 * each due period is invoiced (one-time lines once, tax, nothing owed settled at once), that
 * creating them is idempotent and moves the cursor (due-invoices.ts); and suspending and
 * reactivating an agreement with its work orders (suspension.ts).
 */
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import assert from 'node:assert/strict'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { createDueInvoices, NEVER, planInvoices, streamDueAgreements, type BillableAgreement } from '../../src/services/billing/due-invoices.ts'
import { reactivateAgreementTx, suspendAgreementTx } from '../../src/services/billing/suspension.ts'
import { isId, newId } from '../../src/domain/ids.ts'
import { aCustomer, anAgreement, monthly, type AgreementSpec } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let deps: ServiceDeps
let s: BillingServices
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ deps } = s = await startBillingServices(() => now)))
after(() => s.close())

async function agreement(name: string, spec: Omit<AgreementSpec, 'customerId' | 'locationId' | 'paymentMethodId'>) {
  const c = await aCustomer(deps, name, null)
  return anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, ...spec })
}
const due = async (through: string, batchSize?: number) => {
  const batches: BillableAgreement[][] = []
  for await (const b of streamDueAgreements(deps.db, through, batchSize)) batches.push(b)
  return batches
}
const invoicesOf = (agreementId: string) =>
  deps.db.selectFrom('invoices').select(['id', 'periodIndex', 'periodStart', 'subtotalCents', 'taxCents', 'totalCents', 'status']).where('agreementId', '=', agreementId).orderBy('periodStart').execute()
const cursorOf = (id: string) => deps.db.selectFrom('agreements').select(['billedPeriods', 'nextBillDate']).where('id', '=', id).executeTakeFirstOrThrow()

// First: it sees every agreement in the database.
test('due: active agreements whose next period starts by the date, in id order, batch by batch', async () => {
  const ids = [
    await agreement('Due Early', { startDate: '2026-02-01' }),
    await agreement('Due On The Day', { startDate: '2026-03-10' }),
    await agreement('Due Too', { startDate: '2026-03-01' }),
    await agreement('Due Fourth', { startDate: '2026-01-15' }),
  ].sort()
  const later = await agreement('Starts Later', { startDate: '2026-03-11' })
  await agreement('Suspended', { startDate: '2026-03-01', status: 'suspended' })
  await agreement('Pending', { startDate: '2026-03-01', status: 'pending_approval' })
  const billed = await agreement('Billed Ahead', { startDate: '2026-01-01' })
  await deps.db.updateTable('agreements').set({ billedPeriods: 3, nextBillDate: '2026-04-01' }).where('id', '=', billed).execute()

  const batches = await due('2026-03-10', 2)
  assert.deepEqual(batches.map((b) => b.map((a) => a.id)), [ids.slice(0, 2), ids.slice(2)])
  assert.deepEqual((await due('2026-03-10', 3)).map((b) => b.length), [3, 1])
  assert.deepEqual((await due('2026-03-10')).map((b) => b.map((a) => a.id)), [ids])
  // The columns billing needs, lines parsed.
  const early = batches.flat().find((a) => a.name === 'Maintenance agreement' && a.startDate === '2026-02-01')!
  assert.deepEqual(early.lines, monthly(5000))
  assert.equal(early.billedPeriods, 0)
  assert.equal(early.billingIntervalMonths, 1)
  // Once its cursor passes the date, the cursor decides, not the start.
  assert.deepEqual((await due('2026-04-01')).flat().map((a) => a.id).sort(), [...ids, later, billed].sort())
  assert.deepEqual(await due('2026-01-14'), [])
})

test('due periods are invoiced once each: one-time lines in the first only, tax on taxable lines, nothing owed is settled', async () => {
  const lines = [
    { description: 'Plan', amountCents: 5000, recurring: true, taxable: true },
    { description: 'Setup', amountCents: 2500, recurring: false, taxable: false },
  ]
  const agr = await agreement('Plan With Setup', { startDate: '2026-01-01', lines, taxRatePpm: 80_000 })
  const free = await agreement('Free Plan', { startDate: '2026-03-01', lines: monthly(0) })
  const ended = await agreement('Two Months', { startDate: '2026-01-01', termMonths: 2, lines: monthly(1000) })
  const [a, f, e] = (await due('2026-03-10')).flat().filter((x) => [agr, free, ended].includes(x.id)).sort((x, y) => [agr, free, ended].indexOf(x.id) - [agr, free, ended].indexOf(y.id))

  assert.deepEqual(planInvoices(a!, '2026-03-10').map((p) => [p.period.index, p.lines.map((l) => l.description), p.totals.totalCents]), [
    [0, ['Plan', 'Setup'], 7900],
    [1, ['Plan'], 5400],
    [2, ['Plan'], 5400],
  ])
  assert.deepEqual(await createDueInvoices(deps.db, [a!, f!, e!], '2026-03-10', null), { created: 6, billedCents: 7900 + 5400 + 5400 + 0 + 1000 + 1000 })
  assert.deepEqual(
    (await invoicesOf(agr)).map((i) => [i.periodIndex, i.periodStart, Number(i.subtotalCents), Number(i.taxCents), Number(i.totalCents), i.status]),
    [
      [0, '2026-01-01', 7500, 400, 7900, 'open'],
      [1, '2026-02-01', 5000, 400, 5400, 'open'],
      [2, '2026-03-01', 5000, 400, 5400, 'open'],
    ],
  )
  assert.deepEqual((await invoicesOf(free)).map((i) => [Number(i.totalCents), i.status]), [[0, 'paid']])
  // Each new invoice is queued for QuickBooks once.
  const made = [...(await invoicesOf(agr)), ...(await invoicesOf(free)), ...(await invoicesOf(ended))].map((i) => i.id).sort()
  const queued = await deps.db.selectFrom('quickbooksQueue').select(['id', 'entityId', 'entityType']).where('entityId', 'in', made).execute()
  assert.deepEqual(queued.map((q) => q.entityId).sort(), made)
  assert.ok(queued.every((q) => q.entityType === 'invoice'))
  // Ids of their kind (routes turn away an id without its prefix before looking it up).
  assert.ok(made.every((id) => isId('inv', id)) && queued.every((q) => isId('qbo', q.id)), JSON.stringify([made, queued]))
  // The cursors: the next period's start, or never once the term is billed.
  assert.deepEqual(await cursorOf(agr), { billedPeriods: 3, nextBillDate: '2026-04-01' })
  assert.deepEqual(await cursorOf(free), { billedPeriods: 1, nextBillDate: '2026-04-01' })
  assert.deepEqual(await cursorOf(ended), { billedPeriods: 2, nextBillDate: NEVER })

  // Again (a second run, or one before a crash planned from the old cursor): nothing new, cursor kept.
  assert.deepEqual(await createDueInvoices(deps.db, [a!, e!], '2026-03-10', null), { created: 0, billedCents: 0 })
  assert.equal((await invoicesOf(agr)).length, 3)
  assert.deepEqual(await cursorOf(agr), { billedPeriods: 3, nextBillDate: '2026-04-01' })
  // From the moved cursor, the next month only.
  const [moved] = (await due('2026-04-01')).flat().filter((x) => x.id === agr)
  assert.deepEqual(await createDueInvoices(deps.db, [moved!], '2026-04-01', null), { created: 1, billedCents: 5400 })
  assert.deepEqual(await cursorOf(agr), { billedPeriods: 4, nextBillDate: '2026-05-01' })
  assert.deepEqual(await createDueInvoices(deps.db, [], '2026-04-01', null), { created: 0, billedCents: 0 })
})

async function workOrders(agreementId: string, statuses: ('open' | 'scheduled' | 'in_progress' | 'completed' | 'cancelled')[]) {
  const a = await deps.db.selectFrom('agreements').select(['customerId', 'locationId']).where('id', '=', agreementId).executeTakeFirstOrThrow()
  const ids = statuses.map(() => newId('wo'))
  await deps.db
    .insertInto('workOrders')
    .values(statuses.map((status, i) => ({ id: ids[i]!, agreementId, customerId: a.customerId, locationId: a.locationId, description: `Visit ${i}`, windowStart: `2026-0${i + 4}-01`, windowEnd: `2026-0${i + 4}-28`, status, statusBeforeSuspension: null, technicianId: null, scheduledStart: null })))
    .execute()
  return ids
}
const ordersOf = (agreementId: string) =>
  deps.db.selectFrom('workOrders').select(['status', 'statusBeforeSuspension']).where('agreementId', '=', agreementId).orderBy('windowStart').execute().then((r) => r.map((o) => [o.status, o.statusBeforeSuspension]))
const agreementOf = (id: string) => deps.db.selectFrom('agreements').select(['status', 'statusReason']).where('id', '=', id).executeTakeFirstOrThrow()
const auditOf = (id: string) => deps.db.selectFrom('auditEvents').select(['entityType', 'action', 'actorUserId', 'details']).where('entityId', '=', id).orderBy('createdAt').orderBy('id').execute()
const tx = <T>(f: (t: typeof deps.db) => Promise<T>) => deps.db.transaction().execute(f)

test('suspension holds the work orders still to be done and reactivation puts each back where it was', async () => {
  const agr = await agreement('Unpaid', { startDate: '2026-03-01' })
  const other = await agreement('Paid Up', { startDate: '2026-03-01' })
  const wo = await workOrders(agr, ['scheduled', 'open', 'in_progress', 'completed', 'cancelled'])
  const visitEvents = async (action: string) => (await deps.db.selectFrom('auditEvents').select('entityId').where('action', '=', action).where('entityId', 'in', wo).execute()).map((e) => e.entityId).sort()
  await workOrders(other, ['scheduled', 'open'])

  assert.equal(await tx((t) => suspendAgreementTx(t, agr, 'Payment failed: expired card', null, now)), 3)
  assert.deepEqual(await agreementOf(agr), { status: 'suspended', statusReason: 'Payment failed: expired card' })
  assert.deepEqual(await ordersOf(agr), [['suspended', 'scheduled'], ['suspended', 'open'], ['suspended', 'in_progress'], ['completed', null], ['cancelled', null]])
  assert.deepEqual(await ordersOf(other), [['scheduled', null], ['open', null]])
  assert.deepEqual(await agreementOf(other), { status: 'active', statusReason: '' })
  assert.deepEqual((await auditOf(agr)).map((e) => [e.entityType, e.action, e.actorUserId, e.details]), [['agreement', 'agreement.suspended', null, { reason: 'Payment failed: expired card', workOrders: 3 }]])
  // Each held visit is on its own history.
  assert.deepEqual(await visitEvents('visit.on_hold'), wo.slice(0, 3).sort())
  // Suspended already: refused, nothing changes.
  await assert.rejects(tx((t) => suspendAgreementTx(t, agr, 'again', null, now)), { code: 'agreement_suspend_not_allowed' })
  assert.deepEqual(await agreementOf(agr), { status: 'suspended', statusReason: 'Payment failed: expired card' })

  assert.equal(await tx((t) => reactivateAgreementTx(t, agr, null, now)), 3)
  assert.deepEqual(await agreementOf(agr), { status: 'active', statusReason: '' })
  assert.deepEqual(await ordersOf(agr), [['scheduled', null], ['open', null], ['in_progress', null], ['completed', null], ['cancelled', null]])
  assert.deepEqual((await auditOf(agr)).map((e) => [e.entityType, e.action, e.details]).at(-1), ['agreement', 'agreement.reactivated', { workOrders: 3 }])
  // Each visit is checked back from hold (and flagged if its slot passed or conflicts).
  assert.deepEqual(await visitEvents('visit.resumed'), wo.slice(0, 3).sort())
  // Active: reactivating is refused, suspending an unknown agreement or reactivating one is not found.
  await assert.rejects(tx((t) => reactivateAgreementTx(t, agr, null, now)), { code: 'agreement_reactivate_not_allowed' })
  await assert.rejects(tx((t) => suspendAgreementTx(t, 'agr_missing', 'x', null, now)), { code: 'agreement_not_found' })
  await assert.rejects(tx((t) => reactivateAgreementTx(t, 'agr_missing', null, now)), { code: 'agreement_not_found' })
  // The other agreement's visits were never touched.
  assert.deepEqual(await ordersOf(other), [['scheduled', null], ['open', null]])
})

test('lines that are not a JSON array are refused by the database, so billing never prices them as no lines', async () => {
  const id = await agreement('Odd Lines', { startDate: '2026-03-01' })
  for (const odd of ['{}', '"5000"', 'null', '{"0": {"unitCents": 5000}}']) {
    await assert.rejects(
      sql`update agreements set lines = ${odd}::jsonb where id = ${id}`.execute(deps.db),
      /agreements_lines_array/,
      odd,
    )
  }
  // Unchanged: still priced from its real lines.
  const [a] = (await due('2026-03-10')).flat().filter((x) => x.id === id)
  assert.deepEqual(a!.lines, monthly(5000))
  const inv = await invoicesOf(id)
  await assert.rejects(
    sql`insert into invoices (id, agreement_id, customer_id, period_index, period_start, period_end, lines, subtotal_cents, tax_cents, total_cents)
        select 'inv_odd', id, customer_id, 0, '2026-03-01', '2026-03-31', '{}'::jsonb, 0, 0, 0 from agreements where id = ${id}`.execute(deps.db),
    /invoices_lines_array/,
  )
  assert.deepEqual(await invoicesOf(id), inv)
})
