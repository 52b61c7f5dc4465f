import type { HeldBy } from '../work-order-status.ts'
import { datesTouched, dayOffOn, overlaps, workingIntervals, type DayOff, type Interval, type WorkingHours, type ZoneClock } from './availability.ts'

/**
 * What is wrong with putting a visit on a technician at a time. Rules, each a conflict:
 * - `overlap`: the slot overlaps another visit holding the technician's time (scheduled through
 *   completed; an on-hold or unscheduled one holds nothing). Touching ends do not overlap.
 * - `outside_working_hours`: the slot is not inside one working range of its start date.
 * - `day_off`: a date the slot touches is in one of the technician's days off.
 * - `missing_skill`: the visit needs a skill the technician does not have (case-insensitive).
 * - `outside_window`: the slot starts before the window's first day or ends after its last
 *   (company-local dates).
 * - `in_past`: the slot starts before now.
 * The office may save over these by confirming. Two more are blocking, never saved:
 * - `agreement_suspended`: the visit is on hold because its agreement is suspended.
 * - `technician_inactive`: the technician is not active.
 */
export type ConflictRule =
  | 'overlap'
  | 'outside_working_hours'
  | 'day_off'
  | 'missing_skill'
  | 'outside_window'
  | 'in_past'
  | 'agreement_suspended'
  | 'technician_inactive'

export interface Conflict {
  rule: ConflictRule
  message: string
  /** True when no confirmation can save over it. */
  blocking: boolean
  /** The visits it overlaps (`overlap` only). */
  visitIds?: string[]
}

export interface TechnicianAvailability {
  name: string
  isActive: boolean
  skills: readonly string[]
  workingHours: WorkingHours
  daysOff: readonly DayOff[]
}

export interface SlotCheck {
  slot: Interval
  clock: ZoneClock
  now: number
  visit: { windowStart: string; windowEnd: string; requiredSkill: string | null; heldBy: HeldBy | null }
  technician: TechnicianAvailability
  /** The technician's other visits that hold time (not the visit being placed). */
  busy: readonly (Interval & { id: string; label: string })[]
}

export const hasSkill = (skills: readonly string[], skill: string | null) => skill === null || skills.some((s) => s.toLowerCase() === skill.toLowerCase())

/** Every conflict of the slot, blocking ones first. */
export function slotConflicts(c: SlotCheck): Conflict[] {
  const { slot, clock, technician: t, visit } = c
  const out: Conflict[] = []
  const range = `${clock.timeOf(slot.start)}–${clock.timeOf(slot.end)}`
  if (visit.heldBy) {
    const a = visit.heldBy
    out.push({ rule: 'agreement_suspended', blocking: true, message: `On hold: agreement #${a.agreementNumber} (${a.agreementName}) is suspended` })
  }
  if (!t.isActive) out.push({ rule: 'technician_inactive', blocking: true, message: `${t.name} is not an active technician` })
  const hits = c.busy.filter((b) => overlaps(b, slot))
  if (hits.length) {
    const what = hits.map((b) => `${b.label} ${clock.timeOf(b.start)}–${clock.timeOf(b.end)}`).join(', ')
    out.push({ rule: 'overlap', blocking: false, visitIds: hits.map((b) => b.id), message: `Overlaps ${t.name}'s ${what}` })
  }
  const dates = datesTouched(clock, slot)
  const startDate = dates[0]!
  const inHours = dates.length === 1 && workingIntervals(clock, t.workingHours, startDate).some((w) => w.start <= slot.start && slot.end <= w.end)
  if (!inHours) out.push({ rule: 'outside_working_hours', blocking: false, message: `${startDate} ${range} is outside ${t.name}'s working hours` })
  for (const date of dates) {
    const off = dayOffOn(t.daysOff, date)
    if (off) out.push({ rule: 'day_off', blocking: false, message: `${date} is a day off for ${t.name}${off.reason ? ` (${off.reason})` : ''}` })
  }
  if (!hasSkill(t.skills, visit.requiredSkill)) out.push({ rule: 'missing_skill', blocking: false, message: `${t.name} does not have the skill "${visit.requiredSkill}"` })
  if (startDate < visit.windowStart || dates.at(-1)! > visit.windowEnd)
    out.push({ rule: 'outside_window', blocking: false, message: `${startDate} is outside the visit's window ${visit.windowStart} to ${visit.windowEnd}` })
  if (slot.start < c.now) out.push({ rule: 'in_past', blocking: false, message: `${startDate} ${range} has already begun` })
  return out.sort((a, b) => Number(b.blocking) - Number(a.blocking))
}
