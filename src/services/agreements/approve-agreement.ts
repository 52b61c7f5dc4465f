import type { AgreementDto } from '../../contracts/agreements.ts'
import { loadBrand } from '../email/brand.ts'
import type { Db } from '../../db/database.ts'
import { assertTransition } from '../../domain/agreement-status.ts'
import { notFound } from '../../domain/errors.ts'
import { zoneClock } from '../../domain/scheduling/availability.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { planAgreementVisitsTx } from '../scheduling/visit-planner.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { agreementDecisionEmail } from '../quotes/quote-emails.ts'
import { getSettings } from '../settings/company-settings.ts'
import { loadAgreement } from './agreement-repository.ts'

async function lockAgreement(tx: Db, id: string) {
  const a = await tx.selectFrom('agreements').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  if (!a) throw notFound('agreement', id)
  return a
}

/** Where the customer's emails go: the quote's recipient, else the primary contact. */
async function customerEmail(tx: Db, a: { customerId: string; quoteId: string | null }): Promise<string | null> {
  if (a.quoteId) {
    const r = await tx
      .selectFrom('quoteRevisions as r')
      .innerJoin('quotes as q', (j) => j.onRef('q.id', '=', 'r.quoteId').onRef('q.currentRevision', '=', 'r.revision'))
      .select('r.recipientEmail')
      .where('r.quoteId', '=', a.quoteId)
      .executeTakeFirst()
    if (r?.recipientEmail) return r.recipientEmail
  }
  const c = await tx
    .selectFrom('customerContacts')
    .select('email')
    .where('customerId', '=', a.customerId)
    .where('email', 'is not', null)
    .orderBy('isPrimary', 'desc')
    .orderBy('createdAt')
    .executeTakeFirst()
  return c?.email ?? null
}

/**
 * Final office approval: the agreement becomes active (billing starts from its start date) and
 * its visits in the first term (first 12 months when open-ended) become work orders with date
 * windows at its location. The customer is emailed. All in one transaction.
 */
export async function approveAgreement(deps: ServiceDeps, id: string, actor: ActorId): Promise<AgreementDto> {
  const settings = await getSettings(deps)
  await deps.db.transaction().execute(async (tx) => {
    const a = await lockAgreement(tx, id)
    const status = assertTransition(a.status, 'approve')
    const now = deps.clock.now()
    await tx.updateTable('agreements').set({ status, approvedAt: now, approvedBy: actor, statusReason: '', updatedAt: now }).where('id', '=', id).execute()
    // The first 12 months of visits become work orders; the daily planner keeps 12 months ahead.
    const { visits: windows } = await planAgreementVisitsTx(tx, { ...a, status }, zoneClock(settings.timeZone).dateOf(now.getTime()))
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.approved', actorUserId: actor, details: { from: a.status, to: status, workOrders: windows.length } })
    const to = await customerEmail(tx, a)
    if (to) {
      const customer = await tx.selectFrom('customers').select('name').where('id', '=', a.customerId).executeTakeFirstOrThrow()
      const email = agreementDecisionEmail({
        brand: await loadBrand(tx, deps.publicUrl),
        customerName: customer.name,
        agreementNumber: Number(a.number),
        agreementName: a.name,
        decision: 'approved',
        startDate: a.startDate,
        firstWindow: windows[0] ?? null,
      })
      await enqueueEmail(tx, { kind: 'agreement.approved', to, ...email, relatedType: 'agreement', relatedId: id })
    }
  })
  deps.kickOutbox?.()
  return loadAgreement(deps.db, id)
}

/** The office rejects a sign-up with a reason; the customer is emailed. No billing, no work orders. */
export async function rejectAgreement(deps: ServiceDeps, id: string, reason: string, actor: ActorId): Promise<AgreementDto> {
  const settings = await getSettings(deps)
  await deps.db.transaction().execute(async (tx) => {
    const a = await lockAgreement(tx, id)
    const status = assertTransition(a.status, 'reject')
    const now = deps.clock.now()
    await tx.updateTable('agreements').set({ status, statusReason: reason, updatedAt: now }).where('id', '=', id).execute()
    if (a.paymentMethodId) await tx.updateTable('paymentMethods').set({ isActive: false }).where('id', '=', a.paymentMethodId).execute()
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.rejected', actorUserId: actor, details: { from: a.status, to: status, reason } })
    const to = await customerEmail(tx, a)
    if (to) {
      const customer = await tx.selectFrom('customers').select('name').where('id', '=', a.customerId).executeTakeFirstOrThrow()
      const email = agreementDecisionEmail({ brand: await loadBrand(tx, deps.publicUrl), customerName: customer.name, agreementNumber: Number(a.number), agreementName: a.name, decision: 'rejected', reason, startDate: a.startDate })
      await enqueueEmail(tx, { kind: 'agreement.rejected', to, ...email, relatedType: 'agreement', relatedId: id })
    }
  })
  deps.kickOutbox?.()
  return loadAgreement(deps.db, id)
}
