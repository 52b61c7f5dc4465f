import { sql } from 'kysely'
import { notFound } from '../../domain/errors.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The office's view of what did not reach QuickBooks, and its Retry buttons. */
export interface SyncErrorDto {
  id: string
  entityType: string
  entityId: string
  status: 'failed' | 'waiting' | 'queued'
  attempts: number
  errorCode: string | null
  lastError: string | null
  fixHint: string | null
  invoiceId: string | null
  invoiceNumber: number | null
  customerName: string | null
  createdAt: string
}

/** Failed and waiting entries, and queued ones that have failed at least once; oldest first. */
export async function listSyncErrors(deps: ServiceDeps, opts: { limit: number; offset: number }): Promise<{ items: SyncErrorDto[]; total: number }> {
  const base = deps.db.selectFrom('quickbooksQueue as q').where((eb) => eb.or([eb('q.status', 'in', ['failed', 'waiting']), eb.and([eb('q.status', '=', 'queued'), eb('q.lastError', 'is not', null)])]))
  // The invoice each entry is about: itself, its payment's, or a refund's payment's.
  const invoiceOf = sql<string | null>`case
    when q.entity_type in ('invoice', 'invoice_void') then q.entity_id
    else (select p.invoice_id from payments p where p.id = split_part(q.entity_id, ':', 1)) end`
  const [rows, count] = await Promise.all([
    base
      .select(['q.id', 'q.entityType', 'q.entityId', 'q.status', 'q.attempts', 'q.errorCode', 'q.lastError', 'q.fixHint', 'q.createdAt', invoiceOf.as('invoiceId')])
      .orderBy('q.createdAt')
      .orderBy('q.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const ids = rows.map((r) => r.invoiceId).filter((x): x is string => !!x)
  const invoices = ids.length
    ? await deps.db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customerId').select(['i.id', 'i.number', 'c.name']).where('i.id', 'in', ids).execute()
    : []
  const byId = new Map(invoices.map((i) => [i.id, i]))
  return {
    items: rows.map((r) => ({
      id: r.id,
      entityType: r.entityType,
      entityId: r.entityId,
      status: r.status as SyncErrorDto['status'],
      attempts: r.attempts,
      errorCode: r.errorCode,
      lastError: r.lastError,
      fixHint: r.fixHint,
      invoiceId: r.invoiceId,
      invoiceNumber: r.invoiceId ? (byId.get(r.invoiceId)?.number ?? null) : null,
      customerName: r.invoiceId ? (byId.get(r.invoiceId)?.name ?? null) : null,
      createdAt: r.createdAt.toISOString(),
    })),
    total: Number(count.n),
  }
}

/** Sends one failed (or waiting) entry again now, with a fresh count of tries. */
export async function retrySyncEntry(deps: ServiceDeps, id: string, actor: ActorId): Promise<void> {
  const done = await deps.db
    .updateTable('quickbooksQueue')
    .set({ status: 'queued', attempts: 0, nextAttemptAt: new Date(), requestId: null })
    .where('id', '=', id)
    .where('status', '<>', 'sent')
    .returning(['entityType', 'entityId'])
    .executeTakeFirst()
  if (!done) throw notFound('quickbooks_entry', id)
  await wakeDependents(deps)
  await recordAuditEvent(deps.db, { entityType: 'settings', entityId: 'quickbooks', action: 'quickbooks.retry', actorUserId: actor, details: { id, ...done } })
  deps.kickQuickBooks?.()
}

/** Sends every failed entry again now. */
export async function retryAllSyncErrors(deps: ServiceDeps, actor: ActorId): Promise<{ retried: number }> {
  const res = await deps.db.updateTable('quickbooksQueue').set({ status: 'queued', attempts: 0, nextAttemptAt: new Date() }).where('status', '=', 'failed').executeTakeFirst()
  const retried = Number(res.numUpdatedRows)
  await wakeDependents(deps)
  await recordAuditEvent(deps.db, { entityType: 'settings', entityId: 'quickbooks', action: 'quickbooks.retry_all', actorUserId: actor, details: { retried } })
  deps.kickQuickBooks?.()
  return { retried }
}

/** Entries waiting for what was just retried (a payment for its invoice) try again now too. */
async function wakeDependents(deps: ServiceDeps): Promise<void> {
  await deps.db.updateTable('quickbooksQueue').set({ nextAttemptAt: new Date() }).where('status', '=', 'queued').where('errorCode', 'in', ['waits_for_invoice', 'waits_for_payment']).execute()
}
