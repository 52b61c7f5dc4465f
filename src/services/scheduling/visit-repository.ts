import { sql } from 'kysely'
import type { VisitDto, VisitListQuery, VisitSummaryDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import type { WorkOrderStatus } from '../../db/schema.ts'
import { likeContains } from '../../db/like.ts'
import { notFound } from '../../domain/errors.ts'
import type { HeldBy } from '../../domain/work-order-status.ts'

/** Visits (table `work_orders`) as the board, lists, the changes feed and the technician's pages read them. */

const iso = (d: Date | null) => (d ? d.toISOString() : null)

const summaryQuery = (db: Db) =>
  db
    .selectFrom('workOrders as w')
    .innerJoin('customers as c', 'c.id', 'w.customerId')
    .innerJoin('customerLocations as l', 'l.id', 'w.locationId')
    .leftJoin('agreements as a', 'a.id', 'w.agreementId')
    .select(['w.id', 'w.status', 'w.version', 'w.description', 'w.priority', 'w.requiredSkill', 'w.durationMinutes', 'w.windowStart', 'w.windowEnd'])
    .select(['w.technicianId', 'w.scheduledStart', 'w.scheduledEnd', 'w.customerId', 'c.name as customerName', 'w.locationId', 'l.line1', 'l.city', 'l.postalCode'])
    .select(['w.agreementId', 'a.number as agreementNumber', 'a.name as agreementName', 'a.status as agreementStatus', 'w.rescheduleReason', 'w.updatedAt'])

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>

/** The suspended agreement a visit is on hold for (its own status, or its agreement's). */
export function heldByOf(r: { status: WorkOrderStatus; agreementId: string | null; agreementNumber: number | string | null; agreementName: string | null; agreementStatus: string | null }): HeldBy | null {
  if (r.agreementId === null || (r.status !== 'suspended' && r.agreementStatus !== 'suspended')) return null
  return { agreementId: r.agreementId, agreementNumber: Number(r.agreementNumber), agreementName: r.agreementName ?? '' }
}

function toSummary(r: SummaryRow): VisitSummaryDto {
  return {
    id: r.id,
    status: r.status,
    version: r.version,
    description: r.description,
    priority: r.priority,
    requiredSkill: r.requiredSkill,
    durationMinutes: r.durationMinutes,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    technicianId: r.technicianId,
    scheduledStart: iso(r.scheduledStart),
    scheduledEnd: iso(r.scheduledEnd),
    customerId: r.customerId,
    customerName: r.customerName,
    location: { id: r.locationId, line1: r.line1, city: r.city, postalCode: r.postalCode },
    agreementId: r.agreementId,
    agreementNumber: r.agreementNumber === null ? null : Number(r.agreementNumber),
    onHold: heldByOf(r),
    rescheduleReason: r.rescheduleReason,
    updatedAt: r.updatedAt.toISOString(),
  }
}

export type SlotStatuses = readonly WorkOrderStatus[]

/** Visits with a slot overlapping [from, to) (a visit lasts at most 24 hours: the index range), in start order. */
export async function visitsInRange(db: Db, range: { from: Date; to: Date; technicianId?: string; statuses: SlotStatuses }): Promise<VisitSummaryDto[]> {
  let q = summaryQuery(db)
    .where('w.technicianId', 'is not', null)
    .where('w.scheduledStart', '>=', new Date(range.from.getTime() - 86_400_000))
    .where('w.scheduledStart', '<', range.to)
    .where('w.scheduledEnd', '>', range.from)
    .where('w.status', 'in', [...range.statuses])
  if (range.technicianId) q = q.where('w.technicianId', '=', range.technicianId)
  return (await q.orderBy('w.scheduledStart').orderBy('w.id').execute()).map(toSummary)
}

export async function visitSummaries(db: Db, ids: readonly string[]): Promise<VisitSummaryDto[]> {
  if (ids.length === 0) return []
  return (await summaryQuery(db).where('w.id', 'in', [...ids]).orderBy('w.id').execute()).map(toSummary)
}

const PRIORITY_RANK = sql<number>`case w.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`

/** One page of visits matching the board's filters, most urgent first (window end, then priority). */
export async function searchVisits(db: Db, q: Omit<VisitListQuery, 'page' | 'pageSize'> & { today: string; limit: number; offset: number }): Promise<{ items: VisitSummaryDto[]; total: number }> {
  let base = summaryQuery(db)
  if (q.status) base = base.where('w.status', 'in', q.status)
  if (q.windowFrom) base = base.where('w.windowEnd', '>=', q.windowFrom)
  if (q.windowTo) base = base.where('w.windowStart', '<=', q.windowTo)
  if (q.overdue === 'true') base = base.where('w.windowEnd', '<', q.today).where('w.status', 'in', ['open', 'scheduled', 'dispatched', 'suspended'])
  if (q.skill) base = base.where('w.requiredSkill', '=', q.skill)
  if (q.area) {
    const area = q.area.trim()
    base = /^\d{1,5}$/.test(area) ? base.where('l.postalCode', 'like', `${area}%`) : base.where(sql<string>`lower(l.city)`, 'like', likeContains(area))
  }
  if (q.technicianId) base = base.where('w.technicianId', '=', q.technicianId)
  if (q.customerId) base = base.where('w.customerId', '=', q.customerId)
  if (q.agreementId) base = base.where('w.agreementId', '=', q.agreementId)
  if (q.needsReschedule === 'true') base = base.where('w.rescheduleReason', 'is not', null)
  const [rows, count] = await Promise.all([
    base.orderBy('w.windowEnd').orderBy(PRIORITY_RANK).orderBy('w.windowStart').orderBy('w.id').limit(q.limit).offset(q.offset).execute(),
    base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toSummary), total: Number(count.n) }
}

const fullQuery = (db: Db) =>
  summaryQuery(db)
    .leftJoin('users as tu', 'tu.id', 'w.technicianId')
    .select(['w.notes', 'tu.name as technicianName', 'l.label', 'l.line2', 'l.region', 'l.accessNotes', 'l.latitude', 'l.longitude'])
    .select(['w.statusBeforeSuspension', 'w.statusReason', 'w.actualStart', 'w.actualEnd', 'w.completionNotes', 'w.createdAt'])
    .select((eb) =>
      eb
        .selectFrom('customerContacts as cc')
        .select('cc.phone')
        .whereRef('cc.customerId', '=', 'w.customerId')
        .where('cc.phone', 'is not', null)
        .orderBy('cc.isPrimary', 'desc')
        .orderBy('cc.createdAt')
        .limit(1)
        .as('customerPhone'),
    )

type FullRow = Awaited<ReturnType<ReturnType<typeof fullQuery>['executeTakeFirstOrThrow']>>

function toDto(r: FullRow): VisitDto {
  return {
    ...toSummary(r),
    notes: r.notes,
    technicianName: r.technicianName,
    location: { id: r.locationId, label: r.label, line1: r.line1, line2: r.line2, city: r.city, region: r.region, postalCode: r.postalCode, accessNotes: r.accessNotes, latitude: r.latitude, longitude: r.longitude },
    customerPhone: r.customerPhone,
    agreementName: r.agreementName,
    statusBeforeHold: r.statusBeforeSuspension,
    statusReason: r.statusReason,
    actualStart: iso(r.actualStart),
    actualEnd: iso(r.actualEnd),
    completionNotes: r.completionNotes,
    createdAt: r.createdAt.toISOString(),
  }
}

export async function loadVisit(db: Db, id: string): Promise<VisitDto> {
  const r = await fullQuery(db).where('w.id', '=', id).executeTakeFirst()
  if (!r) throw notFound('visit', id)
  return toDto(r)
}

/** A technician's visits with a slot in [from, to), in start order, in full. */
export async function technicianVisits(db: Db, o: { technicianId: string; from: Date; to: Date; statuses: SlotStatuses }): Promise<VisitDto[]> {
  const rows = await fullQuery(db)
    .where('w.technicianId', '=', o.technicianId)
    .where('w.scheduledStart', '>=', new Date(o.from.getTime() - 86_400_000))
    .where('w.scheduledStart', '<', o.to)
    .where('w.scheduledEnd', '>', o.from)
    .where('w.status', 'in', [...o.statuses])
    .orderBy('w.scheduledStart')
    .orderBy('w.id')
    .execute()
  return rows.map(toDto)
}

/** The row a change works on, locked, with what the rules need. */
export async function lockVisitRow(tx: Db, id: string) {
  const w = await tx.selectFrom('workOrders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  if (!w) return undefined
  const a = w.agreementId ? await tx.selectFrom('agreements').select(['number', 'name', 'status']).where('id', '=', w.agreementId).executeTakeFirst() : undefined
  return { ...w, agreementNumber: a ? Number(a.number) : null, agreementName: a?.name ?? null, agreementStatus: a?.status ?? null }
}
export type LockedVisit = NonNullable<Awaited<ReturnType<typeof lockVisitRow>>>

/** The technician's other visits holding time around an interval: what a slot may overlap. */
export async function busyAround(db: Db, o: { technicianId: string; from: Date; to: Date; statuses: SlotStatuses; exclude: readonly string[] }) {
  let q = db
    .selectFrom('workOrders as w')
    .innerJoin('customers as c', 'c.id', 'w.customerId')
    .select(['w.id', 'w.scheduledStart', 'w.scheduledEnd', 'w.description', 'c.name as customerName'])
    .where('w.technicianId', '=', o.technicianId)
    .where('w.scheduledStart', '>=', new Date(o.from.getTime() - 86_400_000))
    .where('w.scheduledStart', '<', o.to)
    .where('w.status', 'in', [...o.statuses])
  if (o.exclude.length) q = q.where('w.id', 'not in', [...o.exclude])
  const rows = await q.execute()
  return rows.map((r) => ({ id: r.id, start: r.scheduledStart!.getTime(), end: r.scheduledEnd!.getTime(), label: `${r.customerName}: ${r.description}` }))
}
