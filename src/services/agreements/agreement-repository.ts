import { sql } from 'kysely'
import type { AgreementDto, AgreementSummaryDto } from '../../contracts/agreements.ts'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { periodAndTermTotals, type PricedLine } from '../../domain/pricing.ts'
import { asNumberSearch, likeContains } from '../../db/like.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const parseLines = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as PricedLine[]

/** Billing periods in a term, or null when open-ended. */
const periodsOf = (termMonths: number | null, interval: number) => (termMonths === null ? null : Math.ceil(termMonths / interval))

/** One agreement with what the office reviews: lines and totals, payment method (brand and last four only), signature, work orders. */
export async function loadAgreement(db: Db, id: string): Promise<AgreementDto> {
  const a = await db
    .selectFrom('agreements as a')
    .innerJoin('customers as c', 'c.id', 'a.customerId')
    .innerJoin('customerLocations as l', 'l.id', 'a.locationId')
    .leftJoin('quotes as q', 'q.id', 'a.quoteId')
    .leftJoin('users as u', 'u.id', 'a.approvedBy')
    .selectAll('a')
    .select(['c.name as customerName', 'q.number as quoteNumber', 'u.name as approvedByName'])
    .select(['l.label', 'l.line1', 'l.line2', 'l.city', 'l.region', 'l.postalCode'])
    .where('a.id', '=', id)
    .executeTakeFirst()
  if (!a) throw notFound('agreement', id)
  const [pm, sig, workOrders] = await Promise.all([
    a.paymentMethodId
      ? db.selectFrom('paymentMethods').select(['kind', 'brand', 'accountType', 'last4', 'expiry', 'holderName']).where('id', '=', a.paymentMethodId).executeTakeFirst()
      : undefined,
    a.quoteId
      ? db
          .selectFrom('quoteSignatures as s')
          .innerJoin('quoteOptions as o', 'o.id', 's.optionId')
          .select(['s.signerName', 's.signedAt', 's.ipAddress', 's.userAgent', 's.termsSha256', 's.documentSha256', 's.revision', 'o.name as optionName'])
          .where('s.quoteId', '=', a.quoteId)
          .executeTakeFirst()
      : undefined,
    db
      .selectFrom('workOrders')
      .select(['id', 'description', 'windowStart', 'windowEnd', 'status', 'locationId'])
      .where('agreementId', '=', id)
      .orderBy('windowStart')
      .orderBy('id')
      .execute(),
  ])
  const lines = parseLines(a.lines)
  const t = periodAndTermTotals(lines, a.taxRatePpm, periodsOf(a.termMonths, a.billingIntervalMonths))
  return {
    id: a.id,
    number: Number(a.number),
    customerId: a.customerId,
    customerName: a.customerName,
    location: { id: a.locationId, label: a.label, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode },
    quoteId: a.quoteId,
    quoteNumber: a.quoteNumber === null ? null : Number(a.quoteNumber),
    name: a.name,
    status: a.status,
    statusReason: a.statusReason,
    billingIntervalMonths: a.billingIntervalMonths,
    startDate: a.startDate,
    termMonths: a.termMonths,
    endDate: a.endDate,
    visitsPerTerm: a.visitsPerTerm,
    visitMonths: a.visitMonths,
    lines,
    taxRatePpm: a.taxRatePpm,
    termsText: a.termsText,
    totals: { perPeriod: t.perPeriod, firstPeriod: t.firstPeriod, perTermCents: t.perTermCents },
    paymentMethod: pm ?? null,
    signature: sig ? { ...sig, signedAt: sig.signedAt.toISOString() } : null,
    approvedAt: iso(a.approvedAt),
    approvedByName: a.approvedByName,
    workOrders,
    createdAt: a.createdAt.toISOString(),
  }
}


/** One page of agreements, newest first; search by customer name, agreement name or number. */
export async function searchAgreements(
  db: Db,
  opts: { q?: string; status?: AgreementDto['status']; customerId?: string; limit: number; offset: number },
): Promise<{ items: AgreementSummaryDto[]; total: number }> {
  let base = db.selectFrom('agreements as a').innerJoin('customers as c', 'c.id', 'a.customerId')
  if (opts.status) base = base.where('a.status', '=', opts.status)
  if (opts.customerId) base = base.where('a.customerId', '=', opts.customerId)
  if (opts.q) {
    const text = opts.q.trim()
    const asNumber = asNumberSearch(text)
    base = base.where((eb) =>
      eb.or([
        eb(sql<string>`lower(c.name)`, 'like', likeContains(text)),
        eb(sql<string>`lower(a.name)`, 'like', likeContains(text)),
        ...(asNumber !== null ? [eb('a.number', '=', asNumber)] : []),
      ]),
    )
  }
  const [rows, count] = await Promise.all([
    base
      .select(['a.id', 'a.number', 'a.customerId', 'c.name as customerName', 'a.name', 'a.status', 'a.startDate', 'a.endDate', 'a.billingIntervalMonths', 'a.lines', 'a.taxRatePpm', 'a.createdAt'])
      .orderBy('a.createdAt', 'desc')
      .orderBy('a.id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return {
    items: rows.map(({ lines, taxRatePpm, ...r }) => ({
      ...r,
      number: Number(r.number),
      perPeriodCents: periodAndTermTotals(parseLines(lines), taxRatePpm, null).perPeriod.totalCents,
      createdAt: r.createdAt.toISOString(),
    })),
    total: Number(count.n),
  }
}
