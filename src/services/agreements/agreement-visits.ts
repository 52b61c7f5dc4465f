import type { Db } from '../../db/database.ts'
import { workOrdersThatCan } from '../../domain/work-order-status.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId } from '../deps.ts'

/**
 * Cancels an agreement's visits still to be done, by the work-order rules (only what `cancel`
 * applies to: unscheduled, scheduled, dispatched, on the way, on hold; never one under way or
 * completed), each with its reason in its own trail. `fromDate`: only visits whose window starts
 * on or after it (a closing scheduled for that day); null: every remaining visit (the agreement
 * has ended). Call inside the transaction that ends or closes the agreement.
 */
export async function cancelRemainingVisitsTx(tx: Db, o: { agreementId: string; fromDate: string | null; reason: string; actor: ActorId; now: Date }): Promise<number> {
  let q = tx
    .updateTable('workOrders')
    .set({ status: 'cancelled', statusReason: o.reason, statusBeforeSuspension: null, rescheduleReason: null, updatedAt: o.now })
    .where('agreementId', '=', o.agreementId)
    .where('status', 'in', workOrdersThatCan('cancel'))
  if (o.fromDate) q = q.where('windowStart', '>=', o.fromDate)
  const cancelled = await q.returning('id').execute()
  for (const v of cancelled)
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: v.id, action: 'visit.cancelled', actorUserId: o.actor, details: { agreementId: o.agreementId, reason: o.reason } })
  return cancelled.length
}
