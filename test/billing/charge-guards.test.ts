/**
 * The guards of one charge's life (charge.ts), each held directly against the sandbox and a real
 * database, quickly enough for mutation testing (`npm run mutate`, README): what a claim refuses,
 * when "the gateway has no record" means never sent (the settle window), and what `chargeOnce`
 * does without a usable card or with nothing owed. The runs that use them are bill-all's.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { chargeOnce, chargeWork, claimAttempts, claimInChunks, resolveAttempt } from '../../src/services/billing/charge.ts'
import { groupTarget, singleTarget, type ChargeContext, type ChargeTarget } from '../../src/services/billing/charge-types.ts'
import { getBillingSettings } from '../../src/services/billing/billing-settings.ts'
import { invoicedOnCard, startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
let ctx: ChargeContext
// Mar 10, 11:00 in New York.
const now = new Date('2026-03-10T15:00:00Z')

before(async () => {
  ;({ h, deps } = s = await startBillingServices(() => now))
  ctx = { runId: null, settings: await getBillingSettings(deps.db), settleWindowMs: 60_000 }
})
after(() => s.close())

/** A customer with a card and a monthly agreement of `amountCents` from `start`, invoiced through Mar 10: its invoices (oldest first) and card. */
const invoiced = (name: string, amountCents: number, start = '2026-03-01', email: string | null = null, pan?: string) => invoicedOnCard(s, name, amountCents, { start, email, pan })

const attemptsOf = (invoiceId: string) => deps.db.selectFrom('chargeAttempts').select(['id', 'status']).where('invoiceId', '=', invoiceId).execute()
const authsFor = async (orderIds: string[]) => (await h.ledger()).filter((r) => r.type === 'auth' && orderIds.includes(r.orderid ?? ''))

test('a claim refuses a part of zero or less, an invoice already in the same call, a wrong amount, and an invoice with a charge pending', async () => {
  const a = await invoiced('Claim Guards', 2000)
  const b = await invoiced('Claim Other', 3000)
  const [inv] = a.invoices
  const [other] = b.invoices
  // Nothing owed on a part: the whole target is left out (a zero charge is never sent).
  assert.deepEqual(await claimAttempts(deps, [groupTarget([{ invoiceId: inv!.id, amountCents: 0 }, { invoiceId: other!.id, amountCents: other!.cents }], a.pm)], null), [])
  assert.deepEqual(await claimAttempts(deps, [groupTarget([{ invoiceId: inv!.id, amountCents: -100 }, { invoiceId: other!.id, amountCents: 2 * other!.cents }], a.pm)], null), [])
  // Not what is owed: refused.
  assert.deepEqual(await claimAttempts(deps, [singleTarget(inv!.id, inv!.cents + 1, a.pm)], null), [])
  assert.deepEqual(await attemptsOf(inv!.id), [])
  // Two targets of one invoice in one call: the first is claimed, the second left out, also when it shares only one of its invoices.
  const both = groupTarget([{ invoiceId: inv!.id, amountCents: inv!.cents }, { invoiceId: other!.id, amountCents: other!.cents }], a.pm)
  const claimed = await claimAttempts(deps, [singleTarget(inv!.id, inv!.cents, a.pm), singleTarget(inv!.id, inv!.cents, a.pm), both, singleTarget(other!.id, other!.cents, b.pm)], null)
  assert.deepEqual(claimed.map((c) => c.target.invoiceId), [inv!.id, other!.id])
  assert.equal((await attemptsOf(inv!.id)).length, 1)
  // A charge of it is pending: refused, and nothing sent.
  assert.deepEqual(await claimAttempts(deps, [singleTarget(inv!.id, inv!.cents, a.pm)], null), [])
  assert.deepEqual(await chargeOnce(deps, singleTarget(other!.id, other!.cents, b.pm), ctx), { kind: 'skipped' })
  assert.equal((await attemptsOf(inv!.id)).length, 1)
  assert.equal((await attemptsOf(other!.id)).length, 1)
  assert.deepEqual(await authsFor(claimed.map((c) => c.orderId)), [])
})

test('"no record at the gateway" means never sent only once the attempt is older than the settle window', async () => {
  const { invoices, pm } = await invoiced('Never Arrived', 2100)
  const [inv] = invoices
  // Claimed, never sent: the gateway has no record of the order id.
  const [claim] = await claimAttempts(deps, [singleTarget(inv!.id, inv!.cents, pm)], null)
  const age = (seconds: number) => deps.db.updateTable('chargeAttempts').set({ sentAt: new Date(Date.now() - seconds * 1000) }).where('id', '=', claim!.orderId).execute()
  // 50 s old, window 60 s: it may still be travelling, so it stays pending.
  await age(50)
  assert.deepEqual(await resolveAttempt(deps, claim!.orderId, ctx), { kind: 'unresolved' })
  assert.deepEqual(await attemptsOf(inv!.id), [{ id: claim!.orderId, status: 'pending' }])
  // 70 s old: never sent; the invoice may be charged again.
  await age(70)
  assert.deepEqual(await resolveAttempt(deps, claim!.orderId, ctx), { kind: 'not_sent' })
  assert.deepEqual(await attemptsOf(inv!.id), [{ id: claim!.orderId, status: 'not_sent' }])
  // Asked again: already settled, nothing more happens.
  assert.deepEqual(await resolveAttempt(deps, claim!.orderId, ctx), { kind: 'unresolved' })
  const again = await chargeOnce(deps, singleTarget(inv!.id, inv!.cents, pm), ctx)
  assert.deepEqual(again, { kind: 'approved', amountCents: inv!.cents })
  assert.equal((await authsFor([claim!.orderId])).length, 0)
})

