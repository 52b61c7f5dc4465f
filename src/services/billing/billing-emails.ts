import type { Db } from '../../db/database.ts'
import { lastDayOf } from '../../domain/billing-calendar.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { enqueueEmail, type AttachmentRenderers, type OutboxEmail, type RenderedAttachment } from '../email/outbox.ts'
import { renderInvoicePdfOffThread as renderInvoicePdf } from './invoice-pdf-pool.ts'
import { formatUsd } from '../../domain/money.ts'
import { brandFromJson, brandJsonSql } from '../email/brand.ts'
import type { CompanyBrand, EmailContent } from '../email/layout.tsx'
import { localDate } from '../../domain/time-zone.ts'
import { formatDate } from '../../domain/formatting.ts'
import { manageRenewalUrl } from '../../domain/renewal-link.ts'

/** Everything a receipt or a failure notice says about one invoice. */
export interface InvoiceContext {
  invoiceId: string
  number: number
  agreementId: string
  agreementName: string
  agreementStatus: string
  customerId: string
  customerName: string
  customerEmail: string | null
  periodStart: string
  periodEnd: string
  lines: PricedLine[]
  subtotalCents: number
  taxCents: number
  totalCents: number
  /** Paid so far (when loaded): a failure notice asks for what is still owed. */
  paidCents: number
  companyName: string
  /** The company as its e-mails show it (header, footer). */
  brand: CompanyBrand
  /** The company's time zone: the receipt's and the PDF's dates are its dates. */
  timeZone: string
  /** An auto-renewing agreement's link to turn automatic renewal off (every receipt carries it); null otherwise. */
  manageRenewalLink: string | null
}


/** Loads the invoice's context (customer, primary email, agreement, company). */
export async function loadInvoiceContext(db: Db, invoiceId: string, links?: ReceiptLinks): Promise<InvoiceContext | null> {
  return (await loadInvoiceContexts(db, [invoiceId], links)).get(invoiceId) ?? null
}

/** Where the customer reaches Servicebook: with it, receipts of auto-renewing agreements carry the link to turn it off. */
export interface ReceiptLinks {
  publicUrl: string
  clock: { now(): Date }
}

