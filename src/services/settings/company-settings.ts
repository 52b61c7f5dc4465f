import type { SettingsDto, SettingsInput } from '../../contracts/settings.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's name, time zone (which decides "today" for billing) and contact details. */
export async function getSettings(deps: ServiceDeps): Promise<SettingsDto> {
  const s = await deps.db.selectFrom('companySettings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
  return { companyName: s.companyName, timeZone: s.timeZone, email: s.email, phone: s.phone }
}

/** Updates the company settings. */
export async function updateSettings(deps: ServiceDeps, input: SettingsInput, actor: ActorId): Promise<SettingsDto> {
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('companySettings')
      .set({ companyName: input.companyName, timeZone: input.timeZone, email: input.email ?? null, phone: input.phone ?? null, updatedAt: deps.clock.now() })
      .where('id', '=', 1)
      .execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'company', action: 'settings.updated', actorUserId: actor })
  })
  return getSettings(deps)
}
