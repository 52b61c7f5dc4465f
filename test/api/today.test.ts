/**
 * The office's "today" (GET /api/today) on a small known book, both databases: sign-ups to approve,
 * failed payments (what they owe, the reason, the retry), suspended agreements paid since (and not the
 * ones still owing or suspended by hand), e-mails the outbox gave up on (not those sent again since or
 * older than 30 days), in order of money at stake, each linking to where it is acted on.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { newId } from '../../src/domain/ids.ts'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'

let t: TestApp
const now = new Date('2026-06-15T17:00:00Z') // 13:00 in New York, the company's zone

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
})
after(() => t.close())

test('what needs doing today, the most money at stake first, each with where it is done', async () => {
  const db = t.deps.db
  const at = (iso: string) => new Date(iso)
  const ann = await aCustomer(t.deps, 'Ann Approve', 'ann@example.com')
  const bob = await aCustomer(t.deps, 'Bob Declined', 'bob@example.com')
  const sue = await aCustomer(t.deps, 'Sue Suspended', 'sue@example.com')
  const agr = async (c: { id: string; locationId: string }, cents: number, status: 'active' | 'pending_approval' | 'suspended', name: string, created: string) => {
    const id = await anAgreement(db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-01-01', lines: monthly(cents), status, name })
    await sql`update agreements set created_at = ${at(created)}, updated_at = ${at(created)} where id = ${id}`.execute(db)
    return (await db.selectFrom('agreements').select(['id', 'number']).where('id', '=', id).executeTakeFirstOrThrow())
  }
  const P = await agr(ann, 4000, 'pending_approval', 'Comfort Club', '2026-06-14T15:00:00Z')
  const B = await agr(bob, 3000, 'active', 'Basic', '2026-01-01T15:00:00Z')
  const S = await agr(sue, 9000, 'suspended', 'Premium', '2026-06-10T15:00:00Z') // paid since: to reactivate
  const S2 = await agr(sue, 1500, 'suspended', 'Still owing', '2026-06-10T15:00:00Z') // still owes: not to reactivate
  await agr(sue, 7000, 'suspended', 'Held by hand', '2026-06-10T15:00:00Z') // suspended without a failure: not listed
  await agr(ann, 8000, 'active', 'All good', '2026-01-01T15:00:00Z')
  let seq = 0
  const invoice = async (o: { agreementId: string; customerId: string; total: number; paid?: number; status: 'paid' | 'failed'; firstFailed: string; retry?: 'scheduled' | 'needs_payment_method'; nextRetry?: string; message?: string }) => {
    const id = newId('inv')
    await db.insertInto('invoices').values({
      id, agreementId: o.agreementId, customerId: o.customerId, runId: null, periodIndex: ++seq, periodStart: `2099-01-${String(seq).padStart(2, '0')}`, periodEnd: '2099-02-01', lines: '[]',
      subtotalCents: o.total, taxCents: 0, totalCents: o.total, paidCents: o.paid ?? 0, status: o.status, failureCode: o.status === 'failed' ? 'insufficient_funds' : null, failureMessage: o.message ?? null,
      retryState: o.retry ?? null, nextRetryDate: o.nextRetry ?? null, firstFailedAt: at(o.firstFailed), paidAt: null, createdAt: at(o.firstFailed), updatedAt: at(o.firstFailed),
    }).execute()
    return (await db.selectFrom('invoices').select(['id', 'number']).where('id', '=', id).executeTakeFirstOrThrow())
  }
  const bFailed = await invoice({ agreementId: B.id, customerId: bob.id, total: 3000, paid: 300, status: 'failed', firstFailed: '2026-06-03T15:00:00Z', retry: 'scheduled', nextRetry: '2026-06-18', message: 'Insufficient funds' })
  await invoice({ agreementId: S.id, customerId: sue.id, total: 9000, status: 'paid', firstFailed: '2026-06-01T15:00:00Z' })
  const s2Failed = await invoice({ agreementId: S2.id, customerId: sue.id, total: 1500, status: 'failed', firstFailed: '2026-06-02T15:00:00Z', retry: 'needs_payment_method' })
  const email = async (o: { kind: string; to: string; status: 'failed' | 'sent'; created: string; relatedType?: string; relatedId?: string; subject: string }) => {
    const id = newId('eml')
    await db.insertInto('emailOutbox').values({
      id, kind: o.kind, toAddress: o.to, subject: o.subject, html: '<p>x</p>', textBody: 'x', attachments: '[]', relatedType: o.relatedType ?? null, relatedId: o.relatedId ?? null,
      status: o.status, lastError: o.status === 'failed' ? '550 mailbox unavailable' : null, createdAt: at(o.created),
    }).execute()
    return id
  }
  const bounced = await email({ kind: 'billing.failed', to: 'bob@example.com', status: 'failed', created: '2026-06-03T16:00:00Z', relatedType: 'invoice', relatedId: bFailed.id, subject: 'Your payment did not go through' })
  const loose = await email({ kind: 'office.note', to: 'nobody@example.com', status: 'failed', created: '2026-06-12T16:00:00Z', subject: 'A note' })
  // Failed, then the same mail went out later: done. Failed 40 days ago: history.
  await email({ kind: 'quote.sent', to: 'ann@example.com', status: 'failed', created: '2026-06-05T16:00:00Z', relatedType: 'agreement', relatedId: S.id, subject: 'Old' })
  await email({ kind: 'quote.sent', to: 'ann@example.com', status: 'sent', created: '2026-06-06T16:00:00Z', relatedType: 'agreement', relatedId: S.id, subject: 'Old' })
  await email({ kind: 'billing.receipt', to: 'sue@example.com', status: 'failed', created: '2026-05-06T16:00:00Z', relatedType: 'agreement', relatedId: S.id, subject: 'Too old' })

  const res = await t.app.inject({ method: 'GET', url: '/api/today', headers: await loginHeaders(t.app, await t.addUser('office')) })
  assert.equal(res.statusCode, 200, res.body)
  const d = res.json()
  assert.equal(d.today, '2026-06-15')
  assert.deepEqual(d.items, [
    { kind: 'reactivate', id: S.id, customerName: 'Sue Suspended', label: `#${S.number} Premium`, amountCents: 9000, since: '2026-06-10', note: '', link: `/agreements/${S.id}` },
    { kind: 'approve_signup', id: P.id, customerName: 'Ann Approve', label: `#${P.number} Comfort Club`, amountCents: 4000, since: '2026-06-14', note: '', link: `/agreements/${P.id}` },
    { kind: 'email_failed', id: bounced, customerName: 'Bob Declined', label: 'Your payment did not go through', amountCents: 3000, since: '2026-06-03', note: 'bob@example.com: 550 mailbox unavailable', link: '/settings/emails?status=failed' },
    { kind: 'failed_payment', id: bFailed.id, customerName: 'Bob Declined', label: `Invoice ${bFailed.number}`, amountCents: 2700, since: '2026-06-03', note: 'Insufficient funds · retry on Jun 18, 2026', link: `/billing/invoices/${bFailed.id}` },
    { kind: 'failed_payment', id: s2Failed.id, customerName: 'Sue Suspended', label: `Invoice ${s2Failed.number}`, amountCents: 1500, since: '2026-06-02', note: 'Insufficient funds · needs a new card or bank account', link: `/billing/invoices/${s2Failed.id}` },
    { kind: 'email_failed', id: loose, customerName: null, label: 'A note', amountCents: 0, since: '2026-06-12', note: 'nobody@example.com: 550 mailbox unavailable', link: '/settings/emails?status=failed' },
  ])
  assert.deepEqual(d.totals, {
    approve_signup: { count: 1, cents: 4000 },
    failed_payment: { count: 2, cents: 4200 },
    reactivate: { count: 1, cents: 9000 },
    email_failed: { count: 2, cents: 3000 },
  })
  // Technicians do not see the office's work.
  const tech = await t.app.inject({ method: 'GET', url: '/api/today', headers: await loginHeaders(t.app, await t.addUser('technician')) })
  assert.equal(tech.statusCode, 403)
})
