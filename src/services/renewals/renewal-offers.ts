import { sql } from 'kysely'
import type { CompanyBrand } from '../email/layout.tsx'
import type { Db } from '../../db/database.ts'
import type { AgreementStatus, RenewalChangeKind, RenewalNoticeKind } from '../../db/schema.ts'
import { newId } from '../../domain/ids.ts'
import { dayBeforeIso } from '../../domain/iso-date.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { manageRenewalUrl } from '../../domain/renewal-link.ts'
import { nextTermDates, perBillCents, priceChangeOf, priceChangeText, renewedLines, type PriceChange } from '../../domain/renewal-terms.ts'
import { newSignupToken } from '../../domain/signup-token.ts'
import { outboxRows, type OutboxEmail } from '../email/outbox.ts'
import type { BuiltEmail } from '../quotes/quote-emails.ts'
import { renewalOfferEmail } from './renewal-emails.ts'

/**
 * Renewal offers: what an agreement's next term would be (dates, lines, price) and the notices
 * that carry it to the customer (a notice, a renewal quote, a reminder, the auto-renewal
 * notice). A notice with a renew link replaces the agreement's earlier open ones: only the
 * newest link works. Notices are inserted with their email in one statement each per batch,
 * `on conflict do nothing` on their natural keys, so a retry sends nothing twice.
 */

/** What renewals read of an agreement. */
export interface RenewableAgreement {
  id: string
  number: number
  customerId: string
  customerName: string
  email: string | null
  locationId: string
  location: string
  planId: string | null
  planPriceCents: number | null
  planAutoRenew: boolean
  name: string
  status: AgreementStatus
  startDate: string
  endDate: string | null
  termMonths: number | null
  billingIntervalMonths: number
  lines: PricedLine[]
  taxRatePpm: number
  termsText: string
  autoRenew: boolean
  autoRenewConsentAt: Date | null
  renewalChange: PriceChange
  renewedById: string | null
  closeOn: string | null
  paymentMethodId: string | null
  visitsPerTerm: number
  visitMonths: number[]
}

const parseLines = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as PricedLine[]

/** The agreements by id, with the customer's primary email and the plan's current price. */
export async function loadRenewable(db: Db, ids: readonly string[], opts: { forUpdate?: boolean } = {}): Promise<RenewableAgreement[]> {
  if (ids.length === 0) return []
  let q = db
    .selectFrom('agreements as a')
    .innerJoin('customers as c', 'c.id', 'a.customerId')
    .innerJoin('customerLocations as l', 'l.id', 'a.locationId')
    .leftJoin('plans as p', 'p.id', 'a.planId')
    .select([
      'a.id', 'a.number', 'a.customerId', 'c.name as customerName', 'a.locationId', 'a.planId', 'p.priceCents as planPriceCents', 'p.autoRenew as planAutoRenew', 'a.name', 'a.status',
      'a.startDate', 'a.endDate', 'a.termMonths', 'a.billingIntervalMonths', 'a.lines', 'a.taxRatePpm', 'a.termsText', 'a.autoRenew', 'a.autoRenewConsentAt',
      'a.renewalChangeKind', 'a.renewalChangeValue', 'a.renewedById', 'a.closeOn', 'a.paymentMethodId', 'a.visitsPerTerm', 'a.visitMonths',
      'l.line1', 'l.city', 'l.region', 'l.postalCode',
    ])
    .select((eb) =>
      eb
        .selectFrom('customerContacts as k')
        .select('k.email')
        .whereRef('k.customerId', '=', 'a.customerId')
        .where('k.email', 'is not', null)
        .orderBy('k.isPrimary', 'desc')
        .orderBy('k.id')
        .limit(1)
        .as('email'),
    )
    .where('a.id', 'in', [...ids])
    .orderBy('a.id')
  if (opts.forUpdate) q = q.forUpdate('a')
  const rows = await q.execute()
  return rows.map((r) => ({
    ...r,
    number: Number(r.number),
    email: r.email ?? null,
    location: `${r.line1}, ${r.city}, ${r.region} ${r.postalCode}`,
    planPriceCents: r.planPriceCents === null ? null : Number(r.planPriceCents),
    planAutoRenew: r.planAutoRenew ?? false,
    lines: parseLines(r.lines),
    visitMonths: [...r.visitMonths].map(Number),
    renewalChange: priceChangeOf(r.renewalChangeKind as RenewalChangeKind, r.renewalChangeValue),
  }))
}

