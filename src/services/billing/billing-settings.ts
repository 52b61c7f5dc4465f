import type { BillingSettingsDto } from '../../contracts/billing.ts'
import type { Db } from '../../db/database.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's billing rules (one row, table `billing_settings`); fields described in contracts/billing.ts. */
export type BillingSettings = BillingSettingsDto

export async function getBillingSettings(db: Db): Promise<BillingSettings> {
  const s = await db.selectFrom('billingSettings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
  return {
    suspendOnFailure: s.suspendOnFailure,
    emailOnFailure: s.emailOnFailure,
    retryDays: [...s.retryDays].map(Number),
    maxSoonRetries: s.maxSoonRetries,
    concurrency: s.concurrency,
    autoBill: s.autoBill,
    autoBillTime: s.autoBillTime,
    billAheadDays: s.billAheadDays,
  }
}

/** Replaces the billing settings (validated by the route's schema). */
export async function updateBillingSettings(deps: ServiceDeps, input: BillingSettings, actor: ActorId): Promise<BillingSettings> {
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('billingSettings')
      .set({ ...input, retryDays: [...input.retryDays].sort((a, b) => a - b), updatedAt: deps.clock.now() })
      .where('id', '=', 1)
      .execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'billing', action: 'billing_settings.updated', actorUserId: actor, details: { ...input } })
  })
  return getBillingSettings(deps.db)
}
