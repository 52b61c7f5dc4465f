import { sql, type SqlBool } from 'kysely'
import type { FailedPaymentDto, InvoiceListQuery, InvoiceRowDto, PaymentListQuery, PaymentPage, PaymentReversalDto, RunDto } from '../../contracts/billing.ts'
import type { Page } from '../../contracts/common.ts'
import type { Db } from '../../db/database.ts'
import { localDayStart } from '../../db/company-day.ts'
import { addDays, lastDayOf } from '../../domain/billing-calendar.ts'
import { paidWithText } from '../../domain/payment-method.ts'
import { localDate } from '../../domain/time-zone.ts'
import { usd } from '../../domain/quote-text.ts'
import { notFound } from '../../domain/errors.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { listAuditEvents } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { invoicePdf, loadInvoiceContext, paidNoteText } from './billing-emails.ts'
import { reasonText } from './record-outcome.ts'
import { asNumberSearch, likeContains } from '../../db/like.ts'

/** Read models for the office: runs, invoices, failed payments, the QuickBooks queue. */

export async function listRuns(db: Db, page: number, pageSize: number): Promise<Page<RunDto>> {
  const rows = await runQuery(db).orderBy('r.startedAt', 'desc').orderBy('r.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute()
  const total = await db.selectFrom('billingRuns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return { items: rows.map(toRunDto), page, pageSize, total: Number(total.n) }
}

export async function getRun(db: Db, id: string): Promise<RunDto> {
  const row = await runQuery(db).where('r.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('billing_run', id)
  return toRunDto(row)
}

const runQuery = (db: Db) => db.selectFrom('billingRuns as r').leftJoin('users as u', 'u.id', 'r.startedBy').selectAll('r').select('u.name as startedByName')

function toRunDto(r: Awaited<ReturnType<ReturnType<typeof runQuery>['executeTakeFirstOrThrow']>>): RunDto {
  return {
    id: r.id, throughDate: r.throughDate, status: r.status, phase: r.phase, agreementsDue: r.agreementsDue, invoicesCreated: r.invoicesCreated,
    invoicesToCharge: r.invoicesToCharge, charged: r.charged, approved: r.approved, declined: r.declined, errors: r.errors, unresolved: r.unresolved,
    recovered: r.recovered, billedCents: Number(r.billedCents), collectedCents: Number(r.collectedCents), error: r.error,
    startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, startedByName: r.startedByName,
    automatic: r.automaticFor !== null,
  }
}

export async function listInvoices(db: Db, q: InvoiceListQuery): Promise<Page<InvoiceRowDto>> {
  let base = db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customerId').innerJoin('agreements as a', 'a.id', 'i.agreementId')
  if (q.status) base = base.where('i.status', '=', q.status)
  if (q.agreementId) base = base.where('i.agreementId', '=', q.agreementId)
  if (q.customerId) base = base.where('i.customerId', '=', q.customerId)
  if (q.createdFrom) base = base.where(sql<SqlBool>`i.created_at >= ${localDayStart(q.createdFrom)}`)
  if (q.createdTo) base = base.where(sql<SqlBool>`i.created_at < ${localDayStart(addDays(q.createdTo, 1))}`)
  if (q.billed) base = base.where('i.status', q.billed === 'true' ? '<>' : '=', 'void')
  if (q.runId) {
    const runId = q.runId
    base = base.where((eb) =>
      eb.or([eb('i.runId', '=', runId), eb.exists(eb.selectFrom('chargeAttemptInvoices as c').innerJoin('chargeAttempts as ca', 'ca.id', 'c.attemptId').select('ca.id').whereRef('c.invoiceId', '=', 'i.id').where('ca.runId', '=', runId))]),
    )
  }
  const text = q.q?.trim()
  if (text) {
    const asNumber = asNumberSearch(text)
    base = base.where((eb) =>
      eb.or([
        eb(sql<string>`lower(c.name)`, 'like', likeContains(text)),
        eb(sql<string>`lower(a.name)`, 'like', likeContains(text)),
        ...(asNumber !== null ? [eb('i.number', '=', asNumber)] : []),
      ]),
    )
  }
  const rows = await base
    .select(['i.id', 'i.number', 'i.customerId', 'c.name as customerName', 'i.agreementId', 'a.name as agreementName', 'i.periodStart', 'i.periodEnd'])
    .select(['i.totalCents', 'i.paidCents', 'i.refundedCents', 'i.status', 'i.failureCode', 'i.createdAt'])
    .orderBy('i.createdAt', 'desc')
    .orderBy('i.id', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return {
    items: rows.map((r) => ({ ...r, periodLastDay: lastDayOf({ end: r.periodEnd }), createdAt: r.createdAt.toISOString(), totalCents: Number(r.totalCents), paidCents: Number(r.paidCents), refundedCents: Number(r.refundedCents) })),
    page: q.page,
    pageSize: q.pageSize,
    total: Number(total.n),
  }
}

/**
 * Payments received between company-local dates, newest first, with what they still bring in
 * (nothing when voided, else the amount less refunds) summed over every match, and the voids and
 * refunds made on those dates: the dashboard's "collected this month" opens this month's, and its
 * figure is `collectedCents` (received on these dates less reversed on these dates).
 */
export async function listPayments(db: Db, q: PaymentListQuery): Promise<PaymentPage> {
  let base = db.selectFrom('payments as p')
  if (q.receivedFrom) base = base.where(sql<SqlBool>`p.received_at >= ${localDayStart(q.receivedFrom)}`)
  if (q.receivedTo) base = base.where(sql<SqlBool>`p.received_at < ${localDayStart(addDays(q.receivedTo, 1))}`)
  const kept = sql<number>`case when p.status = 'voided' then 0 else p.amount_cents - p.refunded_cents end`
  // Voids and refunds made on these dates (approved), whichever day their payments came in.
  let reversed = db.selectFrom('paymentReversals as r').where('r.status', '=', 'approved').where('r.resolvedAt', 'is not', null)
  if (q.receivedFrom) reversed = reversed.where(sql<SqlBool>`r.resolved_at >= ${localDayStart(q.receivedFrom)}`)
  if (q.receivedTo) reversed = reversed.where(sql<SqlBool>`r.resolved_at < ${localDayStart(addDays(q.receivedTo, 1))}`)
  // The dashboard's own figure: the ledger its tile reads (cash basis, company-local days).
  const ledger = sql<{ cents: number }>`select coalesce(sum(amount_cents), 0)::float8 as cents from money_ledger
    where kind = 'collected' ${q.receivedFrom ? sql`and day >= ${q.receivedFrom}::date` : sql``} ${q.receivedTo ? sql`and day <= ${q.receivedTo}::date` : sql``}`
  const [rows, sum, reversalRows, reversalSum, collected] = await Promise.all([
    base
      .innerJoin('customers as c', 'c.id', 'p.customerId')
      .innerJoin('invoices as i', 'i.id', 'p.invoiceId')
      .select(['p.id', 'p.invoiceId', 'i.number as invoiceNumber', 'p.customerId', 'c.name as customerName', 'p.method', 'p.reference', 'p.amountCents', 'p.refundedCents', 'p.status', 'p.receivedAt'])
      .select(kept.as('keptCents'))
      .orderBy('p.receivedAt', 'desc')
      .orderBy('p.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(${kept}), 0)`.as('kept'), sql<number>`coalesce(sum(p.amount_cents), 0)`.as('received')]).executeTakeFirstOrThrow(),
    reversed
      .innerJoin('payments as p', 'p.id', 'r.paymentId')
      .innerJoin('invoices as i', 'i.id', 'r.invoiceId')
      .innerJoin('customers as c', 'c.id', 'p.customerId')
      .select(['r.id', 'r.kind', 'r.amountCents', 'r.reason', 'r.resolvedAt', 'r.paymentId', 'p.receivedAt as paymentReceivedAt', 'r.invoiceId', 'i.number as invoiceNumber', 'p.customerId', 'c.name as customerName'])
      .orderBy('r.resolvedAt', 'desc')
      .orderBy('r.id', 'desc')
      .limit(50)
      .execute(),
    reversed.select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(r.amount_cents), 0)`.as('cents')]).executeTakeFirstOrThrow(),
    ledger.execute(db),
  ])
  return {
    items: rows.map((r) => ({ ...r, amountCents: Number(r.amountCents), refundedCents: Number(r.refundedCents), keptCents: Number(r.keptCents), receivedAt: r.receivedAt.toISOString() })),
    page: q.page,
    pageSize: q.pageSize,
    total: Number(sum.n),
    keptCents: Number(sum.kept),
    receivedCents: Number(sum.received),
    collectedCents: Math.round(Number(collected.rows[0]?.cents ?? 0)),
    reversals: {
      items: reversalRows.map((r) => ({ ...r, amountCents: Number(r.amountCents), resolvedAt: r.resolvedAt!.toISOString(), paymentReceivedAt: r.paymentReceivedAt.toISOString() })),
      total: Number(reversalSum.n),
      cents: Number(reversalSum.cents),
    },
  }
}

/** One invoice with its lines, charge attempts, payments, their voids and refunds, and history. */
export async function getInvoice(db: Db, id: string) {
  const inv = await db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customerId')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .selectAll('i')
    .select(['c.name as customerName', 'a.name as agreementName', 'a.status as agreementStatus'])
    .where('i.id', '=', id)
    .executeTakeFirst()
  if (!inv) throw notFound('invoice', id)
  // Charges and payments of several invoices (a catch-up) are listed on each of them, whole.
  const attempts = await db
    .selectFrom('chargeAttempts')
    .select(['id', 'status', 'amountCents', 'declineReason', 'message', 'respcode', 'resptext', 'gatewayRef', 'resolvedBy', 'sentAt', 'resolvedAt'])
    .where('id', 'in', (eb) => eb.selectFrom('chargeAttemptInvoices').select('attemptId').where('invoiceId', '=', id))
    .orderBy('sentAt')
    .execute()
  const payments = await db
    .selectFrom('payments')
    .select(['id', 'method', 'amountCents', 'refundedCents', 'status', 'reference', 'note', 'receivedAt', 'gatewayRef'])
    .where('id', 'in', (eb) => eb.selectFrom('paymentInvoices').select('paymentId').where('invoiceId', '=', id))
    .orderBy('createdAt')
    .execute()
  const reversals = await listReversals(db, payments.map((p) => p.id))
  const qbo = await db.selectFrom('quickbooksQueue').select(['entityType', 'entityId', 'status', 'lastError']).where('entityId', 'in', [id, ...payments.map((p) => p.id), '']).execute()
  return {
    id: inv.id, number: inv.number, status: inv.status, customerId: inv.customerId, customerName: inv.customerName, agreementId: inv.agreementId,
    agreementName: inv.agreementName, agreementStatus: inv.agreementStatus, periodStart: inv.periodStart, periodLastDay: lastDayOf({ end: inv.periodEnd }),
    lines: (typeof inv.lines === 'string' ? JSON.parse(inv.lines) : inv.lines) as PricedLine[],
    subtotalCents: Number(inv.subtotalCents), taxCents: Number(inv.taxCents), totalCents: Number(inv.totalCents), paidCents: Number(inv.paidCents),
    refundedCents: Number(inv.refundedCents), failureCode: inv.failureCode, failureMessage: inv.failureMessage, retryState: inv.retryState,
    nextRetryDate: inv.nextRetryDate, failedAttempts: inv.failedAttempts, createdAt: inv.createdAt.toISOString(),
    attempts: attempts.map((a) => ({ ...a, amountCents: Number(a.amountCents), sentAt: a.sentAt.toISOString(), resolvedAt: a.resolvedAt?.toISOString() ?? null })),
    payments: payments.map((p) => ({ ...p, amountCents: Number(p.amountCents), refundedCents: Number(p.refundedCents), receivedAt: p.receivedAt.toISOString() })),
    reversals,
    quickbooks: qbo,
    history: await listAuditEvents(db, 'invoice', id),
  }
}

/**
 * Voids and refunds of these payments (an invoice's), pending ones included, newest first. By
 * payment id: payment_reversals is indexed on (payment_id, created_at), not on invoice_id.
 */
async function listReversals(db: Db, paymentIds: string[]): Promise<PaymentReversalDto[]> {
  if (paymentIds.length === 0) return []
  const rows = await db
    .selectFrom('paymentReversals')
    .select(['id', 'paymentId', 'kind', 'amountCents', 'status', 'message', 'reason', 'createdAt', 'resolvedAt'])
    .where('paymentId', 'in', paymentIds)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id, paymentId: r.paymentId, kind: r.kind, amountCents: Number(r.amountCents), status: r.status, message: r.message, reason: r.reason,
    createdAt: r.createdAt.toISOString(), resolvedAt: r.resolvedAt?.toISOString() ?? null,
  }))
}

export async function invoicePdfFor(deps: ServiceDeps, id: string): Promise<{ number: number; pdf: Buffer }> {
  const ctx = await loadInvoiceContext(deps.db, id)
  if (!ctx) throw notFound('invoice', id)
  const inv = await deps.db.selectFrom('invoices').select(['createdAt']).where('id', '=', id).executeTakeFirstOrThrow()
  const issuedOn = localDate(inv.createdAt, ctx.timeZone)
  return { number: ctx.number, pdf: await invoicePdf(deps.db, ctx, await paymentsNote(deps.db, id, ctx.timeZone, ctx.brand.locale), issuedOn) }
}

/** "Paid $29.95 with Visa ending 1443 on Nov 25, 2026; refunded $5.00": the invoice's payments, for its PDF (company dates). */
async function paymentsNote(db: Db, invoiceId: string, timeZone: string, locale: string): Promise<string | null> {
  const rows = await db
    .selectFrom('paymentInvoices as pi')
    .innerJoin('payments as p', 'p.id', 'pi.paymentId')
    .leftJoin('chargeAttempts as ca', 'ca.id', 'p.attemptId')
    .leftJoin('paymentMethods as pm', 'pm.id', 'ca.paymentMethodId')
    // This invoice's part of a payment of several invoices.
    .select(['pi.amountCents', 'pi.refundedCents', 'p.status', 'p.method', 'p.reference', 'p.receivedAt', 'pm.kind', 'pm.brand', 'pm.last4'])
    .where('pi.invoiceId', '=', invoiceId)
    .where('p.status', '<>', 'voided')
    .orderBy('p.createdAt')
    .execute()
  if (rows.length === 0) return null
  return rows
    .map((r) => {
      const how = r.kind && r.last4 ? paidWithText({ kind: r.kind, brand: r.brand, last4: r.last4 }) : r.reference || r.method
      const refunded = Number(r.refundedCents) > 0 ? `; refunded ${usd(Number(r.refundedCents))}` : ''
      return `${paidNoteText(Number(r.amountCents), how, localDate(r.receivedAt, timeZone), locale)}${refunded}`
    })
    .join('. ')
}

/** Unpaid invoices after a failed charge, oldest first: who, how much, why, how often, what next. */
export async function listFailedPayments(db: Db, page: number, pageSize: number): Promise<Page<FailedPaymentDto>> {
  const base = db.selectFrom('invoices as i').where('i.status', '=', 'failed')
  const rows = await base
    .innerJoin('customers as c', 'c.id', 'i.customerId')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .select(['i.id as invoiceId', 'i.number as invoiceNumber', 'i.customerId', 'c.name as customerName', 'i.agreementId', 'a.name as agreementName'])
    .select(['a.status as agreementStatus', sql<number>`i.total_cents - i.paid_cents`.as('amountCents'), 'i.failureCode', 'i.failureMessage', 'i.retryState', 'i.nextRetryDate'])
    .select((eb) => [
      eb.selectFrom('chargeAttemptInvoices as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.invoiceId', '=', 'i.id').as('attempts'),
      eb.selectFrom('chargeAttemptInvoices as c').innerJoin('chargeAttempts as ca', 'ca.id', 'c.attemptId').select((e) => e.fn.max('ca.sentAt').as('m')).whereRef('c.invoiceId', '=', 'i.id').as('lastAttemptAt'),
    ])
    .orderBy('i.firstFailedAt')
    .orderBy('i.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return {
    items: rows.map((r) => ({
      invoiceId: r.invoiceId, invoiceNumber: r.invoiceNumber, customerId: r.customerId, customerName: r.customerName, agreementId: r.agreementId,
      agreementName: r.agreementName, agreementStatus: r.agreementStatus, amountCents: Number(r.amountCents), reason: r.failureCode ?? 'other',
      reasonText: reasonText(r.failureCode ?? 'other'), message: r.failureMessage, attempts: Number(r.attempts ?? 0), retryState: r.retryState,
      nextRetryDate: r.nextRetryDate, lastAttemptAt: r.lastAttemptAt ? new Date(r.lastAttemptAt as unknown as string).toISOString() : null,
    })),
    page,
    pageSize,
    total: Number(total.n),
  }
}

/** What waits for QuickBooks (delivered by the QuickBooks integration; until then it is queued). */
export async function quickBooksQueueSummary(db: Db): Promise<{ queued: number; sent: number; failed: number }> {
  const rows = await db.selectFrom('quickbooksQueue').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  return { queued: by.queued ?? 0, sent: by.sent ?? 0, failed: by.failed ?? 0 }
}