/** Why the agreement cannot get a renewal offer now, in the office's words; null when it can. */
export function whyNotRenewable(a: RenewableAgreement, kind: 'notice' | 'quote'): string | null {
  if (a.endDate === null) return 'has no end date: it keeps billing until it is closed'
  if (a.renewedById) return 'is already renewed'
  if (a.closeOn) return `closes on ${a.closeOn}`
  if (!['active', 'suspended', 'expired'].includes(a.status)) return `is ${a.status.replace('_', ' ')}`
  if (!a.email) return 'has no customer email address on file'
  if (kind === 'notice' && a.status === 'expired') return 'has expired: send a renewal quote instead'
  return null
}

export interface Offer {
  startDate: string
  endDate: string | null
  termMonths: number | null
  intervalMonths: number
  lines: PricedLine[]
  change: PriceChange
  oldPerBillCents: number
  perBillCents: number
  changeText: string
  /** The next term offers automatic renewal (the agreement has it, or its plan offers it). */
  autoRenew: boolean
}

/** The next term of `a` with `change` applied, as of the company's `today`. */
export function offerFor(a: RenewableAgreement, change: PriceChange, today: string): Offer {
  const dates = nextTermDates({ endDate: a.endDate!, termMonths: a.termMonths, startDate: a.startDate }, today)
  const lines = renewedLines(a.lines, change, a.planPriceCents)
  const oldPerBillCents = perBillCents(a.lines, a.taxRatePpm)
  const perBill = perBillCents(lines, a.taxRatePpm)
  return {
    ...dates,
    intervalMonths: a.billingIntervalMonths,
    lines,
    change,
    oldPerBillCents,
    perBillCents: perBill,
    changeText: perBill === oldPerBillCents ? 'the same price' : priceChangeText(change),
    autoRenew: a.autoRenew || a.planAutoRenew,
  }
}

export interface LinkContext {
  publicUrl: string
  linkKey: string
  today: string
}

/** The manage-renewal link (turn automatic renewal off), valid 400 days. */
export const manageLinkOf = (ctx: LinkContext, agreementId: string) => manageRenewalUrl(ctx.publicUrl, ctx.linkKey, agreementId, ctx.today)

export interface NoticeToSend {
  agreement: RenewableAgreement
  kind: RenewalNoticeKind
  offer: Offer
  daysBefore?: number | null
  batchId?: string | null
  createdBy?: string | null
}

/** The email of a notice (for the preview too: `renewLink` is then a placeholder). */
export function noticeEmail(n: NoticeToSend, brand: CompanyBrand, renewLink: string | null, manageLink: string | null): BuiltEmail {
  const a = n.agreement
  return renewalOfferEmail({
    kind: n.kind,
    brand,
    customerName: a.customerName,
    agreementNumber: a.number,
    agreementName: a.name,
    lastDay: dayBeforeIso(a.endDate!),
    autoRenew: a.autoRenew && n.kind !== 'quote',
    next: { ...n.offer, intervalMonths: n.offer.intervalMonths },
    renewLink,
    manageLink,
  })
}

/** Auto-renewing agreements get no renew link from the schedule (they renew by themselves); everything else does. */
export const offersRenewLink = (n: Pick<NoticeToSend, 'kind' | 'agreement'>) => n.kind === 'notice' || n.kind === 'quote' || !n.agreement.autoRenew

/**
 * Inserts the notices with their emails (call inside a transaction). A notice whose natural key
 * exists already (same batch and agreement; same scheduled reminder) is skipped with its email.
 * Returns the notices inserted.
 */
