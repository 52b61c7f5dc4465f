import type { ConflictDto, ScheduleInput, ScheduleResultDto, TechnicianDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import { AppError, validationError } from '../../domain/errors.ts'
import type { Interval, ZoneClock } from '../../domain/scheduling/availability.ts'
import { slotConflicts } from '../../domain/scheduling/conflicts.ts'
import { TECHNICIAN_LIST, type HeldBy } from '../../domain/work-order-status.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { technicianRepository } from '../technicians/technician-repository.ts'
import { companyClock, lockVisit, type Actor } from './visit-access.ts'
import { busyAround, loadVisit } from './visit-repository.ts'

/**
 * Assign, move, resize and unassign (the dispatch board's drag, drop and resize). A slot with
 * conflicts is refused with 409 `schedule_conflicts` listing them, and saved only when the office
 * sends `confirm: true`; the confirmed conflicts go into the audit trail. One scheduling change
 * per technician at a time (a row lock), so two office users cannot both fill the same hour
 * unawares.
 */

/** Every conflict of putting the visit on the technician at the slot (the visit itself and `alsoExclude` not counted). */
export async function conflictsFor(
  tx: Db,
  o: { visitId: string; technician: TechnicianDto; slot: Interval; clock: ZoneClock; now: Date; window: { windowStart: string; windowEnd: string }; requiredSkill: string | null; heldBy: HeldBy | null; alsoExclude?: string[] },
): Promise<ConflictDto[]> {
  const busy = await busyAround(tx, {
    technicianId: o.technician.id,
    from: new Date(o.slot.start),
    to: new Date(o.slot.end),
    statuses: TECHNICIAN_LIST,
    exclude: [o.visitId, ...(o.alsoExclude ?? [])],
  })
  return slotConflicts({
    slot: o.slot,
    clock: o.clock,
    now: o.now.getTime(),
    visit: { ...o.window, requiredSkill: o.requiredSkill, heldBy: o.heldBy },
    technician: o.technician,
    busy,
  })
}

export async function scheduleVisit(deps: ServiceDeps, visitId: string, input: ScheduleInput, actor: Actor): Promise<ScheduleResultDto> {
  const clock = await companyClock(deps.db)
  const now = deps.clock.now()
  const start = Date.parse(input.start)
  const conflicts = await deps.db.transaction().execute(async (tx) => {
    const v = await lockVisit(tx, visitId, actor, 'schedule', input.version)
    const end = input.end ? Date.parse(input.end) : start + v.durationMinutes * 60_000
    if ((end - start) % 60_000 !== 0) throw validationError({ end: 'must be a whole number of minutes after start' })
    if (end - start < 5 * 60_000) throw validationError({ end: 'must be at least 5 minutes after start' })
    const technician = await technicianRepository.lockForScheduling(tx, input.technicianId)
    if (!technician) throw validationError({ technicianId: 'is not a technician' })
    if (!technician.isActive) throw validationError({ technicianId: `${technician.name} is not an active technician${technician.hasProfile ? '' : ' (no profile yet: set their hours under Technicians)'}` })
    const slot = { start, end }
    const found = await conflictsFor(tx, { visitId, technician, slot, clock, now, window: v, requiredSkill: v.requiredSkill, heldBy: null })
    if (found.length > 0 && !input.confirm)
      throw new AppError('conflict', 'schedule_conflicts', `${found.map((c) => c.message).join('; ')}. Send confirm: true to save anyway.`, { conflicts: found })
    const status = v.status === 'dispatched' && v.technicianId === technician.id ? 'dispatched' : 'scheduled'
    await tx
      .updateTable('workOrders')
      .set({ technicianId: technician.id, scheduledStart: new Date(start), scheduledEnd: new Date(end), durationMinutes: (end - start) / 60_000, status, rescheduleReason: null, updatedAt: now })
      .where('id', '=', visitId)
      .execute()
    const before = { technicianId: v.technicianId, start: v.scheduledStart?.toISOString() ?? null, end: v.scheduledEnd?.toISOString() ?? null }
    const after = { technicianId: technician.id, start: new Date(start).toISOString(), end: new Date(end).toISOString() }
    const action =
      before.technicianId === null ? 'visit.assigned' : before.technicianId !== after.technicianId ? 'visit.reassigned' : before.start === after.start ? 'visit.resized' : 'visit.moved'
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: visitId, action, actorUserId: actor.id, details: { from: before, to: after, status, conflictsConfirmed: found.map((c) => c.rule) } })
    return found
  })
  return { visit: await loadVisit(deps.db, visitId), conflicts }
}

/** Takes the visit off its technician: back to the unscheduled list. */
export async function unscheduleVisit(deps: ServiceDeps, visitId: string, input: { version?: number | undefined }, actor: Actor): Promise<ScheduleResultDto> {
  await deps.db.transaction().execute(async (tx) => {
    const v = await lockVisit(tx, visitId, actor, 'unschedule', input.version)
    await tx
      .updateTable('workOrders')
      .set({ status: 'open', technicianId: null, scheduledStart: null, scheduledEnd: null, rescheduleReason: null, updatedAt: deps.clock.now() })
      .where('id', '=', visitId)
      .execute()
    await recordAuditEvent(tx, {
      entityType: 'work_order',
      entityId: visitId,
      action: 'visit.unassigned',
      actorUserId: actor.id,
      details: { from: { technicianId: v.technicianId, start: v.scheduledStart?.toISOString() ?? null, end: v.scheduledEnd?.toISOString() ?? null, status: v.status } },
    })
  })
  return { visit: await loadVisit(deps.db, visitId), conflicts: [] }
}
