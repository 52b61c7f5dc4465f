import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { assertTransition } from '../../domain/agreement-status.ts'
import { notFound } from '../../domain/errors.ts'
import { workOrdersThatCan } from '../../domain/work-order-status.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { visitsHeldTx, visitsResumedTx } from '../scheduling/visit-hold.ts'
import type { ActorId } from '../deps.ts'

/**
 * Suspending and reactivating an agreement together with its work orders (workflow 6).
 * Call inside a transaction. Suspended work orders remember their status so one click puts
 * them back; completed and cancelled ones are left alone.
 */
export async function suspendAgreementTx(tx: Db, agreementId: string, reason: string, actor: ActorId, now: Date): Promise<number> {
  const a = await tx.selectFrom('agreements').select(['status']).where('id', '=', agreementId).forUpdate().executeTakeFirst()
  if (!a) throw notFound('agreement', agreementId)
  const to = assertTransition(a.status, 'suspend')
  await tx.updateTable('agreements').set({ status: to, statusReason: reason, updatedAt: now }).where('id', '=', agreementId).execute()
  const moved = await tx
    .updateTable('workOrders')
    .set({ statusBeforeSuspension: sql`status`, status: 'suspended', updatedAt: now })
    .where('agreementId', '=', agreementId)
    .where('status', 'in', workOrdersThatCan('suspend'))
    .returning('id')
    .execute()
  const workOrders = moved.length
  await visitsHeldTx(tx, { agreementId, visitIds: moved.map((m) => m.id), actor, reason })
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: agreementId, action: 'agreement.suspended', actorUserId: actor, details: { reason, workOrders } })
  return workOrders
}

export async function reactivateAgreementTx(tx: Db, agreementId: string, actor: ActorId, now: Date): Promise<number> {
  const a = await tx.selectFrom('agreements').select(['status']).where('id', '=', agreementId).forUpdate().executeTakeFirst()
  if (!a) throw notFound('agreement', agreementId)
  const to = assertTransition(a.status, 'reactivate')
  await tx.updateTable('agreements').set({ status: to, statusReason: '', updatedAt: now }).where('id', '=', agreementId).execute()
  const moved = await tx
    .updateTable('workOrders')
    .set({ status: sql`coalesce(status_before_suspension, 'open')`, statusBeforeSuspension: null, updatedAt: now })
    .where('agreementId', '=', agreementId)
    .where('status', 'in', workOrdersThatCan('resume'))
    .returning('id')
    .execute()
  const workOrders = moved.length
  // The schedule: visits back on their technicians, flagged where the slot passed or now conflicts.
  await visitsResumedTx(tx, { agreementId, visitIds: moved.map((m) => m.id), actor, now })
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: agreementId, action: 'agreement.reactivated', actorUserId: actor, details: { workOrders } })
  return workOrders
}
