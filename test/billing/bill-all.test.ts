/**
 * Bill all against the CardPointe sandbox: invoices per due period, one charge each with the
 * recurring stored-credential indicators, receipts and QuickBooks pushes queued with the
 * payment, a second run bills nothing, two runs at once are refused, dropped approvals are
 * found by inquiry instead of charging again, declines leave the invoice failed with a reason.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { DatabaseHandle } from '../../src/db/database.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { createTestDatabase } from '../helpers/test-db.ts'
import { startMailCapture } from '../helpers/mail-capture.ts'
import { pdfText } from '../helpers/pdf-text.ts'
import { deliverDueEmails } from '../../src/services/email/outbox.ts'
import { billingAttachmentRenderers } from '../../src/services/billing/billing-emails.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let database: DatabaseHandle
let deps: ServiceDeps
let s: BillingServices
// Mar 31, 11:00 in New York: runs bill through today at most.
let now = new Date('2026-03-31T15:00:00Z')

before(async () => void ({ h, database, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

const run = async (through: string) => (await (await startBillingRun(deps, { through, actor: null, settleWindowMs: 1000 })).done)
const approvedCharges = async (orderIds: Set<string>) => (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && orderIds.has(r.orderid ?? ''))

test('bills each due period once, charges them once together, queues one receipt and the QuickBooks pushes', async () => {
  const c = await aCustomer(deps, 'Ana Müller', 'ana@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-01-31', lines: monthly(4999), taxRatePpm: 82_500 })
  const first = await run('2026-03-31')
  assert.equal(first.status, 'completed')
  assert.equal(first.invoicesCreated, 3)
  // The three periods due are one charge (issue 13: a catch-up is not charged once per period).
  assert.equal(first.approved, 1)
  const invoices = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).orderBy('periodStart').execute()
  assert.deepEqual(invoices.map((i) => [i.periodStart, i.periodEnd, i.status, i.totalCents]), [
    ['2026-01-31', '2026-02-28', 'paid', 5411],
    ['2026-02-28', '2026-03-31', 'paid', 5411],
    ['2026-03-31', '2026-04-30', 'paid', 5411],
  ])
  assert.equal(first.collectedCents, 3 * 5411)
  const attempts = await deps.db.selectFrom('chargeAttempts').selectAll().execute()
  const ledger = await approvedCharges(new Set(attempts.map((a) => a.id)))
  assert.equal(ledger.length, 1)
  for (const row of ledger) assert.deepEqual([row.cof, row.cofscheduled, row.ecomind, row.amountCents], ['M', 'Y', 'R', 3 * 5411])
  const emails = await deps.db.selectFrom('emailOutbox').selectAll().where('kind', '=', 'billing.receipt').execute()
  assert.equal(emails.length, 1)
  assert.equal((emails[0]!.attachments as unknown[]).length, 3, "each invoice's PDF")
  assert.equal(emails[0]!.toAddress, 'ana@example.com')
  // The PDF is drawn when the receipt is sent, not inside the run: the row keeps what renders it.
  const att = (emails[0]!.attachments as { filename: string; renderer: string; contentBase64?: string }[])[0]!
  assert.match(att.filename, /^invoice-\d+\.pdf$/)
  assert.equal(att.contentBase64, undefined)
  const mail = await startMailCapture()
  try {
    const sent = await deliverDueEmails({ db: deps.db, clock: deps.clock, mailer: mail.mailer, from: 'office@example.com', renderers: billingAttachmentRenderers })
    assert.equal(sent.sent, emails.length)
    const receipt = await mail.waitFor({ to: 'ana@example.com', subject: `Receipt for invoices ${/\d+/.exec(att.filename)![0]}, ` })
    const pdf = await mail.attachment(receipt)
    assert.equal(pdf.filename, att.filename)
    const text = pdfText(pdf.content)
    assert.match(text, /Paid \$54\.11 with Visa ending \d{4} on Mar 31, 2026/)
    assert.match(text, /Total\s+\$54\.11/)
    assert.match(text, /RECEIPT/)
    assert.match(text, /BILL TO\s+Ana[^\n]*\s+1 Main St\s+Springfield, IL 62701/, "the service location's address")
    assert.match(text, /Balance due\s+\$0\.00/)
  } finally {
    await mail.close()
  }
  const qbo = await deps.db.selectFrom('quickbooksQueue').select(['entityType']).execute()
  assert.equal(qbo.filter((q) => q.entityType === 'invoice').length, 3)
  assert.equal(qbo.filter((q) => q.entityType === 'payment').length, 1)

  const second = await run('2026-03-31')
  assert.equal(second.invoicesCreated, 0)
  assert.equal(second.charged, 0)
  assert.equal((await approvedCharges(new Set(attempts.map((a) => a.id)))).length, 1)
})

test("an agreement taxed at New York City's 8.875% is invoiced $109.57 tax on $1,234.56", async () => {
  const c = await aCustomer(deps, 'Nyc Tax', null)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-31', lines: monthly(123456), taxRatePpm: 88_750 })
  await run('2026-03-31')
  const inv = await deps.db.selectFrom('invoices').select(['subtotalCents', 'taxCents', 'totalCents']).where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.deepEqual([inv.subtotalCents, inv.taxCents, inv.totalCents].map(Number), [123456, 10957, 134413])
})

test('a second run while one is in progress is refused', async () => {
  const a = await startBillingRun(deps, { through: '2026-03-31', actor: null, settleWindowMs: 1000 })
  await assert.rejects(startBillingRun(deps, { through: '2026-03-31', actor: null }), /already in progress/)
  await a.done
})

test('an approval whose response is dropped is found by inquiry, not charged again', async () => {
  const c = await aCustomer(deps, 'Drop Case', 'drop@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(2500) })
  await h.withFaults({ dropApprovedRate: 1, endpoints: ['auth'] }, async () => {
    const summary = await run('2026-03-31')
    assert.equal(summary.approved, 1)
  })
  const inv = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.equal(inv.status, 'paid')
  const attempts = await deps.db.selectFrom('chargeAttempts').selectAll().where('invoiceId', '=', inv.id).execute()
  assert.equal(attempts.length, 1)
  assert.equal(attempts[0]!.resolvedBy, 'inquiry')
  assert.equal((await approvedCharges(new Set([attempts[0]!.id]))).length, 1)
})

test('a decline marks the invoice failed with the reason and a retry plan', async () => {
  const c = await aCustomer(deps, 'Nsf Case', 'nsf@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id, '4111111111111111')
  // $1116.00 makes the sandbox answer RPCT 116 insufficient funds.
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-10', lines: monthly(111600) })
  const summary = await run('2026-03-31')
  assert.equal(summary.declined, 1)
  const inv = await deps.db.selectFrom('invoices').selectAll().where('agreementId', '=', agr).executeTakeFirstOrThrow()
  assert.equal(inv.status, 'failed')
  assert.equal(inv.failureCode, 'insufficient_funds')
  assert.equal(inv.retryState, 'scheduled')
  assert.equal(inv.nextRetryDate, '2026-04-03', 'three days after the company date of the failure (Mar 31 in New York)')
  const notice = await deps.db.selectFrom('emailOutbox').selectAll().where('kind', '=', 'billing.payment_failed').where('relatedId', '=', inv.id).execute()
  assert.equal(notice.length, 1)
  assert.match(notice[0]!.textBody, /http:\/\/sb\.test\/pay\/[A-Za-z0-9_-]{43}/)
})

test('charging the same invoice from several places at once charges it once', async () => {
  const { chargeInvoiceNow } = await import('../../src/services/billing/office-actions.ts')
  const c = await aCustomer(deps, 'Race Case', 'race@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2026-03-20', lines: monthly(3300) })
  await run('2026-03-31') // no card on file: the invoice waits
  await deps.db.updateTable('agreements').set({ paymentMethodId: pm }).where('id', '=', agr).execute()
  const inv = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agr).executeTakeFirstOrThrow()
  await h.withFaults({ latencyMs: 150, endpoints: ['auth'] }, async () => {
    const results = await Promise.allSettled([
      chargeInvoiceNow(deps, inv.id, null, 'office'),
      chargeInvoiceNow(deps, inv.id, null, 'office'),
      chargeInvoiceNow(deps, inv.id, null, 'customer'),
      run('2026-03-31'),
    ])
    // The others are refused (409: in flight or already paid) or find nothing to do.
    for (const r of results) if (r.status === 'rejected') assert.match(String(r.reason.message), /being charged|being confirmed|just paid|only unpaid/)
  })
  const attempts = await deps.db.selectFrom('chargeAttempts').select(['id', 'status']).where('invoiceId', '=', inv.id).execute()
  assert.equal(attempts.filter((a) => a.status === 'approved').length, 1)
  assert.equal((await approvedCharges(new Set(attempts.map((a) => a.id)))).length, 1)
  const paid = await deps.db.selectFrom('invoices').select(['status', 'paidCents']).where('id', '=', inv.id).executeTakeFirstOrThrow()
  assert.deepEqual([paid.status, paid.paidCents], ['paid', 3300])
})

// Two real processes (servers) billing at once: test/process/two-servers.test.ts.
test('three workers in one process, bypassing the run lease, charging the same invoices at once charge each exactly once', async () => {
  const { pool } = await import('../../src/services/billing/charge-batching.ts')
  const { singleTarget } = await import('../../src/services/billing/charge-types.ts')
  const { createDueInvoices, streamDueAgreements } = await import('../../src/services/billing/due-invoices.ts')
  const { chargeOnce } = await import('../../src/services/billing/charge.ts')
  const { getBillingSettings } = await import('../../src/services/billing/billing-settings.ts')
  const c = await aCustomer(deps, 'Many Agreements', 'many@example.com')
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const ids: string[] = []
  for (let i = 0; i < 30; i++) ids.push(await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-04-01', lines: monthly(1000 + i) }))
  // The lease is what normally keeps runs apart; here two "runs" bypass it and work the same
  // invoices at the same time, as two worker processes would: the per-invoice claim must hold.
  for await (const batch of streamDueAgreements(deps.db, '2026-04-01')) await createDueInvoices(deps.db, batch, '2026-04-01', null)
  const ctx = { runId: null, settings: await getBillingSettings(deps.db), settleWindowMs: 1000 }
  await h.withFaults({ latencyMs: 30, endpoints: ['auth'] }, async () => {
    // Each worker goes through every invoice, in batches of 7 (no run's exclusive pick: run-share.ts).
    const targets = async function* () {
      const rows = await deps.db
        .selectFrom('invoices as i')
        .innerJoin('agreements as a', 'a.id', 'i.agreementId')
        .innerJoin('paymentMethods as pm', 'pm.id', 'a.paymentMethodId')
        .select(['i.id', 'i.totalCents', 'pm.id as pmId', 'pm.kind', 'pm.profileId', 'pm.acctId', 'pm.brand', 'pm.last4', 'pm.isActive'])
        .where('i.agreementId', 'in', ids)
        .orderBy('i.id')
        .execute()
      for (let k = 0; k < rows.length; k += 7) yield rows.slice(k, k + 7).map((r) => singleTarget(r.id, Number(r.totalCents), { id: r.pmId, kind: r.kind, profileId: r.profileId, acctId: r.acctId, brand: r.brand, last4: r.last4, isActive: r.isActive }))
    }
    const worker = () => pool(targets(), 5, async (t) => void (await chargeOnce(deps, t, ctx)))
    await Promise.all([worker(), worker(), worker()])
  })
  const invoices = await deps.db.selectFrom('invoices').select(['id', 'status', 'totalCents', 'paidCents']).where('agreementId', 'in', ids).execute()
  assert.equal(invoices.length, 30)
  const attempts = await deps.db.selectFrom('chargeAttempts').select(['id', 'invoiceId', 'status']).where('invoiceId', 'in', invoices.map((i) => i.id)).execute()
  const ledger = await approvedCharges(new Set(attempts.map((a) => a.id)))
  assert.equal(ledger.length, 30, 'one approved charge per invoice in the gateway ledger')
  for (const inv of invoices) {
    assert.equal(inv.status, 'paid')
    assert.equal(inv.paidCents, inv.totalCents)
    assert.equal(attempts.filter((a) => a.invoiceId === inv.id && a.status === 'approved').length, 1)
  }
})

test('wrong gateway credentials stop the run after the first refusal instead of failing every invoice', async () => {
  const own = await createTestDatabase()
  try {
    const good: ServiceDeps = { ...deps, db: own.db }
    const c = await aCustomer(good, 'Cred Check', 'cred@example.com')
    const pm = await aCard(own.db, h.gateway, h.tokenize, c.id)
    for (let i = 0; i < 5; i++) await anAgreement(own.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(1000 + i) })
    const bad: ServiceDeps = { ...good, gateway: new CardPointeGateway({ ...h.config, password: 'not-the-password' }) }
    const failed = await (await startBillingRun(bad, { through: '2026-03-31', actor: null, settleWindowMs: 1000, concurrency: 1 })).done
    assert.equal(failed.status, 'failed')
    assert.match(failed.error ?? '', /refused our credentials/)
    const attempts = await own.db.selectFrom('chargeAttempts').select(['status']).execute()
    assert.deepEqual(attempts.map((a) => a.status), ['error'])
    const again = await (await startBillingRun(good, { through: '2026-03-31', actor: null, settleWindowMs: 1000 })).done
    assert.equal(again.status, 'completed')
    const invoices = await own.db.selectFrom('invoices').select(['status']).execute()
    assert.deepEqual(invoices.map((i) => i.status), ['paid', 'paid', 'paid', 'paid', 'paid'])
  } finally {
    await own.close()
  }
})
