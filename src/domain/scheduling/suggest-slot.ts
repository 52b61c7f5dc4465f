import { addDays, dayOffOn, subtract, workingIntervals, type Interval, type ZoneClock } from './availability.ts'
import { hasSkill, type TechnicianAvailability } from './conflicts.ts'

/**
 * Slot suggestion for an unscheduled visit. Rules:
 * - Candidates: every active technician with the visit's skill, every date of the visit's window
 *   from today on that is not a day off, and every free gap of that date's working hours (hours
 *   minus visits holding time) long enough for the visit. A gap offers its earliest start, on a
 *   15-minute step from the start of the working range, and not before now. Such a slot has no
 *   conflict at all.
 * - Cost: the travel the visit adds to that technician's day, prev → visit → next minus
 *   prev → next, where prev is the visit ending last before the slot that day (else the
 *   technician's home base) and next the one starting first after it (else home). Every slot in
 *   a gap has the same neighbours, so the earliest is as good as any.
 * - Distance basis, one for the whole suggestion so that costs compare:
 *   `coordinates` (straight-line km, haversine) when the visit and every stop that can neighbour
 *   it have latitude and longitude: the best measure we have without a road network;
 *   otherwise `postal_code`: US ZIP codes share longer prefixes the nearer they are (first digit
 *   = national area, first three = sectional center, five = delivery area), so the distance is
 *   5 minus the length of the common prefix of the two ZIPs (0 = same ZIP, 5 = different
 *   national area). Numeric closeness beyond the shared prefix says nothing about distance.
 * - A technician without a home base (or a stop without a location on that basis) has unknown
 *   travel: ranked after every known cost.
 * - Order: least added travel, then earliest start, then technician name.
 */

export interface Place {
  latitude: number | null
  longitude: number | null
  postalCode: string | null
}

export interface Stop extends Interval {
  id: string
  place: Place
}

export interface CandidateTechnician extends TechnicianAvailability {
  id: string
  home: Place | null
  /** Visits holding this technician's time (not the visit being placed). */
  busy: readonly Stop[]
}

export interface SuggestInput {
  clock: ZoneClock
  now: number
  today: string
  visit: { durationMinutes: number; windowStart: string; windowEnd: string; requiredSkill: string | null; place: Place }
  technicians: readonly CandidateTechnician[]
  limit?: number
  stepMinutes?: number
}

export type DistanceBasis = 'coordinates' | 'postal_code'

export interface Suggestion {
  technicianId: string
  technicianName: string
  slot: Interval
  /** Added travel in km (coordinates) or ZIP-prefix steps (postal_code); null when unknown. */
  addedTravel: number | null
  /** The stop before: a visit's id, or `home`, or null when unknown. */
  fromStop: string | null
}

export interface SuggestResult {
  basis: DistanceBasis
  basisReason: string
  suggestions: Suggestion[]
}

const hasCoordinates = (p: Place | null) => p !== null && p.latitude !== null && p.longitude !== null

/** Great-circle distance in km. */
export function haversineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.latitude - a.latitude) * rad
  const dLng = (b.longitude - a.longitude) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** 5 minus the common prefix length of two 5-digit ZIPs; null when either is missing. */
export function zipSteps(a: string | null, b: string | null): number | null {
  const za = a?.match(/^\d{5}/)?.[0]
  const zb = b?.match(/^\d{5}/)?.[0]
  if (!za || !zb) return null
  let common = 0
  while (common < 5 && za[common] === zb[common]) common++
  return 5 - common
}

export function distance(basis: DistanceBasis, a: Place | null, b: Place | null): number | null {
  if (!a || !b) return null
  if (basis === 'postal_code') return zipSteps(a.postalCode, b.postalCode)
  return hasCoordinates(a) && hasCoordinates(b) ? haversineKm(a as { latitude: number; longitude: number }, b as { latitude: number; longitude: number }) : null
}

/** The best slots for the visit, cheapest first (at most `limit`, default 5). */
export function suggestSlots(input: SuggestInput): SuggestResult {
  const { clock, visit } = input
  const step = (input.stepMinutes ?? 15) * 60_000
  const length = visit.durationMinutes * 60_000
  const qualified = input.technicians.filter((t) => t.isActive && hasSkill(t.skills, visit.requiredSkill))
  const stops = qualified.flatMap((t) => [t.home, ...t.busy.map((b) => b.place)])
  const missing = stops.filter((p) => !hasCoordinates(p)).length
  const basis: DistanceBasis = hasCoordinates(visit.place) && missing === 0 ? 'coordinates' : 'postal_code'
  const basisReason =
    basis === 'coordinates'
      ? 'Straight-line distance in km: the visit and every stop it could follow or precede have coordinates.'
      : hasCoordinates(visit.place)
        ? `ZIP code proximity: ${missing} stop${missing === 1 ? '' : 's'} (home bases or visits) it could follow or precede ${missing === 1 ? 'has' : 'have'} no coordinates, and km do not compare with ZIP steps.`
        : "ZIP code proximity: the visit's location has no coordinates."
  const d = (a: Place | null, b: Place | null) => distance(basis, a, b)
  const out: Suggestion[] = []
  const first = visit.windowStart > input.today ? visit.windowStart : input.today
  for (const t of qualified) {
    const byDate = new Map<string, Stop[]>()
    for (const b of [...t.busy].sort((x, y) => x.start - y.start)) {
      const date = clock.dateOf(b.start)
      const list = byDate.get(date)
      if (list) list.push(b)
      else byDate.set(date, [b])
    }
    for (let date = first; date <= visit.windowEnd; date = addDays(date, 1)) {
      if (dayOffOn(t.daysOff, date)) continue
      const today = byDate.get(date) ?? []
      const blocking = [...(byDate.get(addDays(date, -1)) ?? []), ...today]
      for (const range of workingIntervals(clock, t.workingHours, date)) {
        for (const gap of subtract([range], blocking)) {
          const earliest = Math.max(gap.start, input.now)
          const start = range.start + Math.ceil((earliest - range.start) / step) * step
          if (start + length > gap.end) continue
          const slot = { start, end: start + length }
          const prev = today.filter((b) => b.end <= slot.start).at(-1)
          const next = today.find((b) => b.start >= slot.end)
          const from = prev?.place ?? t.home
          const to = next?.place ?? t.home
          const legs = [d(from, visit.place), d(visit.place, to), d(from, to)]
          const addedTravel = legs.some((l) => l === null) ? null : Math.max(0, legs[0]! + legs[1]! - legs[2]!)
          out.push({ technicianId: t.id, technicianName: t.name, slot, addedTravel, fromStop: prev ? prev.id : t.home ? 'home' : null })
        }
      }
    }
  }
  const cost = (s: Suggestion) => s.addedTravel ?? Number.POSITIVE_INFINITY
  out.sort((a, b) => cost(a) - cost(b) || a.slot.start - b.slot.start || a.technicianName.localeCompare(b.technicianName))
  return { basis, basisReason, suggestions: out.slice(0, input.limit ?? 5) }
}
