// What a receipt says to the customer, as its plain-text part reads: the summary rows by name,
// the greeting of a catch-up's one receipt, and an auto-renewing agreement's opt-out note.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { groupReceiptEmail, receiptEmail, type InvoiceContext } from '../../src/services/billing/billing-emails.ts'
import { emailText } from '../../src/services/email/layout.tsx'

const invoice = (number: number, periodStart: string, periodEnd: string, manageRenewalLink: string | null = null): InvoiceContext => ({
  invoiceId: `inv_${number}`, number, agreementId: 'agr_1', agreementName: 'Comfort Club', agreementStatus: 'active', customerId: 'cus_1', customerName: 'Ada Good',
  customerEmail: 'ada@example.com', periodStart, periodEnd, lines: [], subtotalCents: 2500, taxCents: 0, totalCents: 2500, paidCents: 0, companyName: 'Acme HVAC',
  brand: { name: 'Acme HVAC', logoUrl: null, address: [], phone: null, email: null, locale: 'en-US' }, timeZone: 'UTC', manageRenewalLink,
})
const text = (email: ReturnType<typeof receiptEmail>) => emailText(email!.content!)

test("a receipt's summary names each row: invoice, agreement, service period, amount, card, date", () => {
  const t = text(receiptEmail(invoice(1001, '2026-12-01', '2027-01-01'), 2500, 'Visa ending 1443', '2026-12-01'))
  assert.match(t, /Hello Ada Good,/)
  assert.match(t, /^Invoice: 1001\nAgreement: Comfort Club\nService period: Dec 1, 2026 to Dec 31, 2026\nAmount paid: \$25\.00\nPaid with: Visa ending 1443\nDate paid: Dec 1, 2026$/m)
  assert.doesNotMatch(t, /renews automatically/, 'not an auto-renewing agreement')
})

test('the receipt of an auto-renewing agreement tells how to turn renewal off, online', () => {
  const link = 'https://acme.example/auto-renewal/tok'
  const t = text(receiptEmail(invoice(1001, '2026-12-01', '2027-01-01', link), 2500, 'Visa ending 1443', '2026-12-01'))
  assert.match(t, /This agreement renews automatically\. Turn off automatic renewal \(https:\/\/acme\.example\/auto-renewal\/tok\) online, no call needed\./)
})

test("a catch-up's one receipt greets the customer and splits the payment over its periods, oldest first", () => {
  const email = groupReceiptEmail([invoice(1001, '2026-11-01', '2026-12-01'), invoice(1002, '2026-12-01', '2027-01-01')], 4000, 'Visa ending 1443', '2026-12-02')
  const t = text(email)
  assert.match(t, /^Hello Ada Good,$/m)
  assert.match(t, /^Invoice 1001, Nov 1, 2026 to Nov 30, 2026: \$25\.00\nInvoice 1002, Dec 1, 2026 to Dec 31, 2026: \$15\.00\nTotal paid: \$40\.00$/m)
  assert.equal(email!.subject, 'Receipt for invoices 1001, 1002 from Acme HVAC')
})
