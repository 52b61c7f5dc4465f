// The accounting port on QuickBooks, against the sandbox: a customer matched before it is
// created (by e-mail, then by name including inactive ones), an invoice numbered as ours, a
// payment linked to it with the gateway reference, found again by our reference after a lost
// answer, voided, and listed by date, all in cents.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { cents } from '../../domain/money.ts'
import type { AccountingOutcome } from '../../ports/accounting.ts'
import { QuickBooksClient } from './quickbooks-client.ts'
import { QuickBooksLedger } from './quickbooks-ledger.ts'
import { startQuickBooksHarness, type QuickBooksHarness } from './test-sandbox.ts'

let h: QuickBooksHarness
let ledger: QuickBooksLedger
before(async () => {
  h = await startQuickBooksHarness()
  ledger = new QuickBooksLedger(h.client)
})
after(async () => {
  await h.close()
})

function ok<T>(out: AccountingOutcome<T>): T {
  assert.equal(out.status, 'ok', JSON.stringify(out))
  return (out as { value: T }).value
}
const write = () => ({ requestId: QuickBooksClient.newRequestId() })

test('company, customer matching, invoice and payment in cents, lookup after a lost answer, void, list by date', async () => {
  assert.match(ok(await ledger.company()).name, /^Sandbox Company US/)
  assert.equal(ok(await ledger.findCustomer({ email: 'kim@park.test', displayName: 'Kim Park' })), null)
  const customer = ok(await ledger.createCustomer({ displayName: 'Kim Park', email: 'kim@park.test', reference: 'cus_01' }, write()))
  assert.equal(ok(await ledger.findCustomer({ email: 'KIM@park.test' }))?.ledgerId, customer.ledgerId)
  assert.equal(ok(await ledger.findCustomer({ ledgerId: customer.ledgerId }))?.displayName, 'Kim Park')
  const dup = await ledger.createCustomer({ displayName: 'Kim Park', reference: 'cus_02' }, write())
  assert.equal(dup.status, 'duplicate')
  await h.client.update('Customer', { Id: customer.ledgerId, SyncToken: '0', Active: false })
  const inactive = ok(await ledger.findCustomer({ displayName: 'Kim Park' }))
  assert.deepEqual([inactive?.ledgerId, inactive?.isActive], [customer.ledgerId, false], 'an inactive namesake is found, not duplicated')
  await h.client.update('Customer', { Id: customer.ledgerId, SyncToken: '1', Active: true })

  const invoice = ok(
    await ledger.createInvoice(
      { customerLedgerId: customer.ledgerId, number: 'INV-000123', issueDate: '2026-06-01', dueDate: '2026-06-15', email: 'kim@park.test', reference: 'inv_01', lines: [{ description: 'June service', amountCents: cents(10_999), itemLedgerId: '1' }, { description: 'Filter', amountCents: cents(1), itemLedgerId: '1' }] },
      write(),
    ),
  )
  assert.deepEqual([invoice.number, invoice.totalCents, invoice.balanceCents], ['INV-000123', 11_000, 11_000])
  assert.equal(ok(await ledger.findInvoiceByNumber('INV-000123'))?.ledgerId, invoice.ledgerId)

  const input = { customerLedgerId: customer.ledgerId, invoiceLedgerId: invoice.ledgerId, amountCents: cents(11_000), date: '2026-06-02', gatewayRef: '363652261392', methodLedgerId: '3', reference: 'pay_01' }
  const lost = await h.withFaults({ dropRate: 1, requestIdReplay: false, endpoints: ['payment'] }, () => ledger.createPayment(input, write()))
  assert.equal(lost.status, 'indeterminate')
  const found = ok(await ledger.findPaymentByReference({ customerLedgerId: customer.ledgerId, reference: 'pay_01' }))
  assert.ok(found, 'the stored payment is found by our reference instead of being created twice')
  assert.deepEqual([found.amountCents, found.gatewayRef, found.invoiceLedgerIds], [11_000, '363652261392', [invoice.ledgerId]])
  assert.equal(ok(await ledger.findInvoiceByNumber('INV-000123'))?.balanceCents, 0)

  assert.deepEqual(ok(await ledger.listPayments({ from: '2026-06-01', to: '2026-06-30' })).map((p) => p.ledgerId), [found.ledgerId])
  assert.deepEqual(ok(await ledger.listPayments({ from: '2026-07-01', to: '2026-07-31' })), [])
  const voided = ok(await ledger.voidPayment({ ledgerId: found.ledgerId }, write()))
  assert.deepEqual([voided.isVoided, voided.amountCents], [true, 0])
  assert.equal(ok(await ledger.voidPayment({ ledgerId: found.ledgerId }, write())).isVoided, true, 'voiding twice is harmless')
  assert.equal(ok(await ledger.findInvoiceByNumber('INV-000123'))?.balanceCents, 11_000)
})

test('many customers in a few queries: by e-mail (active), by name (inactive included), long lists sent as a POST body', async () => {
  const a = ok(await ledger.createCustomer({ displayName: 'Lee Many', email: 'lee@many.test', reference: 'cus_m1' }, write()))
  const b = ok(await ledger.createCustomer({ displayName: 'Mo Gone', reference: 'cus_m2' }, write()))
  ok(await h.client.update('Customer', { Id: b.ledgerId, SyncToken: '0', Active: false }))
  const others = Array.from({ length: 70 }, (_, i) => `Nobody With A Rather Long Name Number ${i}`)
  const found = ok(await ledger.findCustomers({ emails: ['lee@many.test', 'no@one.test'], displayNames: [...others, "Mo Gone", 'Lee Many'] }))
  assert.deepEqual(found.map((c) => [c.ledgerId, c.displayName, c.isActive]).sort(), [[a.ledgerId, 'Lee Many', true], [b.ledgerId, 'Mo Gone', false]].sort())
  assert.deepEqual(ok(await ledger.findCustomers({ emails: [], displayNames: [] })), [])
})
