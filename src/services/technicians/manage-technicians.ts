import type { TechnicianCreateInput, TechnicianDto, TechnicianProfileInput } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { createUser } from '../users/manage-users.ts'
import { technicianRepository } from './technician-repository.ts'

/** Admins manage technicians: the user account (role technician) plus hours, days off, skills, home base, colour. */

export const listTechnicians = (deps: ServiceDeps, opts: { activeOnly?: boolean } = {}) => technicianRepository.list(deps.db, opts)

export async function getTechnician(deps: ServiceDeps, id: string): Promise<TechnicianDto> {
  const t = await technicianRepository.findById(deps.db, id)
  if (!t) throw notFound('technician', id)
  return t
}

/** A new technician: the login (createUser's rules: unique email, password length) and the profile. */
export async function createTechnician(deps: ServiceDeps, input: TechnicianCreateInput, actor: ActorId): Promise<TechnicianDto> {
  const { name, email, password, ...profile } = input
  const user = await createUser(deps, { name, email, password, role: 'technician' }, actor)
  return saveTechnicianProfile(deps, user.id, profile, actor)
}

/** Sets a technician user's profile (creating it the first time); the schedule's board hears of it. */
export async function saveTechnicianProfile(deps: ServiceDeps, id: string, input: TechnicianProfileInput, actor: ActorId): Promise<TechnicianDto> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select(['role']).where('id', '=', id).executeTakeFirst()
    if (!user || user.role !== 'technician') throw notFound('technician', id)
    const existed = await upsertProfile(tx, id, input, deps.clock.now())
    await recordAuditEvent(tx, {
      entityType: 'technician',
      entityId: id,
      action: existed ? 'technician.updated' : 'technician.created',
      actorUserId: actor,
      details: { isActive: input.isActive, skills: input.skills, daysOff: input.daysOff.length },
    })
  })
  return getTechnician(deps, id)
}

async function upsertProfile(tx: Db, userId: string, p: TechnicianProfileInput, now: Date): Promise<boolean> {
  const h = p.homeBase
  const values = {
    color: p.color,
    skills: [...new Set(p.skills)],
    workingHours: JSON.stringify(p.workingHours),
    daysOff: JSON.stringify([...p.daysOff].sort((a, b) => (a.from < b.from ? -1 : 1))),
    homeLine1: h?.line1 ?? '',
    homeCity: h?.city ?? '',
    homeRegion: h?.region ?? '',
    homePostalCode: h?.postalCode ?? '',
    homeLatitude: h?.latitude ?? null,
    homeLongitude: h?.longitude ?? null,
    isActive: p.isActive,
    updatedAt: now,
  }
  const existed = await tx.selectFrom('technicians').select('userId').where('userId', '=', userId).executeTakeFirst()
  await tx
    .insertInto('technicians')
    .values({ userId, ...values })
    .onConflict((oc) => oc.column('userId').doUpdateSet(values))
    .execute()
  return existed !== undefined
}