export async function insertNoticesTx(tx: Db, notices: NoticeToSend[], ctx: LinkContext & { brand: CompanyBrand; now: Date }): Promise<{ id: string; agreementId: string }[]> {
  if (notices.length === 0) return []
  const prepared = notices.map((n) => {
    const token = offersRenewLink(n) ? newSignupToken() : null
    const renewLink = token ? `${ctx.publicUrl}/renew/${token.token}` : null
    const manageLink = n.agreement.autoRenew ? manageLinkOf(ctx, n.agreement.id) : null
    const built = noticeEmail(n, ctx.brand, renewLink, manageLink)
    const email: OutboxEmail = { kind: `renewal.${n.kind}`, to: n.agreement.email!, ...built, relatedType: 'agreement', relatedId: n.agreement.id }
    const [row] = outboxRows([email])
    // The link works until the term's end, and at least 30 days (a late or expired agreement's offer).
    const termEnd = new Date(`${n.agreement.endDate}T23:59:59Z`)
    const expiresAt = new Date(Math.max(termEnd.getTime(), ctx.now.getTime() + 30 * 86_400_000))
    return { n, token, email: row!, expiresAt, id: newId('rnw') }
  })
  const inserted = await tx
    .insertInto('renewalNotices')
    .values(
      prepared.map(({ n, token, email, expiresAt, id }) => ({
        id,
        agreementId: n.agreement.id,
        kind: n.kind,
        termEnd: n.agreement.endDate!,
        daysBefore: n.daysBefore ?? null,
        batchId: n.batchId ?? null,
        tokenHash: token?.hash ?? null,
        expiresAt: token ? expiresAt : null,
        startDate: n.offer.startDate,
        termMonths: n.offer.termMonths,
        billingIntervalMonths: n.offer.intervalMonths,
        lines: JSON.stringify(n.offer.lines),
        priceChange: JSON.stringify(n.offer.change),
        oldPeriodCents: n.offer.oldPerBillCents,
        newPeriodCents: n.offer.perBillCents,
        autoRenew: n.offer.autoRenew,
        recipient: n.agreement.email,
        emailId: email.id,
        sentAt: ctx.now,
        createdBy: n.createdBy ?? null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'agreementId'])
    .execute()
  if (inserted.length === 0) return []
  const ids = new Set(inserted.map((r) => r.id))
  const mine = prepared.filter((p) => ids.has(p.id))
  await tx.insertInto('emailOutbox').values(mine.map((p) => p.email)).execute()
  // Only the newest renew link of an agreement works.
  const withLink = mine.filter((p) => p.token).map((p) => p.n.agreement.id)
  if (withLink.length)
    await tx
      .updateTable('renewalNotices')
      .set({ status: 'superseded' })
      .where('agreementId', 'in', withLink)
      .where('id', 'not in', [...ids])
      .where('tokenHash', 'is not', null)
      .where('status', 'in', ['sent', 'opened'])
      .execute()
  return inserted
}

/** The latest open offer (a renew link not superseded, expired or used) of each agreement's current term. */
export async function openOffers(db: Db, agreementIds: readonly string[], now: Date) {
  if (agreementIds.length === 0) return new Map<string, { lines: PricedLine[]; change: PriceChange; kind: RenewalNoticeKind }>()
  const rows = await db
    .selectFrom('renewalNotices as n')
    .innerJoin('agreements as a', (j) => j.onRef('a.id', '=', 'n.agreementId').onRef('a.endDate', '=', 'n.termEnd'))
    .select(['n.agreementId', 'n.lines', 'n.priceChange', 'n.kind'])
    .where('n.agreementId', 'in', [...agreementIds])
    .where('n.tokenHash', 'is not', null)
    .where('n.status', 'in', ['sent', 'opened'])
    .where('n.expiresAt', '>', now)
    .orderBy('n.sentAt', 'desc')
    .execute()
  const out = new Map<string, { lines: PricedLine[]; change: PriceChange; kind: RenewalNoticeKind }>()
  for (const r of rows)
    if (!out.has(r.agreementId))
      out.set(r.agreementId, { lines: parseLines(r.lines), change: (typeof r.priceChange === 'string' ? JSON.parse(r.priceChange) : r.priceChange) as PriceChange, kind: r.kind })
  return out
}

/** Marks a notice opened (first open of its link). */
export async function markOpened(db: Db, noticeId: string, now: Date): Promise<void> {
  await db
    .updateTable('renewalNotices')
    .set({ status: sql`case when status = 'sent' then 'opened' else status end`, openedAt: sql`coalesce(opened_at, ${now})` })
    .where('id', '=', noticeId)
    .execute()
}