test('chargeOnce without a usable card fails every invoice of the charge and tells the customer once; with nothing owed it sends nothing', async () => {
  const { agr, invoices, pm } = await invoiced('No Card', 1500, '2026-01-01', 'nocard@example.com')
  assert.equal(invoices.length, 3)
  const target = groupTarget(invoices.map((i) => ({ invoiceId: i.id, amountCents: i.cents })), pm)
  const failedOnes = async () =>
    (await deps.db.selectFrom('invoices').select(['status', 'failureCode', 'retryState']).where('agreementId', '=', agr).orderBy('periodStart').execute()).map((i) => [i.status, i.failureCode, i.retryState])
  // Nothing owed: skipped, nothing claimed or charged.
  assert.deepEqual(await chargeOnce(deps, { ...target, amountCents: 0 }, ctx), { kind: 'skipped' })
  assert.deepEqual(await chargeOnce(deps, { ...target, amountCents: -5 }, ctx), { kind: 'skipped' })
  assert.equal((await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', 'in', invoices.map((i) => i.id)).execute()).length, 0)
  assert.deepEqual(await failedOnes(), invoices.map(() => ['open', null, null]))
  // An inactive card is no card: every invoice failed, needing a payment method, nothing sent.
  assert.deepEqual(await chargeOnce(deps, { ...target, paymentMethod: { ...pm, isActive: false } }, ctx), { kind: 'error' })
  assert.deepEqual(await failedOnes(), invoices.map(() => ['failed', 'no_payment_method', 'needs_payment_method']))
  assert.equal((await deps.db.selectFrom('chargeAttempts').select('id').where('invoiceId', 'in', invoices.map((i) => i.id)).execute()).length, 0)
  // No card at all, again: already waiting for one, so nothing new (no second notice).
  assert.deepEqual(await chargeOnce(deps, { ...target, paymentMethod: null }, ctx), { kind: 'skipped' })
  const notices = await deps.db.selectFrom('emailOutbox').select('relatedId').where('kind', '=', 'billing.payment_failed').where('relatedId', 'in', invoices.map((i) => i.id)).execute()
  const bell = await deps.db.selectFrom('notifications').select('link').where('link', '=', `/agreements/${agr}`).execute()
  assert.deepEqual(notices.map((n) => n.relatedId), [invoices[0]!.id], 'one notice for the charge of three invoices')
  assert.equal(bell.length, 1, 'one notification for the charge of three invoices')
})

test("a run's charge answered \"retry\" is tried again `retries` times, each a new attempt, and the last fails the invoice; no more", async () => {
  /** One run's unit of work for `target`, claimed as a run claims it. */
  const claimedWork = async (target: ChargeTarget) => {
    let given = false
    const chunks = claimInChunks(deps, async () => (given ? null : ((given = true), [target])), null, () => false)
    const work = (await chunks.next()).value![0]!
    assert.equal(work.kind, 'claimed')
    return work
  }
  // $1505.00: the sandbox answers respstat B "Retry" (nothing charged) every time.
  for (const retries of [0, 2]) {
    const { invoices, pm } = await invoiced(`Retry ${retries}`, 150_500, '2026-03-01', null, '4111111111111111')
    const [inv] = invoices
    const result = await chargeWork(deps, await claimedWork(singleTarget(inv!.id, inv!.cents, pm)), ctx, retries)
    assert.deepEqual(result, { kind: 'error' })
    const attempts = await deps.db.selectFrom('chargeAttempts').select(['id', 'status']).where('invoiceId', '=', inv!.id).execute()
    assert.equal(attempts.length, retries + 1, `${retries} retries`)
    assert.ok(attempts.every((a) => a.status === 'retryable'))
    assert.deepEqual((await authsFor(attempts.map((a) => a.id))).map((r) => r.respstat), attempts.map(() => 'B'))
    const row = await deps.db.selectFrom('invoices').select(['status', 'failureCode', 'failedAttempts']).where('id', '=', inv!.id).executeTakeFirstOrThrow()
    assert.deepEqual([row.status, row.failureCode, row.failedAttempts], ['failed', 'gateway_error', 1])
  }
})
