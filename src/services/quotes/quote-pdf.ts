import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import PDFDocument from 'pdfkit'
import type { QuoteOptionDto, QuoteRevisionDto } from '../../contracts/quotes.ts'
import { dateText, perPeriodText, quoteLabel, termText, usd, visitsText } from '../../domain/quote-text.ts'
import { taxRateText } from '../../domain/tax-rate.ts'

// NOTE: DejaVu Sans covers Latin, Greek, Cyrillic and many symbols, so any customer name renders
// (pdfkit's built-in Helvetica would drop anything outside WinAnsi).
const FONT = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf')

export interface QuotePdfInput {
  companyName: string
  /** PNG or JPEG bytes, drawn above the company name when set. */
  logo?: Buffer | null
  quoteNumber: number
  customerName: string
  revision: QuoteRevisionDto
  /** Shown as the issue date. */
  issuedOn: string
  /** The company's locale: the dates are written in it. */
  locale: string
}

/** Renders a quote revision as a PDF (A4-ish letter, one font embedded). User text is drawn as text, never interpreted. */
export function renderQuotePdf(input: QuotePdfInput): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, info: { Title: `Quote ${quoteLabel(input.quoteNumber)}`, Author: input.companyName } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont('body', FONT)
  doc.font('body')
  const r = input.revision
  if (input.logo) {
    doc.image(input.logo, { fit: [160, 60] })
    doc.moveDown(0.5)
  }
  doc.fontSize(20).text(input.companyName)
  doc.moveDown(0.3).fontSize(14).text(`Quote ${quoteLabel(input.quoteNumber)}${r.revision > 1 ? ` (revision ${r.revision})` : ''}`)
  if (r.title) doc.fontSize(12).text(r.title)
  doc.moveDown(0.5).fontSize(10)
  doc.text(`Prepared for: ${input.customerName}`)
  const loc = r.location
  doc.text(`Service location: ${[loc.label, loc.line1, loc.line2, `${loc.city}, ${loc.region} ${loc.postalCode}`].filter(Boolean).join(', ')}`)
  doc.text(`Issued: ${dateText(input.issuedOn, input.locale)}    Offer valid until: ${dateText(r.expiresOn, input.locale)}    Agreement starts: ${dateText(r.startDate, input.locale)}`)
  if (r.taxRatePpm > 0) doc.text(`Sales tax: ${taxRateText(r.taxRatePpm)} on taxable lines`)
  for (const option of r.options) drawOption(doc, option, r.options.length)
  if (r.termsText) {
    doc.moveDown(1).fontSize(13).text('Terms and conditions')
    doc.moveDown(0.3).fontSize(9).text(r.termsText)
  }
  doc.moveDown(1).fontSize(9).text('To accept, open the secure link in the email that came with this quote.')
  doc.end()
  return done
}

function drawOption(doc: PDFKit.PDFDocument, o: QuoteOptionDto, count: number): void {
  doc.moveDown(1).fontSize(13).text(count > 1 ? `Option ${o.position}: ${o.name}` : o.name)
  doc.fontSize(10)
  if (o.description) doc.text(o.description)
  doc.text(`Billing: ${perPeriodText(o)}    Term: ${termText(o.termMonths)}    Visits: ${visitsText(o)}`)
  doc.moveDown(0.3)
  for (const line of o.lines) {
    const kind = `${line.recurring ? perPeriodText(o) : 'one-time'}${line.taxable ? ', taxable' : ''}`
    doc.text(`• ${line.description} (${kind}): ${usd(line.amountCents)}`)
  }
  const t = o.totals
  doc.moveDown(0.3)
  doc.text(`Each bill: ${usd(t.perPeriod.subtotalCents)} + tax ${usd(t.perPeriod.taxCents)} = ${usd(t.perPeriod.totalCents)} ${perPeriodText(o)}`)
  if (t.firstPeriod.totalCents !== t.perPeriod.totalCents) doc.text(`First bill (with one-time items): ${usd(t.firstPeriod.totalCents)}`)
  doc.text(t.perTermCents === null ? 'Term total: open-ended, billed until cancelled' : `Term total (${t.periodsPerTerm} bills): ${usd(t.perTermCents)}`)
}
