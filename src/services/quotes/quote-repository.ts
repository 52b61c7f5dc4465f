import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { QuoteDto, QuoteListQuery, QuoteOptionDto, QuoteRevisionDto, QuoteSummaryDto } from '../../contracts/quotes.ts'
import { notFound } from '../../domain/errors.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { optionLines, optionTotals } from '../../domain/quote-pricing.ts'
import { likeContains } from '../../db/like.ts'
import type { RenewalChangeKind } from '../../db/schema.ts'
import { priceChangeOf } from '../../domain/renewal-terms.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

type OptionRow = {
  id: string
  position: number
  planId: string | null
  name: string
  description: string
  priceCents: number | string
  isTaxable: boolean
  billingFrequency: QuoteOptionDto['billingFrequency']
  billingIntervalMonths: number
  termMonths: number | null
  visitsPerTerm: number
  visitMonths: number[]
  extraLines: unknown
  autoRenew: boolean
  renewalChangeKind: RenewalChangeKind
  renewalChangeValue: number
}

/** An option row as the API shows it, with its priced lines and totals. */
export function optionDto(row: OptionRow, taxRatePpm: number): QuoteOptionDto {
  const extraLines = (typeof row.extraLines === 'string' ? JSON.parse(row.extraLines) : row.extraLines) as PricedLine[]
  const priced = { ...row, priceCents: Number(row.priceCents), extraLines }
  const t = optionTotals(priced, taxRatePpm)
  return {
    id: row.id,
    position: row.position,
    planId: row.planId,
    name: row.name,
    description: row.description,
    priceCents: priced.priceCents,
    isTaxable: row.isTaxable,
    billingFrequency: row.billingFrequency,
    billingIntervalMonths: row.billingIntervalMonths,
    termMonths: row.termMonths,
    visitsPerTerm: row.visitsPerTerm,
    visitMonths: row.visitMonths,
    extraLines,
    lines: optionLines(priced),
    autoRenew: row.autoRenew,
    renewalChange: priceChangeOf(row.renewalChangeKind, row.renewalChangeValue),
    totals: { perPeriod: t.perPeriod, firstPeriod: t.firstPeriod, perTermCents: t.perTermCents, periodsPerTerm: t.periodsPerTerm },
  }
}

/** One revision of a quote with its location and options; undefined when it does not exist. */
export async function loadRevision(db: Db, quoteId: string, revision: number): Promise<QuoteRevisionDto | undefined> {
  const r = await db
    .selectFrom('quoteRevisions as r')
    .innerJoin('customerLocations as l', 'l.id', 'r.locationId')
    .select(['r.revision', 'r.locationId', 'r.title', 'r.startDate', 'r.expiresOn', 'r.taxRatePpm', 'r.termsText', 'r.recipientEmail', 'r.createdAt', 'r.sentAt'])
    .select(['l.label', 'l.line1', 'l.line2', 'l.city', 'l.region', 'l.postalCode'])
    .where('r.quoteId', '=', quoteId)
    .where('r.revision', '=', revision)
    .executeTakeFirst()
  if (!r) return undefined
  const options = await db.selectFrom('quoteOptions').selectAll().where('quoteId', '=', quoteId).where('revision', '=', revision).orderBy('position').execute()
  return {
    revision: r.revision,
    locationId: r.locationId,
    location: { label: r.label, line1: r.line1, line2: r.line2, city: r.city, region: r.region, postalCode: r.postalCode },
    title: r.title,
    startDate: r.startDate,
    expiresOn: r.expiresOn,
    taxRatePpm: r.taxRatePpm,
    termsText: r.termsText,
    recipientEmail: r.recipientEmail,
    createdAt: r.createdAt.toISOString(),
    sentAt: iso(r.sentAt),
    options: options.map((o) => optionDto(o, r.taxRatePpm)),
  }
}

/** A quote with one of its revisions (the current one by default). */
export async function loadQuote(db: Db, id: string, revision?: number): Promise<QuoteDto> {
  const q = await db
    .selectFrom('quotes as q')
    .innerJoin('customers as c', 'c.id', 'q.customerId')
    .leftJoin('agreements as a', 'a.quoteId', 'q.id')
    .selectAll('q')
    .select(['c.name as customerName', 'a.id as agreementId'])
    .where('q.id', '=', id)
    .executeTakeFirst()
  if (!q) throw notFound('quote', id)
  const rev = await loadRevision(db, id, revision ?? q.currentRevision)
  if (!rev) throw notFound('quote_revision', `${id} revision ${revision}`)
  const revisions = await db
    .selectFrom('quoteRevisions')
    .select(['revision', 'sentAt', 'createdAt'])
    .where('quoteId', '=', id)
    .orderBy('revision')
    .execute()
  return {
    id: q.id,
    number: Number(q.number),
    customerId: q.customerId,
    customerName: q.customerName,
    status: q.status,
    currentRevision: q.currentRevision,
    acceptedOptionId: q.acceptedOptionId,
    agreementId: q.agreementId,
    sentAt: iso(q.sentAt),
    viewedAt: iso(q.viewedAt),
    respondedAt: iso(q.respondedAt),
    declineReason: q.declineReason,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
    revision: rev,
    revisions: revisions.map((r) => ({ revision: r.revision, sentAt: iso(r.sentAt), createdAt: r.createdAt.toISOString() })),
  }
}


