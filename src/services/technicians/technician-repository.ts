import type { TechnicianDto, WorkingHoursDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import { noWorkingHours, type DayOff } from '../../domain/scheduling/availability.ts'

/**
 * Technicians: users with the technician role, and their profile (table `technicians`). A user
 * whose profile was never set reads as inactive-for-scheduling defaults: no hours, no skills.
 */

const parse = <T>(v: unknown, fallback: T): T => (v === null || v === undefined ? fallback : ((typeof v === 'string' ? JSON.parse(v) : v) as T))

const base = (db: Db) =>
  db
    .selectFrom('users as u')
    .leftJoin('technicians as t', 't.userId', 'u.id')
    .select(['u.id', 'u.name', 'u.email', 'u.isActive as userActive', 't.userId as profileId', 't.color', 't.skills', 't.workingHours', 't.daysOff'])
    .select(['t.homeLine1', 't.homeCity', 't.homeRegion', 't.homePostalCode', 't.homeLatitude', 't.homeLongitude', 't.isActive as profileActive'])
    .where('u.role', '=', 'technician')

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>

function toDto(r: Row): TechnicianDto {
  const hasProfile = r.profileId !== null
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    isActive: r.userActive && hasProfile && r.profileActive === true,
    hasProfile,
    color: r.color ?? '#64748b',
    skills: [...(r.skills ?? [])],
    workingHours: { ...noWorkingHours(), ...parse<Partial<WorkingHoursDto>>(r.workingHours, {}) },
    daysOff: parse<DayOff[]>(r.daysOff, []),
    homeBase:
      hasProfile && r.homePostalCode
        ? { line1: r.homeLine1!, city: r.homeCity!, region: r.homeRegion!, postalCode: r.homePostalCode, latitude: r.homeLatitude, longitude: r.homeLongitude }
        : null,
  }
}

export const technicianRepository = {
  /** Technicians by name; `ids` narrows to those (unknown ids are skipped). */
  async list(db: Db, opts: { ids?: readonly string[]; activeOnly?: boolean } = {}): Promise<TechnicianDto[]> {
    if (opts.ids && opts.ids.length === 0) return []
    let q = base(db)
    if (opts.ids) q = q.where('u.id', 'in', [...opts.ids])
    if (opts.activeOnly) q = q.where('u.isActive', '=', true).where('t.isActive', '=', true)
    return (await q.orderBy('u.name').orderBy('u.id').execute()).map(toDto)
  },
  async findById(db: Db, id: string): Promise<TechnicianDto | undefined> {
    const r = await base(db).where('u.id', '=', id).executeTakeFirst()
    return r && toDto(r)
  },
  /**
   * Locks the technician's user row for one scheduling change at a time, so two office users
   * cannot both put a visit into the same free hour. `for no key update` leaves foreign-key
   * checks (sessions, audit) unblocked.
   */
  async lockForScheduling(db: Db, id: string): Promise<TechnicianDto | undefined> {
    const locked = await db.selectFrom('users').select('id').where('id', '=', id).where('role', '=', 'technician').forNoKeyUpdate().executeTakeFirst()
    return locked && this.findById(db, id)
  },
}
