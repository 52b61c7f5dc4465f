import { formatDate } from '../../domain/formatting.ts'
import PDFDocument from 'pdfkit'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readFileSync } from 'node:fs'
import { formatUsd } from '../../domain/money.ts'
import type { PricedLine } from '../../domain/pricing.ts'

/** What an invoice PDF shows. All text is drawn as text (PDF has no markup to inject into). */
export interface InvoiceDocument {
  companyName: string
  /** The company's contact line: email and phone, when set. */
  companyContact: string[]
  /** PNG or JPEG bytes (a Uint8Array after crossing to the PDF worker). */
  logo: Uint8Array | null
  number: number
  issuedOn: string
  customerName: string
  /** The service location's address, one line per entry. */
  billToAddress: string[]
  agreementName: string
  periodStart: string
  /** Inclusive last day. */
  periodLastDay: string
  lines: PricedLine[]
  subtotalCents: number
  taxCents: number
  totalCents: number
  paidCents: number
  /** e.g. "Paid $29.95 with Visa ending 1443 on Dec 1, 2026", or null when unpaid. */
  paidNote: string | null
  /** "void": drawn as such, nothing owed. */
  status: string
  /** The company's locale: the dates are written in it. */
  locale: string
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
  const left = 54
  const width = 612 - 2 * left
  const paid = doc.status === 'paid' || doc.status === 'refunded'
  const title = doc.status === 'void' ? 'INVOICE (VOID)' : paid ? 'RECEIPT' : 'INVOICE'
  // Header: logo, company and contact on the left; the document's name and number on the right.
  const top = pdf.y
  if (doc.logo) {
    pdf.image(Buffer.from(doc.logo), left, top, { fit: [150, 50] })
    pdf.y = top + 56
  }
  pdf.font('bold').fontSize(16).text(doc.companyName, left, pdf.y, { width: 300 })
  pdf.font('regular').fontSize(9).fillColor('#444444')
  for (const line of doc.companyContact) pdf.text(line, { width: 300 })
  const headerBottom = pdf.y
  pdf.fillColor('#000000').font('bold').fontSize(16).text(title, left + 300, top, { width: width - 300, align: 'right' })
  pdf.font('regular').fontSize(10)
  for (const line of [`Invoice ${doc.number}`, `Issued ${formatDate(doc.issuedOn, doc.locale)}`]) pdf.text(line, left + 300, pdf.y, { width: width - 300, align: 'right' })
  pdf.y = Math.max(headerBottom, pdf.y) + 18

  // Bill to, and what the invoice is for.
  const blockTop = pdf.y
  pdf.font('bold').fontSize(9).fillColor('#444444').text('BILL TO', left, blockTop)
  pdf.fillColor('#000000').font('regular').fontSize(10).text(doc.customerName)
  for (const line of doc.billToAddress) pdf.text(line)
  const billBottom = pdf.y
  const forX = left + 250
  pdf.font('bold').fontSize(9).fillColor('#444444').text('FOR', forX, blockTop)
  pdf.fillColor('#000000').font('regular').fontSize(10)
  pdf.text(doc.agreementName, forX, pdf.y, { width: width - 250 })
  pdf.text(`Service period: ${formatDate(doc.periodStart, doc.locale)} to ${formatDate(doc.periodLastDay, doc.locale)}`, forX, pdf.y, { width: width - 250 })
  pdf.y = Math.max(billBottom, pdf.y) + 18

  // Lines, then the totals under them.
  const amountX = left + width - 120
  const row = (label: string, amount: string, opts: { bold?: boolean; x?: number } = {}) => {
    const y = pdf.y
    pdf.font(opts.bold ? 'bold' : 'regular').text(label, opts.x ?? left, y, { width: amountX - (opts.x ?? left) - 10 })
    const after = pdf.y
    pdf.text(amount, amountX, y, { width: 120, align: 'right' })
    pdf.y = Math.max(after, pdf.y) + 2
  }
  const rule = () => {
    pdf.moveTo(left, pdf.y).lineTo(left + width, pdf.y).lineWidth(0.5).strokeColor('#999999').stroke()
    pdf.y += 4
  }
  pdf.fontSize(9).fillColor('#444444')
  row('DESCRIPTION', 'AMOUNT', { bold: true })
  pdf.fillColor('#000000').fontSize(10)
  rule()
  for (const line of doc.lines) row(line.description, formatUsd(line.amountCents))
  rule()
  const totalsX = left + 300
  row('Subtotal', formatUsd(doc.subtotalCents), { x: totalsX })
  row('Tax', formatUsd(doc.taxCents), { x: totalsX })
  row('Total', formatUsd(doc.totalCents), { x: totalsX, bold: true })
  if (doc.paidCents > 0) row('Paid', `-${formatUsd(doc.paidCents)}`, { x: totalsX })
  const due = doc.status === 'void' ? 0 : Math.max(0, doc.totalCents - doc.paidCents)
  row(doc.status === 'void' ? 'Void: nothing is owed' : 'Balance due', formatUsd(due), { x: totalsX, bold: true })
  if (doc.paidNote) pdf.moveDown().font('bold').text(doc.paidNote, left, pdf.y, { width })
  const questions = doc.companyContact.length ? ` Questions about this invoice: ${doc.companyContact.join(' · ')}.` : ''
  pdf.moveDown(2).font('regular').fontSize(9).fillColor('#444444').text(`Thank you for your business.${questions}`, left, pdf.y, { width })
  pdf.end()
  return done
}