/** The contexts of several invoices in one query, by invoice id (missing ids are left out). */
export async function loadInvoiceContexts(db: Db, invoiceIds: string[], links?: ReceiptLinks): Promise<Map<string, InvoiceContext>> {
  if (invoiceIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .innerJoin('customers as c', 'c.id', 'i.customerId')
    .select([
      'i.id as invoiceId', 'i.number', 'i.agreementId', 'a.name as agreementName', 'a.status as agreementStatus', 'i.customerId',
      'c.name as customerName', 'i.periodStart', 'i.periodEnd', 'i.lines', 'i.subtotalCents', 'i.taxCents', 'i.totalCents', 'i.paidCents', 'a.autoRenew',
    ])
    .select((eb) =>
      eb
        .selectFrom('customerContacts as k')
        .select('k.email')
        .whereRef('k.customerId', '=', 'i.customerId')
        .where('k.email', 'is not', null)
        .orderBy('k.isPrimary', 'desc')
        .orderBy('k.id')
        .limit(1)
        .as('customerEmail'),
    )
    .select((eb) => eb.selectFrom('companySettings').select('companyName').where('id', '=', 1).as('companyName'))
    .select((eb) => eb.selectFrom('companySettings').select('timeZone').where('id', '=', 1).as('timeZone'))
    .select((eb) => eb.selectFrom('renewalSettings').select('linkKey').where('id', '=', 1).as('linkKey'))
    .select(brandJsonSql.as('brand'))
    .where('i.id', 'in', invoiceIds)
    .execute()
  return new Map(
    rows.map(({ autoRenew, linkKey, brand, ...row }) => {
      const lines = (typeof row.lines === 'string' ? JSON.parse(row.lines) : row.lines) as PricedLine[]
      const timeZone = row.timeZone ?? 'UTC'
      const manageRenewalLink = links && autoRenew && linkKey ? manageRenewalUrl(links.publicUrl, linkKey, row.agreementId, localDate(links.clock.now(), timeZone)) : null
      return [row.invoiceId, { ...row, lines, paidCents: Number(row.paidCents), customerEmail: row.customerEmail ?? null, companyName: row.companyName ?? 'Servicebook', brand: brandFromJson(brand, links?.publicUrl ?? ''), timeZone, manageRenewalLink }]
    }),
  )
}

/**
 * The invoice PDF. Drawn outside billing runs (when the email is sent, or on download), so it
 * reads what only the document needs here: the company's contact and logo, the service location's
 * address, and what has been paid.
 */
export async function invoicePdf(db: Db, ctx: InvoiceContext, paidNote: string | null, issuedOn: string): Promise<Buffer> {
  const extra = await db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .leftJoin('customerLocations as l', 'l.id', 'a.locationId')
    .crossJoin('companySettings as s')
    .select(['i.status', 'i.paidCents', 'l.line1', 'l.line2', 'l.city', 'l.region', 'l.postalCode', 's.email', 's.phone', 's.logoBase64'])
    .where('i.id', '=', ctx.invoiceId)
    .where('s.id', '=', 1)
    .executeTakeFirst()
  return renderInvoicePdf({
    companyName: ctx.companyName,
    companyContact: [extra?.email, extra?.phone].filter((v): v is string => Boolean(v)),
    logo: extra?.logoBase64 ? Buffer.from(extra.logoBase64, 'base64') : null,
    number: ctx.number,
    issuedOn,
    customerName: ctx.customerName,
    billToAddress: extra?.line1 ? [extra.line1, extra.line2 ?? '', `${extra.city ?? ''}, ${extra.region ?? ''} ${extra.postalCode ?? ''}`.trim()].filter(Boolean) : [],
    agreementName: ctx.agreementName,
    periodStart: ctx.periodStart,
    periodLastDay: lastDayOf({ end: ctx.periodEnd }),
    lines: ctx.lines,
    subtotalCents: ctx.subtotalCents,
    taxCents: ctx.taxCents,
    totalCents: ctx.totalCents,
    paidCents: Number(extra?.paidCents ?? 0),
    paidNote,
    status: extra?.status ?? 'open',
    locale: ctx.brand.locale,
  })
}

const INVOICE_PDF = 'invoice.pdf'

/** The invoice PDF as an attachment drawn when the email is sent (an issued invoice does not change). */
export function invoicePdfAttachment(ctx: Pick<InvoiceContext, 'invoiceId' | 'number'>, paidNote: string | null, issuedOn: string): RenderedAttachment {
  return { filename: `invoice-${ctx.number}.pdf`, contentType: 'application/pdf', renderer: INVOICE_PDF, params: { invoiceId: ctx.invoiceId, paidNote, issuedOn } }
}

/** What the email outbox needs to draw billing's attachments (wired in the composition root). */
export const billingAttachmentRenderers: AttachmentRenderers = {
  [INVOICE_PDF]: async (db, p) => {
    const ctx = await loadInvoiceContext(db, String(p.invoiceId))
    if (!ctx) throw new Error(`invoice ${String(p.invoiceId)} not found`)
    return invoicePdf(db, ctx, p.paidNote === null ? null : String(p.paidNote), String(p.issuedOn))
  },
}

/**
 * The receipt for a payment, with the invoice PDF (drawn when it is sent); null when the
 * customer has no email on file. Queue it in the transaction that records the payment.
 */
/** "Paid $29.95 with Visa ending 1443 on Nov 25, 2026" (paid on the ISO date `paidOn`): the receipt's line, in its email and on its PDF. */
export const paidNoteText = (amountCents: number, paidWith: string, paidOn: string, locale: string) => `Paid ${formatUsd(amountCents)} with ${paidWith} on ${formatDate(paidOn, locale)}`

/** "Dec 1, 2026 to Dec 31, 2026": an invoice's service period as people read it. */
const periodText = (c: Pick<InvoiceContext, 'periodStart' | 'periodEnd' | 'brand'>) => `${formatDate(c.periodStart, c.brand.locale)} to ${formatDate(lastDayOf({ end: c.periodEnd }), c.brand.locale)}`

export function receiptEmail(ctx: InvoiceContext, amountCents: number, paidWith: string, paidOn: string, paidNote = paidNoteText(amountCents, paidWith, paidOn, ctx.brand.locale)): OutboxEmail | null {
  if (!ctx.customerEmail) return null
  const period = periodText(ctx)
  const on = formatDate(paidOn, ctx.brand.locale)
  const autoRenew = ctx.manageRenewalLink ? { a: 'Turn off automatic renewal', href: ctx.manageRenewalLink } : null
  const content: EmailContent = {
    brand: ctx.brand,
    preview: `Receipt: ${formatUsd(amountCents)} received for invoice ${ctx.number}`,
    blocks: [
      { p: [`Hello ${ctx.customerName},`] },
      { p: [`Thank you: we received `, { b: formatUsd(amountCents) }, ` for invoice ${ctx.number} (${ctx.agreementName}, ${period}), paid with ${paidWith} on ${on}.`] },
      { rows: [['Invoice', String(ctx.number)], ['Agreement', ctx.agreementName], ['Service period', period], ['Amount paid', formatUsd(amountCents)], ['Paid with', paidWith], ['Date paid', on]] },
      { p: ['The invoice is attached.'] },
      ...(autoRenew ? [{ note: ['This agreement renews automatically. ', autoRenew, ' online, no call needed.'] }] : []),
    ],
    ...(autoRenew ? { footerLinks: [autoRenew] } : {}),
  }
  return {
    kind: 'billing.receipt',
    to: ctx.customerEmail,
    subject: `Receipt for invoice ${ctx.number} from ${ctx.companyName}`.replace(/[\r\n]+/g, ' '),
    content,
    attachments: [invoicePdfAttachment(ctx, paidNote, paidOn)],
    relatedType: 'invoice',
    relatedId: ctx.invoiceId,
  }
}

/**
 * The receipt for one payment of several invoices (a catch-up: one charge for every period
 * due), listing each period with its share of the payment (oldest first, as the payment is
 * split), with each invoice's PDF. One invoice: `receiptEmail`.
 */
export function groupReceiptEmail(ctxs: InvoiceContext[], amountCents: number, paidWith: string, paidOn: string): OutboxEmail | null {
  const first = ctxs[0]
  if (!first) return null
  if (ctxs.length === 1) return receiptEmail(first, amountCents, paidWith, paidOn)
  if (!first.customerEmail) return null
  let left = amountCents
  const rows = ctxs.map((c) => {
    const share = Math.min(Math.max(0, c.totalCents - c.paidCents), left)
    left -= share
    return { c, share, period: periodText(c) }
  })
  const numbers = ctxs.map((c) => c.number).join(', ')
  const names = [...new Set(ctxs.map((c) => c.agreementName))].join(', ')
  const paidNote = (share: number) => `${paidNoteText(share, paidWith, paidOn, first.brand.locale)}, part of one payment of ${formatUsd(amountCents)} for invoices ${numbers}`
  const autoRenew = first.manageRenewalLink ? { a: 'Turn off automatic renewal', href: first.manageRenewalLink } : null
  const content: EmailContent = {
    brand: first.brand,
    preview: `Receipt: ${formatUsd(amountCents)} received for invoices ${numbers}`,
    blocks: [
      { p: [`Hello ${first.customerName},`] },
      { p: [`Thank you: we received `, { b: formatUsd(amountCents) }, ` for ${ctxs.length} periods of ${names}, in one payment with ${paidWith} on ${formatDate(paidOn, first.brand.locale)}.`] },
      { rows: [...rows.map((r): [string, string] => [`Invoice ${r.c.number}, ${r.period}`, formatUsd(r.share)]), ['Total paid', formatUsd(amountCents)], ['Paid with', paidWith], ['Date paid', formatDate(paidOn, first.brand.locale)]] },
      { p: ['The invoices are attached.'] },
      ...(autoRenew ? [{ note: ['This agreement renews automatically. ', autoRenew, ' online, no call needed.'] }] : []),
    ],
    ...(autoRenew ? { footerLinks: [autoRenew] } : {}),
  }
  return {
    kind: 'billing.receipt',
    to: first.customerEmail,
    subject: `Receipt for invoices ${numbers} from ${first.companyName}`.replace(/[\r\n]+/g, ' '),
    content,
    attachments: rows.map((r) => invoicePdfAttachment(r.c, paidNote(r.share), paidOn)),
    relatedType: 'invoice',
    relatedId: first.invoiceId,
  }
}

/** Queues the receipt (see `receiptEmail`) in the caller's transaction. */
export async function queueReceipt(tx: Db, ctx: InvoiceContext, amountCents: number, paidWith: string, paidOn: string, paidNote?: string): Promise<void> {
  const email = receiptEmail(ctx, amountCents, paidWith, paidOn, paidNote)
  if (email) await enqueueEmail(tx, email)
}

/**
 * Queues the "your payment did not go through" email (for what is still owed) with the secure
 * update link; `others`: the other invoices the same charge was for (one notice for all).
 */
export async function queueFailureNotice(tx: Db, ctx: InvoiceContext, reasonText: string, link: string, others: InvoiceContext[] = []): Promise<void> {
  if (!ctx.customerEmail) return
  const all = [ctx, ...others]
  const owed = formatUsd(all.reduce((s, c) => s + c.totalCents - c.paidCents, 0))
  const which = all.length === 1 ? `invoice ${ctx.number}` : `invoices ${all.map((c) => c.number).join(', ')}`
  await enqueueEmail(tx, {
    kind: 'billing.payment_failed',
    to: ctx.customerEmail,
    subject: `Payment for ${which} did not go through`,
    content: {
      brand: ctx.brand,
      preview: `We could not collect ${owed} for ${which}`,
      blocks: [
        { p: [`Hello ${ctx.customerName},`] },
        { p: [`We could not collect `, { b: owed }, ` for ${which} (${ctx.agreementName}): ${reasonText}.`] },
        { p: ['Please verify or update your payment details here:'] },
        { button: 'Verify or update your payment details', href: link },
        { note: ['This link is personal to you; do not forward it.'] },
      ],
    },
    relatedType: 'invoice',
    relatedId: ctx.invoiceId,
  })
}
