/**
 * The invoice PDF as drawn (invoice-pdf.ts), rendered here on the main thread (billing draws it
 * on a worker, invoice-pdf-pool.ts): what it says, the logo kept inside its 150 × 50 box in the
 * header, and the amounts in a right-aligned column (their right edges line up, whatever their
 * width).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inflateSync } from 'node:zlib'
import { renderInvoicePdf, type InvoiceDocument } from '../../src/services/billing/invoice-pdf.ts'
import { pdfText } from '../helpers/pdf-text.ts'
import { tinyPng } from '../helpers/tiny-png.ts'

const doc: InvoiceDocument = {
  companyName: 'Acme Pest Control',
  companyContact: ['office@acme.test', '555-0100'],
  logo: tinyPng(),
  number: 1042,
  issuedOn: '2026-03-01',
  customerName: 'Zoë Ångström',
  billToAddress: ['12 Elm St', 'Springfield, IL 62701'],
  agreementName: 'Quarterly pest plan',
  periodStart: '2026-03-01',
  periodLastDay: '2026-03-31',
  lines: [
    { description: 'Interior treatment', amountCents: 500 } as InvoiceDocument['lines'][number],
    { description: 'Termite bond', amountCents: 123_400 } as InvoiceDocument['lines'][number],
  ],
  subtotalCents: 123_900,
  taxCents: 0,
  totalCents: 123_900,
  paidCents: 0,
  paidNote: null,
  status: 'open',
  locale: 'en-US',
}

/** The page's content stream (the one that draws text). */
function pageContent(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length
    const bytes = pdf.subarray(start, raw.indexOf('endstream', start))
    let text: string
    try {
      text = inflateSync(bytes).toString('latin1')
    } catch {
      text = bytes.toString('latin1')
    }
    if (/\bTJ\b/.test(text)) return text
  }
  throw new Error('no page content')
}

test('the invoice PDF names the parties and what it is for, in the bold and regular fonts', async () => {
  const pdf = await renderInvoicePdf(doc)
  const lines = pdfText(pdf).split('\n')
  for (const t of ['Acme Pest Control', 'INVOICE', 'Invoice 1042', 'BILL TO', 'Zoë Ångström', 'FOR', 'Quarterly pest plan', 'Termite bond', '$1,234.00', 'Balance due', '$1,239.00']) assert.ok(lines.includes(t), `${t} in ${JSON.stringify(lines)}`)
  const fonts = [...pdf.toString('latin1').matchAll(/\/BaseFont \/\w+\+(\S+)/g)].map((m) => m[1])
  assert.deepEqual([...new Set(fonts)].sort(), ['DejaVuSans', 'DejaVuSans-Bold'])
})

test('the logo is scaled into its 150 × 50 box', async () => {
  const content = pageContent(await renderInvoicePdf(doc))
  const drawn = /([-\d.]+) 0 0 ([-\d.]+) [-\d.]+ [-\d.]+ cm\s*\/I\d+ Do/.exec(content)
  assert.ok(drawn, 'the logo is drawn')
  // The 2 × 2 logo, fitted into 150 × 50: 50 × 50 (a PDF image's height is drawn negated).
  assert.deepEqual([Number(drawn[1]), Number(drawn[2])], [50, -50])
})

test('the amounts are right-aligned: $5.00 and $1,234.00 end at the same x, so the shorter starts further right', async () => {
  const pdf = await renderInvoicePdf(doc)
  const texts = pdfText(pdf).split('\n')
  const xs = [...pageContent(pdf).matchAll(/1 0 0 -?1 ([-\d.]+) [-\d.]+ Tm[\s\S]*?\]\s*TJ/g)].map((m) => Number(m[1]))
  assert.equal(xs.length, texts.length)
  const x = (t: string) => xs[texts.indexOf(t)]!
  assert.ok(x('$5.00') > x('$1,234.00') + 10, `$5.00 at ${x('$5.00')}, $1,234.00 at ${x('$1,234.00')}`)
  assert.ok(x('AMOUNT') > x('$1,234.00'))
})
