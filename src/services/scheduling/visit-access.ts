import type { Role } from '../../contracts/users.ts'
import type { Db } from '../../db/database.ts'
import { conflict, notFound } from '../../domain/errors.ts'
import { zoneClock, type ZoneClock } from '../../domain/scheduling/availability.ts'
import { assertWorkOrder, onHold, onTechnicianList, type WorkOrderAction } from '../../domain/work-order-status.ts'
import { heldByOf, lockVisitRow, type LockedVisit } from './visit-repository.ts'

/**
 * Who may reach a visit, in one place for every scheduling use case: the office reaches every
 * visit; a technician only their own visits on their list (a visit of theirs on hold answers
 * `agreement_suspended`, anything else is "not found"). A visit on hold refuses every action but
 * cancel, naming its suspended agreement, whoever asks and through whichever route.
 */

export interface Actor {
  id: string
  role: Role
}

export const isTechnician = (actor: Actor) => actor.role === 'technician'

type Reachable = { technicianId: string | null; status: LockedVisit['status'] }

/** Whether the actor may see the visit at all (on hold ones included, to be told why). */
export function mayReach(actor: Actor, v: Reachable): boolean {
  return !isTechnician(actor) || (v.technicianId === actor.id && (onTechnicianList(v.status) || v.status === 'suspended'))
}

/** Locks the visit for `action`, or throws: 404 out of reach, 409 on hold / wrong status / stale version. */
export async function lockVisit(tx: Db, id: string, actor: Actor, action: WorkOrderAction, version?: number): Promise<LockedVisit> {
  const v = await lockVisitRow(tx, id)
  if (!v || !mayReach(actor, v)) throw notFound('visit', id)
  const heldBy = heldByOf(v)
  if (heldBy && action !== 'cancel') throw onHold(action, heldBy)
  assertWorkOrder(v.status, action)
  if (version !== undefined && version !== v.version)
    throw conflict('visit_changed', `Someone changed this visit since you loaded it (now version ${v.version}); reload and try again`)
  return v
}

/** The company's time zone, as a clock: every local date and working hour is read through it. */
export async function companyClock(db: Db): Promise<ZoneClock> {
  const s = await db.selectFrom('companySettings').select('timeZone').where('id', '=', 1).executeTakeFirstOrThrow()
  return zoneClock(s.timeZone)
}
