import PDFDocument from 'pdfkit'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readFileSync } from 'node:fs'
import type { PricedLine } from '../../domain/pricing.ts'

/** What an invoice PDF shows. All text is drawn as text (PDF has no markup to inject into). */
export interface InvoiceDocument {
  companyName: string
  number: number
  issuedOn: string
  customerName: string
  agreementName: string
  periodStart: string
  /** Inclusive last day. */
  periodLastDay: string
  lines: PricedLine[]
  subtotalCents: number
  taxCents: number
  totalCents: number
  /** e.g. "Paid by VISA ending 1443 on 2026-12-01", or null when unpaid. */
  paidNote: string | null
}

// NOTE: DejaVu covers accented names and most scripts; pdfkit's built-in Helvetica does not.
const require = createRequire(import.meta.url)
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
// NOTE: parsing a TTF costs ~10 ms; pdfkit accepts an already-parsed font object, so each font
// is parsed once per process (taken from a first document) and shared by every later PDF.
type ParsedFont = object
let fonts: { regular: ParsedFont; bold: ParsedFont } | null = null
function loadFonts() {
  if (fonts) return fonts
  const parse = (file: string): ParsedFont => {
    const probe = new PDFDocument({ autoFirstPage: false })
    probe.registerFont('f', readFileSync(join(FONT_DIR, file)))
    probe.font('f')
    return (probe as unknown as { _font: { font: ParsedFont } })._font.font
  }
  fonts = { regular: parse('DejaVuSans.ttf'), bold: parse('DejaVuSans-Bold.ttf') }
  return fonts
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })
const formatUsd = (cents: number) => usd.format(cents / 100)

/** Renders an invoice (or receipt, when paid) as a one-page PDF. */
export function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const f = loadFonts()
  const pdf = new PDFDocument({ size: 'LETTER', margin: 54, font: f.regular as unknown as string, info: { Title: `Invoice ${doc.number}`, Author: doc.companyName } })
  pdf.registerFont('regular', f.regular as unknown as Buffer)
  pdf.registerFont('bold', f.bold as unknown as Buffer)
  const chunks: Buffer[] = []
  pdf.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)))
    pdf.on('error', reject)
  })
  pdf.font('bold').fontSize(18).text(doc.companyName)
  pdf.moveDown(0.5).font('regular').fontSize(11)
  pdf.text(`Invoice ${doc.number} · issued ${doc.issuedOn}`)
  pdf.text(`Bill to: ${doc.customerName}`)
  pdf.text(`Agreement: ${doc.agreementName}`)
  pdf.text(`Service period: ${doc.periodStart} to ${doc.periodLastDay}`)
  pdf.moveDown()
  const right = (label: string, amount: string, bold = false) => {
    const y = pdf.y
    pdf.font(bold ? 'bold' : 'regular').text(label, 54, y, { width: 380 })
    pdf.text(amount, 440, y, { width: 118, align: 'right' })
  }
  for (const line of doc.lines) right(line.description, formatUsd(line.amountCents))
  pdf.moveDown(0.5)
  right('Subtotal', formatUsd(doc.subtotalCents))
  right('Tax', formatUsd(doc.taxCents))
  right('Total', formatUsd(doc.totalCents), true)
  if (doc.paidNote) pdf.moveDown().font('bold').text(doc.paidNote, 54)
  pdf.end()
  return done
}
