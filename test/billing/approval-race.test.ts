/**
 * One approval, recorded once (record-outcome.ts: an attempt already approved is left alone):
 * a billing run's charge is approved at the gateway but its answer is slow, and meanwhile the
 * office presses Retry, which first settles the pending attempt by inquiry and records the
 * approval it finds. When the run's answer then arrives it must change nothing: one payment,
 * the amount paid once, one receipt, and no failed write (the answers written with it are
 * recorded as usual). The same for an office Retry's own answer, and with the answer and the
 * inquiry recorded at the same moment (on PostgreSQL the two writers really overlap).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { PaymentGateway } from '../../src/ports/payment-gateway.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import { chargeInvoiceNow } from '../../src/services/billing/office-actions.ts'
import { aCard, aCustomer, anAgreement, monthly } from '../helpers/billing-fixtures.ts'
import { startBillingServices, type BillingServices } from '../helpers/billing-services.ts'

let h: SandboxHarness
let deps: ServiceDeps
let s: BillingServices
// Mar 10, 11:00 in New York.
const now = new Date('2026-03-10T15:00:00Z')

before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
after(() => s.close())

/**
 * The real gateway, except that charges' answers (the sandbox's own, after it has charged) are
 * handed back only when the test releases them: `charged` settles once `n` charges are answered.
 */
function holdingAnswers(gateway: PaymentGateway, n = 1) {
  let answered!: () => void
  let release!: () => void
  let count = 0
  const charged = new Promise<void>((r) => (answered = r))
  const released = new Promise<void>((r) => (release = r))
  const held = new Proxy(gateway, {
    get(target, key) {
      if (key === 'chargeProfile') {
        return async (input: Parameters<PaymentGateway['chargeProfile']>[0]) => {
          const outcome = await target.chargeProfile(input)
          if (++count === n) answered()
          await released
          return outcome
        }
      }
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { gateway: held, charged, release }
}

/** A customer with a card and a monthly agreement from Mar 1, not billed yet. */
async function anUnpaidInvoice(name: string, amountCents: number) {
  const c = await aCustomer(deps, name, `${name.split(' ')[0]!.toLowerCase()}@example.com`)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  return anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: '2026-03-01', lines: monthly(amountCents) })
}

/** An invoice that failed for want of a card (billed by a run), whose customer has since put one on file. */
async function aFailedInvoice(name: string, amountCents: number) {
  const agreement = await anUnpaidInvoice(name, amountCents)
  const { paymentMethodId } = await deps.db.selectFrom('agreements').select('paymentMethodId').where('id', '=', agreement).executeTakeFirstOrThrow()
  await deps.db.updateTable('agreements').set({ paymentMethodId: null }).where('id', '=', agreement).execute()
  assert.equal((await (await startBillingRun(deps, { through: '2026-03-10', actor: null, settleWindowMs: 10_000 })).done).status, 'completed')
  await deps.db.updateTable('agreements').set({ paymentMethodId }).where('id', '=', agreement).execute()
  const invoice = await deps.db.selectFrom('invoices').select(['id', 'status']).where('agreementId', '=', agreement).executeTakeFirstOrThrow()
  assert.equal(invoice.status, 'failed')
  return { agreement, invoiceId: invoice.id }
}

/** Presses Retry on the agreement's invoice; the invoice is found paid by then. */
async function officeRetry(agreementId: string) {
  const invoice = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
  await assert.rejects(chargeInvoiceNow(deps, invoice.id, null, 'office'), { code: 'invoice_not_unpaid' })
}

async function assertRecordedOnce(agreementId: string, amountCents: number) {
  const invoice = await deps.db.selectFrom('invoices').select(['id', 'status', 'paidCents', 'totalCents']).where('agreementId', '=', agreementId).executeTakeFirstOrThrow()
  const attempts = await deps.db.selectFrom('chargeAttempts').select(['id', 'status']).where('invoiceId', '=', invoice.id).execute()
  const charges = (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && attempts.some((a) => a.id === r.orderid))
  assert.deepEqual([attempts.length, attempts[0]!.status, charges.length], [1, 'approved', 1], 'one attempt, charged once')
  const payments = await deps.db.selectFrom('payments').select(['gatewayRef', 'amountCents']).where('invoiceId', '=', invoice.id).execute()
  assert.deepEqual(payments.map((p) => [p.gatewayRef, Number(p.amountCents)]), [[charges[0]!.retref, amountCents]], 'one payment')
  assert.deepEqual([invoice.status, Number(invoice.paidCents), Number(invoice.totalCents)], ['paid', amountCents, amountCents], 'paid once')
  const receipts = await deps.db.selectFrom('emailOutbox').select('id').where('kind', '=', 'billing.receipt').where('relatedId', '=', invoice.id).execute()
  assert.equal(receipts.length, 1, 'one receipt')
}

test("the run's answer arriving after an inquiry recorded the same approval changes nothing, and spoils no other approval", async () => {
  const agreement = await anUnpaidInvoice('Ravi Race', 3875)
  // Another customer's charge in the same run, answered at the same moment: recorded from its answer with the duplicate.
  const other = await anUnpaidInvoice('Omar Other', 1999)
  const hold = holdingAnswers(deps.gateway, 2)
  const run = await startBillingRun({ ...deps, gateway: hold.gateway }, { through: '2026-03-10', actor: null, settleWindowMs: 10_000 })
  await hold.charged
  await officeRetry(agreement)
  hold.release()
  const summary = await run.done
  assert.deepEqual([summary.status, summary.unresolved], ['completed', 0])
  await assertRecordedOnce(agreement, 3875)
  await assertRecordedOnce(other, 1999)
  const resolvedBy = async (agreementId: string) =>
    (await deps.db.selectFrom('chargeAttempts as ca').innerJoin('invoices as i', 'i.id', 'ca.invoiceId').select('ca.resolvedBy').where('i.agreementId', '=', agreementId).executeTakeFirstOrThrow()).resolvedBy
  assert.deepEqual([await resolvedBy(agreement), await resolvedBy(other)], ['inquiry', 'response'])
})

test("an office Retry whose answer arrives after a second Retry recorded the approval ends in 'just paid', not an error", async () => {
  const { agreement, invoiceId } = await aFailedInvoice('Rosa Retry', 4410)
  const hold = holdingAnswers(deps.gateway)
  const first = chargeInvoiceNow({ ...deps, gateway: hold.gateway }, invoiceId, null, 'office')
  await hold.charged
  // The second press settles the first's attempt by inquiry (approved) and finds the invoice paid.
  await officeRetry(agreement)
  hold.release()
  await assert.rejects(first, { code: 'charge_in_flight' })
  await assertRecordedOnce(agreement, 4410)
})

test('the answer and an inquiry recording the same approval at the same moment record it once', async () => {
  const agreement = await anUnpaidInvoice('Rita Race', 2650)
  const hold = holdingAnswers(deps.gateway)
  const run = await startBillingRun({ ...deps, gateway: hold.gateway }, { through: '2026-03-10', actor: null, settleWindowMs: 10_000 })
  await hold.charged
  const invoice = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agreement).executeTakeFirstOrThrow()
  hold.release()
  // The office's retry either records the approval itself or finds it recorded: never a second payment.
  await chargeInvoiceNow(deps, invoice.id, null, 'office').then(
    () => assert.fail('the invoice was charged again'),
    (err: { code?: string }) => assert.ok(err.code === 'invoice_not_unpaid' || err.code === 'charge_in_flight', String(err)),
  )
  assert.deepEqual([(await run.done).status], ['completed'])
  await assertRecordedOnce(agreement, 2650)
})
