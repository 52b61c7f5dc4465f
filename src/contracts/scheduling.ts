import { z } from 'zod'
import { TIME_OF_DAY } from '../domain/automatic-billing.ts'
import { email, optionalText, PageQuery, requiredText } from './common.ts'
import { isoDate } from './quotes.ts'
import { password } from './users.ts'

/**
 * Scheduling shapes shared by the API and the web app (issue 11): technicians, visits (work
 * orders), the dispatch board, the technician's day and the changes feed. Instants are ISO 8601
 * strings in UTC; calendar dates (`YYYY-MM-DD`) are the company's local dates.
 */

export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const VISIT_STATUSES = ['open', 'scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed', 'cancelled', 'suspended'] as const
export type VisitStatus = (typeof VISIT_STATUSES)[number]
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type Priority = (typeof PRIORITIES)[number]

const hm = z.string({ error: 'is required' }).regex(TIME_OF_DAY, { error: 'must be a time like 08:30 (24-hour)' })
const TimeRange = z.object({ start: hm, end: hm }).refine((r) => r.end > r.start, { error: 'must end after it starts (no shifts across midnight)', path: ['end'] })
const dayRanges = z
  .array(TimeRange, { error: 'must be a list of {start, end}' })
  .max(4, { error: 'at most 4 ranges a day' })
  .default([])
  .refine((rs) => [...rs].sort((a, b) => (a.start < b.start ? -1 : 1)).every((r, i, s) => i === 0 || r.start >= s[i - 1]!.end), { error: 'ranges must not overlap' })

export const WorkingHoursInput = z.object(Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, dayRanges])) as Record<(typeof WEEKDAY_KEYS)[number], typeof dayRanges>)
export type WorkingHoursDto = Record<(typeof WEEKDAY_KEYS)[number], { start: string; end: string }[]>

export const DayOffInput = z
  .object({ from: isoDate, to: isoDate, reason: optionalText(200).default('') })
  .refine((d) => d.to >= d.from, { error: 'must be on or after from', path: ['to'] })

const latitude = z.number({ error: 'must be a number' }).min(-90, { error: 'must be between -90 and 90' }).max(90, { error: 'must be between -90 and 90' })
const longitude = z.number({ error: 'must be a number' }).min(-180, { error: 'must be between -180 and 180' }).max(180, { error: 'must be between -180 and 180' })
const zip = z.string({ error: 'is required' }).trim().regex(/^\d{5}(-\d{4})?$/, { error: 'must be a ZIP code like 12345 or 12345-6789' })

export const HomeBaseInput = z
  .object({
    line1: requiredText(200),
    city: requiredText(100),
    region: z.string({ error: 'is required' }).trim().toUpperCase().regex(/^[A-Z]{2}$/, { error: 'must be a two-letter state code' }),
    postalCode: zip,
    latitude: latitude.nullable().default(null),
    longitude: longitude.nullable().default(null),
  })
  .refine((h) => (h.latitude === null) === (h.longitude === null), { error: 'give both latitude and longitude, or neither', path: ['longitude'] })

const skill = z.string({ error: 'must be text' }).trim().toLowerCase().min(1, { error: 'is required' }).max(60, { error: 'must be at most 60 characters' })

export const TechnicianProfileInput = z.object({
  color: z.string({ error: 'is required' }).trim().toLowerCase().regex(/^#[0-9a-f]{6}$/, { error: 'must be a colour like #2563eb' }).default('#2563eb'),
  skills: z.array(skill, { error: 'must be a list of skills' }).max(30, { error: 'at most 30 skills' }).default([]),
  workingHours: WorkingHoursInput,
  daysOff: z.array(DayOffInput, { error: 'must be a list of {from, to, reason}' }).max(500, { error: 'at most 500 entries' }).default([]),
  homeBase: HomeBaseInput.nullable().default(null),
  isActive: z.boolean({ error: 'must be true or false' }).default(true),
})
export type TechnicianProfileInput = z.infer<typeof TechnicianProfileInput>

/** A new technician: the user account (role technician) and the profile in one. */
export const TechnicianCreateInput = TechnicianProfileInput.extend({ name: requiredText(200), email, password })
export type TechnicianCreateInput = z.infer<typeof TechnicianCreateInput>

export interface TechnicianDto {
  /** The technician's user id. */
  id: string
  name: string
  email: string
  /** False when the user account is deactivated or the profile is set inactive: no new visits. */
  isActive: boolean
  /** False for a technician user whose profile (hours, skills, home base) was never set. */
  hasProfile: boolean
  color: string
  skills: string[]
  workingHours: WorkingHoursDto
  daysOff: { from: string; to: string; reason: string }[]
  homeBase: { line1: string; city: string; region: string; postalCode: string; latitude: number | null; longitude: number | null } | null
}

const id = (prefix: string, what: string) => z.string({ error: 'is required' }).regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), { error: `is not a ${what} id` })
const version = z.number({ error: 'must be a number' }).int().min(1).optional()
const instant = z.iso.datetime({ offset: true, error: 'must be a date and time with its offset, like 2027-04-14T09:00:00-04:00' })
const duration = z.number({ error: 'must be a number of minutes' }).int({ error: 'must be whole minutes' }).min(5, { error: 'must be at least 5 minutes' }).max(1440, { error: 'must be at most 24 hours' })

