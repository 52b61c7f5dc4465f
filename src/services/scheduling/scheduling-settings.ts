import type { SchedulingSettingsDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's scheduling settings (one row, table `scheduling_settings`). */
export async function getSchedulingSettings(db: Db): Promise<SchedulingSettingsDto> {
  const s = await db.selectFrom('schedulingSettings').select(['onTheWayEmail']).where('id', '=', 1).executeTakeFirstOrThrow()
  return { onTheWayEmail: s.onTheWayEmail }
}

export async function updateSchedulingSettings(deps: ServiceDeps, input: SchedulingSettingsDto, actor: ActorId): Promise<SchedulingSettingsDto> {
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('schedulingSettings').set({ onTheWayEmail: input.onTheWayEmail, updatedAt: deps.clock.now() }).where('id', '=', 1).execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'scheduling', action: 'scheduling_settings.updated', actorUserId: actor, details: { ...input } })
  })
  return getSchedulingSettings(deps.db)
}
