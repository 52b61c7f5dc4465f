import { sql } from 'kysely'
import type { AgreementDto } from '../../contracts/agreements.ts'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { periodAndTermTotals, type PricedLine } from '../../domain/pricing.ts'
import { priceChangeOf } from '../../domain/renewal-terms.ts'
import { NEVER } from '../billing/due-invoices.ts'

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
  const relatedIds = [a.renewalOfId, a.renewedById].filter((x): x is string => x !== null)
  const [pm, sig, workOrders, relatedRows, failed] = await Promise.all([
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
    relatedIds.length ? db.selectFrom('agreements').select(['id', 'number', 'startDate']).where('id', 'in', relatedIds).execute() : [],
    db
      .selectFrom('invoices')
      .select(['id', 'number', sql<number>`total_cents - paid_cents`.as('owed')])
      .where('agreementId', '=', id)
      .where('status', '=', 'failed')
      .orderBy('periodStart')
      .execute(),
  ])
  const related = relatedRows.map((r) => ({ id: r.id, number: Number(r.number), startDate: r.startDate }))
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
    failedInvoices: failed.map((f) => ({ id: f.id, number: Number(f.number), owedCents: Number(f.owed) })),
    signature: sig ? { ...sig, signedAt: sig.signedAt.toISOString() } : null,
    approvedAt: iso(a.approvedAt),
    approvedByName: a.approvedByName,
    workOrders,
    autoRenew: a.autoRenew,
    autoRenewConsentAt: iso(a.autoRenewConsentAt),
    autoRenewOffBy: a.autoRenewOffBy,
    renewalChange: priceChangeOf(a.renewalChangeKind, a.renewalChangeValue),
    renewalOf: related.find((r) => r.id === a.renewalOfId) ?? null,
    renewedBy: related.find((r) => r.id === a.renewedById) ?? null,
    nextBillDate: (a.nextBillDate ?? a.startDate) === NEVER || !['active', 'suspended'].includes(a.status) ? null : (a.nextBillDate ?? a.startDate),
    closeOn: a.closeOn,
    closeReason: a.closeReason,
    endedOn: a.endedOn,
    createdAt: a.createdAt.toISOString(),
  }
}

