import type { Updateable } from 'kysely'
import { loadBrand } from '../email/brand.ts'
import type { VisitDto, VisitStatusInput } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import type { WorkOrdersTable } from '../../db/schema.ts'
import { validationError } from '../../domain/errors.ts'
import { addDays } from '../../domain/scheduling/availability.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { getSettings } from '../settings/company-settings.ts'
import { getSchedulingSettings } from './scheduling-settings.ts'
import { companyClock, lockVisit, type Actor } from './visit-access.ts'
import { loadVisit, type LockedVisit } from './visit-repository.ts'
import { onTheWayEmail } from './visit-emails.ts'

/**
 * A visit's way through the day: the office dispatches it; the technician (or the office for
 * them) marks it on the way, in progress and completed with notes and actual times. Marking it
 * on the way emails the customer when the setting is on, through the outbox in the same
 * transaction. Every step goes into the visit's audit trail.
 */

const ACTION = { on_the_way: 'travel', in_progress: 'start', completed: 'complete' } as const
const LEEWAY_MS = 5 * 60_000

export async function dispatchVisit(deps: ServiceDeps, id: string, input: { version?: number | undefined }, actor: Actor): Promise<VisitDto> {
  await deps.db.transaction().execute(async (tx) => {
    await lockVisit(tx, id, actor, 'dispatch', input.version)
    await tx.updateTable('workOrders').set({ status: 'dispatched', updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: id, action: 'visit.dispatched', actorUserId: actor.id })
  })
  return loadVisit(deps.db, id)
}

/** Dispatches every scheduled visit of a company-local day (of one technician, or all). */
export async function dispatchDay(deps: ServiceDeps, input: { date: string; technicianId?: string | undefined }, actor: Actor): Promise<{ dispatched: number }> {
  const clock = await companyClock(deps.db)
  const ids = await deps.db.transaction().execute(async (tx) => {
    let q = tx
      .updateTable('workOrders')
      .set({ status: 'dispatched', updatedAt: deps.clock.now() })
      .where('status', '=', 'scheduled')
      .where('scheduledStart', '>=', new Date(clock.at(input.date)))
      .where('scheduledStart', '<', new Date(clock.at(addDays(input.date, 1))))
      // A visit of a suspended agreement is on hold already; this keeps it so even if one was missed.
      .where((eb) => eb.or([eb('agreementId', 'is', null), eb('agreementId', 'not in', eb.selectFrom('agreements').select('id').where('status', '=', 'suspended'))]))
    if (input.technicianId) q = q.where('technicianId', '=', input.technicianId)
    const rows = await q.returning('id').execute()
    for (const r of rows) await recordAuditEvent(tx, { entityType: 'work_order', entityId: r.id, action: 'visit.dispatched', actorUserId: actor.id, details: { day: input.date } })
    return rows
  })
  return { dispatched: ids.length }
}

/** On the way, in progress, completed: from the technician's phone or the office. */
export async function reportVisitStatus(deps: ServiceDeps, id: string, input: VisitStatusInput, actor: Actor): Promise<VisitDto> {
  const now = deps.clock.now()
  const at = (iso: string | undefined, field: string) => {
    if (iso === undefined) return undefined
    const d = new Date(iso)
    if (d.getTime() > now.getTime() + LEEWAY_MS) throw validationError({ [field]: 'cannot be in the future' })
    return d
  }
  const actualStart = at(input.actualStart, 'actualStart')
  const actualEnd = at(input.actualEnd, 'actualEnd')
  let emailed = false
  await deps.db.transaction().execute(async (tx) => {
    const v = await lockVisit(tx, id, actor, ACTION[input.status], input.version)
    const done = input.status === 'completed' ? completion(v, input, actualStart, actualEnd ?? now) : null
    const set: Updateable<WorkOrdersTable> = { status: input.status, updatedAt: now, ...(input.status === 'in_progress' ? { actualStart: actualStart ?? now } : {}), ...done }
    await tx.updateTable('workOrders').set(set).where('id', '=', id).execute()
    if (input.status === 'on_the_way') emailed = await emailOnTheWay(deps, tx, v)
    const times = done ? { actualStart: done.actualStart.toISOString(), actualEnd: done.actualEnd.toISOString() } : {}
    await recordAuditEvent(tx, {
      entityType: 'work_order',
      entityId: id,
      action: `visit.${input.status}`,
      actorUserId: actor.id,
      details: { from: v.status, ...times, ...(input.status === 'on_the_way' ? { customerEmailed: emailed } : {}) },
    })
  })
  if (emailed) deps.kickOutbox?.()
  return loadVisit(deps.db, id)
}

function completion(v: LockedVisit, input: VisitStatusInput, actualStart: Date | undefined, actualEnd: Date) {
  const notes = input.completionNotes?.trim() ?? ''
  if (!notes) throw validationError({ completionNotes: 'is required to complete a visit (what was done)' })
  const start = actualStart ?? v.actualStart
  if (!start) throw validationError({ actualStart: 'is required: the visit was never marked in progress' })
  if (actualEnd <= start) throw validationError({ actualEnd: 'must be after the actual start' })
  return { completionNotes: notes, actualStart: start, actualEnd, rescheduleReason: null }
}

async function emailOnTheWay(deps: ServiceDeps, tx: Db, v: LockedVisit): Promise<boolean> {
  if (!(await getSchedulingSettings(tx)).onTheWayEmail) return false
  const contact = await tx
    .selectFrom('customerContacts')
    .select('email')
    .where('customerId', '=', v.customerId)
    .where('email', 'is not', null)
    .orderBy('isPrimary', 'desc')
    .orderBy('createdAt')
    .executeTakeFirst()
  if (!contact?.email) return false
  const [customer, location, technician, company] = await Promise.all([
    tx.selectFrom('customers').select('name').where('id', '=', v.customerId).executeTakeFirstOrThrow(),
    tx.selectFrom('customerLocations').select(['line1', 'line2', 'city', 'region', 'postalCode']).where('id', '=', v.locationId).executeTakeFirstOrThrow(),
    tx.selectFrom('users').select('name').where('id', '=', v.technicianId!).executeTakeFirstOrThrow(),
    loadBrand(tx, deps.publicUrl),
  ])
  const address = [location.line1, location.line2, `${location.city}, ${location.region} ${location.postalCode}`].filter(Boolean).join(', ')
  const email = onTheWayEmail({ brand: company, customerName: customer.name, technicianName: technician.name, description: v.description, address })
  await enqueueEmail(tx, { kind: 'visit.on_the_way', to: contact.email, ...email, relatedType: 'work_order', relatedId: v.id })
  return true
}

export async function cancelVisit(deps: ServiceDeps, id: string, input: { reason: string; version?: number | undefined }, actor: Actor): Promise<VisitDto> {
  await deps.db.transaction().execute(async (tx) => {
    const v = await lockVisit(tx, id, actor, 'cancel', input.version)
    await tx
      .updateTable('workOrders')
      .set({ status: 'cancelled', statusReason: input.reason, statusBeforeSuspension: null, rescheduleReason: null, updatedAt: deps.clock.now() })
      .where('id', '=', id)
      .execute()
    await recordAuditEvent(tx, { entityType: 'work_order', entityId: id, action: 'visit.cancelled', actorUserId: actor.id, details: { from: v.status, reason: input.reason } })
  })
  return loadVisit(deps.db, id)
}
