import { sql } from 'kysely'
import { notAllowed, notFound } from '../../domain/errors.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { PaymentLinkSent } from '../../contracts/billing.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { loadInvoiceContext, queueFailureNotice } from './billing-emails.ts'
import { createPaymentUpdateLink } from './payment-update-links.ts'
import { reasonText } from './record-outcome.ts'

/**
 * The office sends the customer the secure payment-update link by hand (from a failed payment
 * or from its agreement), the same email a failure sends by itself. Sent at most once per
 * invoice in `RESEND_AFTER_MINUTES`: the invoice row is locked while the last sending is looked
 * up in the agreement's audit trail, so a double click or two office users at once send one
 * email, and the second hears when the first went out.
 */
export const RESEND_AFTER_MINUTES = 10

/** For an agreement: its oldest invoice unpaid after a failure (the link's page charges all of them). */
export async function sendAgreementPaymentLink(deps: ServiceDeps, agreementId: string, actor: ActorId): Promise<PaymentLinkSent> {
  const a = await deps.db.selectFrom('agreements').select('id').where('id', '=', agreementId).executeTakeFirst()
  if (!a) throw notFound('agreement', agreementId)
  const inv = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agreementId).where('status', '=', 'failed').orderBy('periodStart').executeTakeFirst()
  if (!inv) throw notAllowed('nothing_owed', 'No invoice of this agreement is unpaid after a failed payment: there is nothing to collect')
  return sendPaymentLink(deps, inv.id, actor)
}

export async function sendPaymentLink(deps: ServiceDeps, invoiceId: string, actor: ActorId): Promise<PaymentLinkSent> {
  const now = deps.clock.now()
  const sent = await deps.db.transaction().execute(async (tx) => {
    const inv = await tx.selectFrom('invoices').select(['status', 'agreementId', 'number', 'failureCode']).where('id', '=', invoiceId).forUpdate().executeTakeFirst()
    if (!inv) throw notFound('invoice', invoiceId)
    if (inv.status !== 'open' && inv.status !== 'failed') throw notAllowed('invoice_not_unpaid', `Invoice ${inv.number} is ${inv.status}: there is nothing to collect`)
    const ctx = await loadInvoiceContext(tx, invoiceId, deps)
    if (!ctx?.customerEmail) throw notAllowed('no_customer_email', `${ctx?.customerName ?? 'The customer'} has no email address: add one on the customer's page first`)
    const recent = await tx
      .selectFrom('auditEvents')
      .select('createdAt')
      .where('entityType', '=', 'agreement')
      .where('entityId', '=', inv.agreementId)
      .where('action', '=', 'agreement.payment_link_sent')
      .where(sql<boolean>`details->>'invoiceId' = ${invoiceId}`)
      // The audit trail's own clock (the database's), as it stamped the earlier sending.
      .where(sql<boolean>`created_at > now() - make_interval(mins => ${RESEND_AFTER_MINUTES})`)
      .orderBy('createdAt', 'desc')
      .executeTakeFirst()
    const base = { invoiceId, invoiceNumber: Number(inv.number), to: ctx.customerEmail }
    if (recent) return { ...base, sentAt: recent.createdAt.toISOString(), alreadySent: true }
    const path = await createPaymentUpdateLink(tx, invoiceId, now)
    await queueFailureNotice(tx, ctx, inv.failureCode ? reasonText(inv.failureCode) : 'the payment is still owed', `${deps.publicUrl}${path}`)
    await recordAuditEvent(tx, {
      entityType: 'agreement',
      entityId: inv.agreementId,
      action: 'agreement.payment_link_sent',
      actorUserId: actor,
      details: { invoiceId, invoiceNumber: Number(inv.number), to: ctx.customerEmail },
    })
    return { ...base, sentAt: now.toISOString(), alreadySent: false }
  })
  if (!sent.alreadySent) deps.kickOutbox?.()
  return sent
}