const VisitFields = z.object({
  description: requiredText(500),
  durationMinutes: duration.default(60),
  windowStart: isoDate,
  windowEnd: isoDate,
  priority: z.enum(PRIORITIES, { error: 'must be low, normal, high or urgent' }).default('normal'),
  notes: optionalText(5000).default(''),
  requiredSkill: skill.nullable().default(null),
})

/** A one-off work order from the customer page. */
export const VisitCreateInput = VisitFields.extend({ customerId: id('cus', 'customer'), locationId: id('loc', 'location') }).refine((v) => v.windowEnd >= v.windowStart, {
  error: 'must be on or after windowStart',
  path: ['windowEnd'],
})
export type VisitCreateInput = z.infer<typeof VisitCreateInput>

/** Edits a visit's details (not its slot: see schedule). Omitted fields stay. */
export const VisitUpdateInput = z.object({
  description: requiredText(500).optional(),
  durationMinutes: duration.optional(),
  windowStart: isoDate.optional(),
  windowEnd: isoDate.optional(),
  priority: z.enum(PRIORITIES, { error: 'must be low, normal, high or urgent' }).optional(),
  notes: optionalText(5000).optional(),
  requiredSkill: skill.nullable().optional(),
  version,
})
export type VisitUpdateInput = z.infer<typeof VisitUpdateInput>

/**
 * Assign, move or resize: put the visit on `technicianId` from `start` to `end` (default: start +
 * the visit's duration). Conflicts answer 409 `schedule_conflicts` and save nothing unless
 * `confirm` is true. `version` (from the visit) refuses the change if someone else changed it since.
 */
export const ScheduleInput = z
  .object({ technicianId: id('usr', 'user'), start: instant, end: instant.optional(), confirm: z.boolean({ error: 'must be true or false' }).default(false), version })
  .refine((s) => s.end === undefined || Date.parse(s.end) > Date.parse(s.start), { error: 'must be after start', path: ['end'] })
  .refine((s) => s.end === undefined || Date.parse(s.end) - Date.parse(s.start) <= 86_400_000, { error: 'a visit lasts at most 24 hours', path: ['end'] })
export type ScheduleInput = z.infer<typeof ScheduleInput>

export const VersionInput = z.object({ version })

/** What a technician (or the office) reports from the field. */
export const VisitStatusInput = z
  .object({
    status: z.enum(['on_the_way', 'in_progress', 'completed'], { error: 'must be on_the_way, in_progress or completed' }),
    completionNotes: optionalText(5000).optional(),
    actualStart: instant.optional(),
    actualEnd: instant.optional(),
    version,
  })
  .refine((s) => s.actualStart === undefined || s.actualEnd === undefined || Date.parse(s.actualEnd) > Date.parse(s.actualStart), { error: 'must be after actualStart', path: ['actualEnd'] })
export type VisitStatusInput = z.infer<typeof VisitStatusInput>

export const CancelVisitInput = z.object({ reason: requiredText(1000), version })
export const DispatchDayInput = z.object({ date: isoDate, technicianId: id('usr', 'user').optional() })

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).optional()
const statusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(VISIT_STATUSES, { error: `must be a comma-separated list of ${VISIT_STATUSES.join(', ')}` })).max(8))

