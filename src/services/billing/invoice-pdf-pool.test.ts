import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderedOnWorker, renderInvoicePdfOffThread } from './invoice-pdf-pool.ts'

test('invoice PDFs are drawn on the worker thread, not by the inline fallback', async () => {
  const doc = {
    companyName: 'Acme HVAC',
    companyContact: ['office@acme.test', '555-0100'],
    // A 1×1 PNG: the logo crosses to the worker as bytes and is drawn there.
    logo: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
    billToAddress: ['1 Main St', 'Springfield, IL 62701'],
    number: 1001,
    issuedOn: '2026-12-01',
    customerName: 'Zoë Ångström',
    agreementName: 'Comfort Club',
    periodStart: '2026-12-01',
    periodLastDay: '2026-12-31',
    lines: [{ description: 'Maintenance plan', amountCents: 2500, recurring: true, taxable: true }],
    subtotalCents: 2500,
    taxCents: 206,
    totalCents: 2706,
    paidCents: 0,
    paidNote: null,
    status: 'open',
    locale: 'en-US',
  }
  const pdf = await renderInvoicePdfOffThread(doc)
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  assert.equal(renderedOnWorker, 1)
})
