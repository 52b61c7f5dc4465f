import type { RenewalSettingsDto } from '../../contracts/renewals.ts'
import type { Db } from '../../db/database.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's renewal reminder schedule (one row, table `renewal_settings`). */
export async function getRenewalSettings(db: Db): Promise<RenewalSettingsDto> {
  const s = await db.selectFrom('renewalSettings').select(['reminderDays', 'autoRenewNoticeDays']).where('id', '=', 1).executeTakeFirstOrThrow()
  return { reminderDays: [...s.reminderDays].map(Number).sort((a, b) => b - a), autoRenewNoticeDays: s.autoRenewNoticeDays }
}

/** The key that signs customers' manage-renewal links; never returned by any route. */
export async function renewalLinkKey(db: Db): Promise<string> {
  return (await db.selectFrom('renewalSettings').select('linkKey').where('id', '=', 1).executeTakeFirstOrThrow()).linkKey
}

export async function updateRenewalSettings(deps: ServiceDeps, input: RenewalSettingsDto, actor: ActorId): Promise<RenewalSettingsDto> {
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('renewalSettings')
      .set({ reminderDays: [...input.reminderDays].sort((a, b) => b - a), autoRenewNoticeDays: input.autoRenewNoticeDays, updatedAt: deps.clock.now() })
      .where('id', '=', 1)
      .execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'renewals', action: 'renewal_settings.updated', actorUserId: actor, details: { ...input } })
  })
  return getRenewalSettings(deps.db)
}
