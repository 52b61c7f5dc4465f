import type { BoardDto, MyVisitsDto } from '../../contracts/scheduling.ts'
import { addDays, dayOffOn, workingIntervals } from '../../domain/scheduling/availability.ts'
import { TECHNICIAN_LIST } from '../../domain/work-order-status.ts'
import type { ServiceDeps } from '../deps.ts'
import { technicianRepository } from '../technicians/technician-repository.ts'
import { currentCursor } from './schedule-changes.ts'
import { companyClock, type Actor } from './visit-access.ts'
import { technicianVisits, visitsInRange } from './visit-repository.ts'

/**
 * The dispatch board's day or week (one lane per technician, with each day's working hours as
 * instants and days off) and a technician's own day and coming days. Dates are company-local;
 * a day runs from local midnight to the next (23 or 25 hours on daylight-saving days).
 */

const iso = (ms: number) => new Date(ms).toISOString()

/** Visits on the board: holding time, plus those on hold (shown as on hold, holding nothing). */
const BOARD_STATUSES = [...TECHNICIAN_LIST, 'suspended'] as const

export async function getBoard(deps: ServiceDeps, q: { from?: string | undefined; days: number; technicianId?: string | undefined }): Promise<BoardDto> {
  // The cursor first: a change committed between it and the reads below comes again in the feed.
  const [cursor, clock] = await Promise.all([currentCursor(deps.db), companyClock(deps.db)])
  const from = q.from ?? clock.dateOf(deps.clock.now().getTime())
  const to = addDays(from, q.days)
  const dates = Array.from({ length: q.days }, (_, i) => addDays(from, i))
  const [visits, technicians] = await Promise.all([
    visitsInRange(deps.db, { from: new Date(clock.at(from)), to: new Date(clock.at(to)), statuses: BOARD_STATUSES, ...(q.technicianId ? { technicianId: q.technicianId } : {}) }),
    technicianRepository.list(deps.db, q.technicianId ? { ids: [q.technicianId] } : {}),
  ])
  const withVisits = new Set(visits.map((v) => v.technicianId))
  const lanes = technicians
    .filter((t) => t.isActive || withVisits.has(t.id))
    .map((t) => ({
      id: t.id,
      name: t.name,
      color: t.color,
      skills: t.skills,
      isActive: t.isActive,
      days: dates.map((date) => {
        const off = dayOffOn(t.daysOff, date)
        return {
          date,
          working: off ? [] : workingIntervals(clock, t.workingHours, date).map((w) => ({ start: iso(w.start), end: iso(w.end) })),
          dayOff: off ? off.reason || 'Day off' : null,
        }
      }),
    }))
  return { timeZone: clock.timeZone, from, to, cursor, technicians: lanes, visits }
}

/** A technician's own visits, today (or `from`) and the coming days, in order, grouped by local date. */
export async function getMyVisits(deps: ServiceDeps, actor: Actor, q: { from?: string | undefined; days: number }): Promise<MyVisitsDto> {
  const clock = await companyClock(deps.db)
  const today = clock.dateOf(deps.clock.now().getTime())
  const from = q.from ?? today
  const dates = Array.from({ length: q.days }, (_, i) => addDays(from, i))
  const visits = await technicianVisits(deps.db, { technicianId: actor.id, from: new Date(clock.at(from)), to: new Date(clock.at(addDays(from, q.days))), statuses: TECHNICIAN_LIST })
  return {
    timeZone: clock.timeZone,
    today,
    days: dates.map((date) => ({ date, visits: visits.filter((v) => clock.dateOf(Date.parse(v.scheduledStart!)) === date) })),
  }
}