/** One page of quotes, newest first, optionally by status and customer name/number search. */
const QUOTE_ORDER = { createdAt: 'q.createdAt', sentAt: 'q.sentAt', expiresOn: 'r.expiresOn', number: 'q.number', customer: 'c.name' } as const

export async function searchQuotes(
  db: Db,
  opts: { q?: string; status?: QuoteDto['status']; customerId?: string; sort?: QuoteListQuery['sort']; dir?: QuoteListQuery['dir']; limit: number; offset: number },
): Promise<{ items: QuoteSummaryDto[]; total: number }> {
  let base = db
    .selectFrom('quotes as q')
    .innerJoin('customers as c', 'c.id', 'q.customerId')
    .innerJoin('quoteRevisions as r', (j) => j.onRef('r.quoteId', '=', 'q.id').onRef('r.revision', '=', 'q.currentRevision'))
  if (opts.status) base = base.where('q.status', '=', opts.status)
  if (opts.customerId) base = base.where('q.customerId', '=', opts.customerId)
  if (opts.q) {
    const text = opts.q.trim()
    const asNumber = /^#?q?-?\d{1,12}$/i.test(text) ? Number(text.replace(/\D/g, '')) : null
    base = base.where((eb) =>
      eb.or([
        eb(sql<string>`lower(c.name)`, 'like', likeContains(text)),
        eb(sql<string>`lower(r.title)`, 'like', likeContains(text)),
        ...(asNumber !== null ? [eb('q.number', '=', asNumber)] : []),
      ]),
    )
  }
  const dir = opts.dir ?? 'desc'
  const [rows, count] = await Promise.all([
    base
      .select(['q.id', 'q.number', 'q.customerId', 'c.name as customerName', 'r.title', 'q.status', 'q.currentRevision', 'r.expiresOn', 'q.createdAt', 'q.sentAt', 'q.acceptedOptionId', 'r.taxRatePpm'])
      .select((eb) =>
        eb
          .selectFrom('quoteOptions as o')
          .whereRef('o.quoteId', '=', 'q.id')
          .whereRef('o.revision', '=', 'q.currentRevision')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('optionCount'),
      )
      // Never-sent quotes come last whichever way sent dates run.
      .orderBy(QUOTE_ORDER[opts.sort ?? 'createdAt'], (o) => (dir === 'asc' ? o.asc() : o.desc()).nullsLast())
      .orderBy('q.id', dir)
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const options = rows.length
    ? await db
        .selectFrom('quoteOptions as o')
        .innerJoin('quotes as q', (j) => j.onRef('q.id', '=', 'o.quoteId').onRef('q.currentRevision', '=', 'o.revision'))
        .selectAll('o')
        .where('o.quoteId', 'in', rows.map((r) => r.id))
        .execute()
    : []
  return {
    items: rows.map(({ acceptedOptionId, taxRatePpm, ...r }) => ({
      ...r,
      number: Number(r.number),
      optionCount: Number(r.optionCount ?? 0),
      createdAt: r.createdAt.toISOString(),
      sentAt: iso(r.sentAt),
      amount: listAmount(options.filter((o) => o.quoteId === r.id), acceptedOptionId, taxRatePpm),
    })),
    total: Number(count.n),
  }
}

/** The list's amount: each bill of the accepted option, else of the cheapest (`from` when the options differ). */
function listAmount(rows: (OptionRow & { quoteId: string })[], acceptedOptionId: string | null, taxRatePpm: number): QuoteSummaryDto['amount'] {
  const bills = rows.map((o) => ({ o, cents: optionDto(o, taxRatePpm).totals.perPeriod.totalCents }))
  const accepted = bills.find((b) => b.o.id === acceptedOptionId)
  const pick = accepted ?? bills.sort((a, b) => a.cents - b.cents)[0]
  if (!pick) return null
  return { perPeriodCents: pick.cents, billingFrequency: pick.o.billingFrequency, billingIntervalMonths: pick.o.billingIntervalMonths, from: !accepted && new Set(bills.map((b) => b.cents)).size > 1 }
}
