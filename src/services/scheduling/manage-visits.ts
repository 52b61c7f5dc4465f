import type { VisitCreateInput, VisitDto, VisitListQuery, VisitSummaryDto, VisitUpdateInput } from '../../contracts/scheduling.ts'
import type { Page } from '../../contracts/common.ts'
import { conflict, notAllowed, notFound, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { onHold } from '../../domain/work-order-status.ts'
import { listAuditEvents, recordAuditEvent, type AuditEventDto } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { companyClock, mayReach, type Actor } from './visit-access.ts'
import { loadVisit, lockVisitRow, searchVisits } from './visit-repository.ts'

/** One-off work orders from the customer page, their details, and reading visits. */

export async function createVisit(deps: ServiceDeps, input: VisitCreateInput, actor: Actor): Promise<VisitDto> {
  const id = newId('wo')
  await deps.db.transaction().execute(async (tx) => {
    const customer = await tx.selectFrom('customers').select(['archivedAt']).where('id', '=', input.customerId).executeTakeFirst()
    if (!customer) throw validationError({ customerId: 'is not a customer' })
    if (customer.archivedAt) throw validationError({ customerId: 'is archived: restore the customer first' })
    const location = await tx.selectFrom('customerLocations').select(['customerId', 'archivedAt']).where('id', '=', input.locationId).executeTakeFirst()
    if (!location || location.customerId !== input.customerId) throw validationError({ locationId: "is not one of this customer's locations" })
    if (location.archivedAt) throw validationError({ locationId: 'is archived' })
    await tx
      .insertInto('workOrders')
      .values({
        id,
        agreementId: null,
        customerId: input.customerId,
        locationId: input.locationId,
        description: input.description,
        durationMinutes: input.durationMinutes,
        windowStart: input.windowStart,
        windowEnd: input.windowEnd,
        priority: input.priority,
        notes: input.notes,
        requiredSkill: input.requiredSkill,
        status: 'open',
        statusBeforeSuspension: null,
        technicianId: null,
        scheduledStart: null,
        createdBy: actor.id,
      })
      .execute()
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: id, action: 'visit.created', actorUserId: actor.id, details: { customerId: input.customerId, windowStart: input.windowStart, windowEnd: input.windowEnd } })
  })
  return loadVisit(deps.db, id)
}

/**
 * Edits what the visit is (description, notes, priority, skill, window, duration). Its slot moves
 * only through schedule (with its conflict check), so the duration of a visit on the schedule is
 * changed by resizing it there. Finished visits are history and stay as they are.
 */
export async function updateVisit(deps: ServiceDeps, id: string, input: VisitUpdateInput, actor: Actor): Promise<VisitDto> {
  await deps.db.transaction().execute(async (tx) => {
    const v = await lockVisitRow(tx, id)
    if (!v) throw notFound('visit', id)
    if (input.version !== undefined && input.version !== v.version) throw conflict('visit_changed', `Someone changed this visit since you loaded it (now version ${v.version}); reload and try again`)
    if (v.status === 'completed' || v.status === 'cancelled') throw notAllowed('work_order_edit_not_allowed', `This visit cannot be changed: it is ${v.status}`)
    if (input.durationMinutes !== undefined && input.durationMinutes !== v.durationMinutes && v.scheduledStart)
      throw notAllowed('visit_is_scheduled', 'This visit is on the schedule: resize it there (schedule with a new end) so conflicts are checked')
    const windowStart = input.windowStart ?? v.windowStart
    const windowEnd = input.windowEnd ?? v.windowEnd
    if (windowEnd < windowStart) throw validationError({ windowEnd: 'must be on or after windowStart' })
    const { version: _version, ...changes } = input
    await tx.updateTable('workOrders').set({ ...changes, updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: id, action: 'visit.updated', actorUserId: actor.id, details: { changed: Object.keys(changes) } })
  })
  return loadVisit(deps.db, id)
}

/** One visit, as far as the actor may see it: a technician only their own, and not while on hold. */
export async function getVisit(deps: ServiceDeps, id: string, actor: Actor): Promise<VisitDto> {
  const v = await loadVisit(deps.db, id)
  if (!mayReach(actor, v)) throw notFound('visit', id)
  if (actor.role === 'technician' && v.onHold) throw onHold(null, v.onHold)
  return v
}

export async function listVisits(deps: ServiceDeps, query: VisitListQuery): Promise<Page<VisitSummaryDto>> {
  const clock = await companyClock(deps.db)
  const { page, pageSize, ...filters } = query
  const today = clock.dateOf(deps.clock.now().getTime())
  const { items, total } = await searchVisits(deps.db, { ...filters, today, limit: pageSize, offset: (page - 1) * pageSize })
  return { items, total, page, pageSize }
}

export async function visitHistory(deps: ServiceDeps, id: string): Promise<AuditEventDto[]> {
  await loadVisit(deps.db, id)
  return listAuditEvents(deps.db, 'work_order', id)
}
