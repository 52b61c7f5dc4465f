import type { SuggestionsDto } from '../../contracts/scheduling.ts'
import { notFound } from '../../domain/errors.ts'
import { addDays } from '../../domain/scheduling/availability.ts'
import { suggestSlots, type CandidateTechnician, type Stop } from '../../domain/scheduling/suggest-slot.ts'
import { assertWorkOrder, onHold, TECHNICIAN_LIST } from '../../domain/work-order-status.ts'
import type { ServiceDeps } from '../deps.ts'
import { technicianRepository } from '../technicians/technician-repository.ts'
import { companyClock } from './visit-access.ts'
import { heldByOf, stopsInRange } from './visit-repository.ts'

/** Suggest: the free qualified technician and slot adding the least travel (rules in domain/scheduling/suggest-slot.ts). */

/** How far into a long window suggestions look (agreement visit windows are about a month). */
export const SUGGEST_MAX_DAYS = 31

export async function suggestForVisit(deps: ServiceDeps, visitId: string, opts: { limit: number }): Promise<SuggestionsDto> {
  const clock = await companyClock(deps.db)
  const now = deps.clock.now()
  const today = clock.dateOf(now.getTime())
  const v = await deps.db
    .selectFrom('workOrders as w')
    .innerJoin('customerLocations as l', 'l.id', 'w.locationId')
    .leftJoin('agreements as a', 'a.id', 'w.agreementId')
    .select(['w.id', 'w.status', 'w.durationMinutes', 'w.windowStart', 'w.windowEnd', 'w.requiredSkill', 'l.latitude', 'l.longitude', 'l.postalCode'])
    .select(['w.agreementId', 'a.number as agreementNumber', 'a.name as agreementName', 'a.status as agreementStatus'])
    .where('w.id', '=', visitId)
    .executeTakeFirst()
  if (!v) throw notFound('visit', visitId)
  const heldBy = heldByOf(v)
  if (heldBy) throw onHold('schedule', heldBy)
  assertWorkOrder(v.status, 'schedule')
  const first = v.windowStart > today ? v.windowStart : today
  const last = [v.windowEnd, addDays(first, SUGGEST_MAX_DAYS - 1)].sort()[0]!
  const technicians = await technicianRepository.list(deps.db, { activeOnly: true })
  const busy =
    first > last
      ? []
      : await stopsInRange(deps.db, {
          technicianIds: technicians.map((t) => t.id),
          from: new Date(clock.at(addDays(first, -1))),
          to: new Date(clock.at(addDays(last, 1))),
          statuses: TECHNICIAN_LIST,
          exclude: visitId,
        })
  const stopsOf = new Map<string, Stop[]>()
  for (const b of busy) {
    const stop = { id: b.id, start: b.start, end: b.end, place: { latitude: b.latitude, longitude: b.longitude, postalCode: b.postalCode } }
    const list = stopsOf.get(b.technicianId)
    if (list) list.push(stop)
    else stopsOf.set(b.technicianId, [stop])
  }
  const candidates: CandidateTechnician[] = technicians.map((t) => ({
    ...t,
    home: t.homeBase ? { latitude: t.homeBase.latitude, longitude: t.homeBase.longitude, postalCode: t.homeBase.postalCode } : null,
    busy: stopsOf.get(t.id) ?? [],
  }))
  const r = suggestSlots({
    clock,
    now: now.getTime(),
    today,
    visit: { durationMinutes: v.durationMinutes, windowStart: first, windowEnd: last, requiredSkill: v.requiredSkill, place: { latitude: v.latitude, longitude: v.longitude, postalCode: v.postalCode } },
    technicians: candidates,
    limit: opts.limit,
  })
  return {
    basis: r.basis,
    basisReason: r.basisReason,
    suggestions: r.suggestions.map((s) => ({
      technicianId: s.technicianId,
      technicianName: s.technicianName,
      start: new Date(s.slot.start).toISOString(),
      end: new Date(s.slot.end).toISOString(),
      addedTravel: s.addedTravel === null ? null : r.basis === 'coordinates' ? Math.round(s.addedTravel * 10) / 10 : s.addedTravel,
      fromStop: s.fromStop,
    })),
  }
}
