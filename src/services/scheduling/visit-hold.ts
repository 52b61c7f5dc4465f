import type { Db } from '../../db/database.ts'
import { onTechnicianList } from '../../domain/work-order-status.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId } from '../deps.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { technicianRepository } from '../technicians/technician-repository.ts'
import { conflictsFor } from './schedule-visit.ts'
import { companyClock } from './visit-access.ts'

/**
 * What suspension and reactivation (services/billing/suspension.ts) mean for the schedule. On
 * hold, a visit keeps its technician and slot only as a memory: it is on no technician's list
 * and holds no time, so its slot is free for others. Reactivation puts it back as it was and
 * flags it for the office when that slot has passed or now conflicts (`reschedule_reason`, the
 * board's "needs rescheduling" filter, and a notification).
 */

/** Writes "on hold" into each visit's trail (call in the suspension's transaction). */
export async function visitsHeldTx(tx: Db, o: { agreementId: string; visitIds: readonly string[]; actor: ActorId; reason: string }): Promise<void> {
  for (const id of o.visitIds)
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: id, action: 'visit.on_hold', actorUserId: o.actor, details: { agreementId: o.agreementId, reason: o.reason } })
}

/** Checks each visit back from hold and flags those to reschedule; returns how many were flagged. */
export async function visitsResumedTx(tx: Db, o: { agreementId: string; visitIds: readonly string[]; actor: ActorId; now: Date }): Promise<number> {
  if (o.visitIds.length === 0) return 0
  const clock = await companyClock(tx)
  const a = await tx.selectFrom('agreements').select(['number', 'name']).where('id', '=', o.agreementId).executeTakeFirstOrThrow()
  const visits = await tx
    .selectFrom('workOrders')
    .select(['id', 'status', 'technicianId', 'scheduledStart', 'scheduledEnd', 'windowStart', 'windowEnd', 'requiredSkill'])
    .where('id', 'in', [...o.visitIds])
    .orderBy('scheduledStart')
    .execute()
  let flagged = 0
  for (const v of visits) {
    let reason: string | null = null
    if (v.technicianId && v.scheduledStart && v.scheduledEnd && onTechnicianList(v.status) && v.status !== 'completed') {
      const slot = { start: v.scheduledStart.getTime(), end: v.scheduledEnd.getTime() }
      const when = `${clock.dateOf(slot.start)} ${clock.timeOf(slot.start)}`
      if (slot.start < o.now.getTime()) reason = `Its slot (${when}) passed while agreement #${a.number} was suspended`
      else {
        const technician = await technicianRepository.findById(tx, v.technicianId)
        const conflicts = technician
          ? await conflictsFor(tx, { visitId: v.id, technician, slot, clock, now: o.now, window: v, requiredSkill: v.requiredSkill, heldBy: null })
          : []
        if (conflicts.length) reason = `Its slot (${when}) now conflicts: ${conflicts.map((c) => c.message).join('; ')}`
      }
    }
    if (reason) {
      flagged++
      await tx.updateTable('workOrders').set({ rescheduleReason: reason }).where('id', '=', v.id).execute()
    }
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: v.id, action: 'visit.resumed', actorUserId: o.actor, details: { agreementId: o.agreementId, status: v.status, needsReschedule: reason } })
  }
  if (flagged > 0)
    await notifyOffice(tx, {
      kind: 'schedule.needs_reschedule',
      title: `${flagged} visit${flagged === 1 ? '' : 's'} of agreement #${a.number} (${a.name}) need${flagged === 1 ? 's' : ''} rescheduling`,
      body: 'The agreement was reactivated; these visits are back on their technicians, but their slots have passed or now conflict.',
      link: `/schedule?needsReschedule=true&agreementId=${o.agreementId}`,
    })
  return flagged
}
