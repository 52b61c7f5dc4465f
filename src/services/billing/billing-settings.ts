import type { Db } from '../../db/database.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's billing rules (one row, table `billing_settings`). */
export interface BillingSettings {
  /** Suspend the agreement and its work orders when a payment fails (off by default). */
  suspendOnFailure: boolean
  /** Email the customer a link to update their payment details when a payment fails. */
  emailOnFailure: boolean
  /** Days after the first failure to retry declines that may clear (insufficient funds…). */
  retryDays: number[]
  /** Retries of gateway errors (nothing charged) before giving up. */
  maxSoonRetries: number
  /** Charges in flight at once during a run. */
  concurrency: number
  /** Run Bill all by itself every day at `autoBillTime` (off by default). */
  autoBill: boolean
  /** "HH:MM", 24-hour, in the company's time zone. */
  autoBillTime: string
}

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
