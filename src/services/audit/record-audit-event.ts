import type { AuditEventDto } from '../../contracts/common.ts'
import type { Db } from '../../db/database.ts'
import { newId } from '../../domain/ids.ts'
import type { ActorId } from '../deps.ts'

export interface AuditEventInput {
  entityType: string
  entityId: string
  action: string
  actorUserId: ActorId
  details?: Record<string, unknown>
}

/** Appends one audit event; call it inside the same transaction as the change it records. */
export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await db
    .insertInto('auditEvents')
    .values({
      id: newId('aud'),
      entityType: event.entityType,
      entityId: event.entityId,
      action: event.action,
      actorUserId: event.actorUserId,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute()
}

export type { AuditEventDto }

/** The audit trail of one entity, oldest first. */
export async function listAuditEvents(db: Db, entityType: string, entityId: string): Promise<AuditEventDto[]> {
  const rows = await db
    .selectFrom('auditEvents as a')
    .leftJoin('users as u', 'u.id', 'a.actorUserId')
    .select(['a.id', 'a.action', 'a.actorUserId', 'u.name as actorName', 'a.details', 'a.createdAt'])
    .where('a.entityType', '=', entityType)
    .where('a.entityId', '=', entityId)
    .orderBy('a.createdAt')
    .orderBy('a.id')
    .execute()
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
}