export const VisitListQuery = PageQuery.extend({
  status: statusList.optional(),
  /** Visits whose window overlaps [windowFrom, windowTo]: "due this week". */
  windowFrom: isoDate.optional(),
  windowTo: isoDate.optional(),
  /** Not done and the window's last day has passed. */
  overdue: flag,
  skill: skill.optional(),
  /** ZIP prefix (e.g. 606) or city. */
  area: optionalText(100).optional(),
  technicianId: id('usr', 'user').optional(),
  customerId: id('cus', 'customer').optional(),
  agreementId: id('agr', 'agreement').optional(),
  /** Flagged at reactivation: the slot has passed or now conflicts. */
  needsReschedule: flag,
})
export type VisitListQuery = z.infer<typeof VisitListQuery>

export const BoardQuery = z.object({
  from: isoDate.optional(),
  days: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be 1 to 14' }).max(14, { error: 'must be 1 to 14' }).default(7),
  technicianId: id('usr', 'user').optional(),
})
export const MyVisitsQuery = z.object({
  from: isoDate.optional(),
  days: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be 1 to 14' }).max(14, { error: 'must be 1 to 14' }).default(7),
})
export const ChangesQuery = z.object({ cursor: z.string({ error: 'is required' }).regex(/^\d{1,20}$/, { error: 'must be the cursor of an earlier answer' }) })
export const SuggestQuery = z.object({ limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(20, { error: 'must be at most 20' }).default(5) })
export const SchedulingSettingsInput = z.object({ onTheWayEmail: z.boolean({ error: 'must be true or false' }) })

/** One visit as the board, lists and the changes feed show it. */
export interface VisitSummaryDto {
  id: string
  status: VisitStatus
  /** Bumped on every change; send it back to refuse stale edits. */
  version: number
  description: string
  priority: Priority
  requiredSkill: string | null
  durationMinutes: number
  windowStart: string
  windowEnd: string
  technicianId: string | null
  scheduledStart: string | null
  scheduledEnd: string | null
  customerName: string
  location: { line1: string; city: string; postalCode: string }
  /** Set while on hold: the suspended agreement. */
  onHold: { agreementId: string; agreementNumber: number; agreementName: string } | null
  /** Flagged at reactivation for the office: why the slot needs another look. */
  rescheduleReason: string | null
}

/** One visit in full: the technician's page and the office's detail view. */
export interface VisitDto extends VisitSummaryDto {
  customerId: string
  agreementId: string | null
  agreementNumber: number | null
  updatedAt: string
  notes: string
  technicianName: string | null
  location: { id: string; label: string; line1: string; line2: string; city: string; region: string; postalCode: string; accessNotes: string; latitude: number | null; longitude: number | null }
  customerPhone: string | null
  agreementName: string | null
  statusBeforeHold: VisitStatus | null
  statusReason: string
  actualStart: string | null
  actualEnd: string | null
  completionNotes: string
  createdAt: string
}

export interface ConflictDto {
  rule: 'overlap' | 'outside_working_hours' | 'day_off' | 'missing_skill' | 'outside_window' | 'in_past' | 'agreement_suspended' | 'technician_inactive'
  message: string
  blocking: boolean
  visitIds?: string[]
}

/** A saved schedule change, with the conflicts the office confirmed (empty when none). */
export interface ScheduleResultDto {
  visit: VisitDto
  conflicts: ConflictDto[]
}

export interface BoardDto {
  timeZone: string
  from: string
  /** Exclusive. */
  to: string
  /** Pass to GET /api/schedule/changes to hear of later changes. */
  cursor: string
  technicians: (Pick<TechnicianDto, 'id' | 'name' | 'color' | 'skills' | 'isActive'> & {
    days: { date: string; working: { start: string; end: string }[]; dayOff: string | null }[]
  })[]
  /** Visits with a slot in the range, on hold ones included (shown as on hold, holding nothing). */
  visits: VisitSummaryDto[]
}

export interface ChangesDto {
  cursor: string
  /** True when the cursor is too old (or unknown): reload the board. */
  resync: boolean
  visits: VisitSummaryDto[]
  technicians: TechnicianDto[]
}

export interface SuggestionsDto {
  basis: 'coordinates' | 'postal_code'
  basisReason: string
  suggestions: {
    technicianId: string
    technicianName: string
    start: string
    end: string
    /** km (coordinates, one decimal) or ZIP-prefix steps (postal_code); null when unknown. */
    addedTravel: number | null
    /** The stop it follows: a visit id, `home`, or null when unknown. */
    fromStop: string | null
  }[]
}

export interface MyVisitsDto {
  timeZone: string
  today: string
  days: { date: string; visits: VisitDto[] }[]
}

export interface SchedulingSettingsDto {
  onTheWayEmail: boolean
}
