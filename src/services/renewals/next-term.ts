import type { Db } from '../../db/database.ts'
import type { CompanyBrand } from '../email/layout.tsx'
import { assertTransition } from '../../domain/agreement-status.ts'
import { conflict } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { paidWithText } from '../../domain/payment-method.ts'
import { priceChangeValue } from '../../domain/renewal-terms.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { planAgreementVisitsTx } from '../scheduling/visit-planner.ts'
import { renewedEmail } from './renewal-emails.ts'
import { manageLinkOf, type LinkContext, type Offer, type RenewableAgreement } from './renewal-offers.ts'

/**
 * The next term of an agreement, as its own agreement: active from the day the old term ends
 * (no office approval: the office offered it, or the customer agreed to automatic renewal), its
 * visits planned as approval plans them, and the old agreement pointing at it (`renewed_by_id`).
 * The old one keeps billing its own last periods and becomes `renewed` when its term is over
 * (term-end.ts); a late renewal of an expired agreement makes it `renewed` at once.
 *
 * Once only: the old agreement is locked and must have no next term, and a unique index on
 * `renewal_of_id` is the last guard.
 */
export interface NextTermInput {
  offer: Offer
  paymentMethodId: string
  /** Automatic renewal of the new term: on only with the customer's consent at this instant. */
  autoRenew: boolean
  autoRenewConsentAt: Date | null
  how: 'accepted' | 'auto_renewed'
  noticeId: string | null
  actor: ActorId
  /** The automatic-renewal terms consented to (acknowledged in the email), when on. */
  autoRenewTerms: string | null
}

export async function createNextTermTx(
  tx: Db,
  old: RenewableAgreement,
  input: NextTermInput,
  ctx: LinkContext & { companyName: string; brand: CompanyBrand; now: Date },
): Promise<{ id: string; number: number }> {
  const locked = await tx.selectFrom('agreements').select(['status', 'renewedById']).where('id', '=', old.id).forUpdate().executeTakeFirstOrThrow()
  if (locked.renewedById) throw conflict('agreement_already_renewed', `Agreement #${old.number} is already renewed`)
  const { offer } = input
  const id = newId('agr')
  const row = await tx
    .insertInto('agreements')
    .values({
      id,
      customerId: old.customerId,
      locationId: old.locationId,
      quoteId: null,
      planId: old.planId,
      name: old.name,
      status: 'active',
      billingIntervalMonths: offer.intervalMonths,
      startDate: offer.startDate,
      termMonths: offer.termMonths,
      endDate: offer.endDate,
      visitsPerTerm: old.visitsPerTerm,
      visitMonths: old.visitMonths,
      lines: JSON.stringify(offer.lines),
      taxRatePpm: old.taxRatePpm,
      termsText: old.termsText,
      paymentMethodId: input.paymentMethodId,
      approvedAt: ctx.now,
      approvedBy: null,
      closedAt: null,
      autoRenew: input.autoRenew,
      autoRenewConsentAt: input.autoRenew ? input.autoRenewConsentAt : null,
      renewalChangeKind: old.renewalChange.kind,
      renewalChangeValue: priceChangeValue(old.renewalChange),
      renewalOfId: old.id,
    })
    .returning(['number', 'status', 'startDate', 'termMonths', 'endDate', 'visitsPerTerm', 'visitMonths', 'visitsPlannedUntil'])
    .executeTakeFirstOrThrow()
  await tx.updateTable('agreements').set({ renewedById: id, updatedAt: ctx.now }).where('id', '=', old.id).execute()
  // Renewed after it expired: the old agreement now reads renewed, not expired.
  if (locked.status === 'expired') await tx.updateTable('agreements').set({ status: assertTransition('expired', 'renew'), updatedAt: ctx.now }).where('id', '=', old.id).execute()
  const number = Number(row.number)
  const { visits } = await planAgreementVisitsTx(tx, { ...row, id, customerId: old.customerId, locationId: old.locationId, name: old.name, visitMonths: [...row.visitMonths].map(Number) }, ctx.today)
  const details = { renewalOf: old.id, noticeId: input.noticeId, startDate: offer.startDate, endDate: offer.endDate, perBillCents: offer.perBillCents, oldPerBillCents: offer.oldPerBillCents, autoRenew: input.autoRenew, workOrders: visits.length }
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.created_by_renewal', actorUserId: input.actor, details: { ...details, how: input.how } })
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: old.id, action: input.how === 'accepted' ? 'agreement.renewal_accepted' : 'agreement.auto_renewed', actorUserId: input.actor, details: { ...details, renewedBy: id, renewedByNumber: number } })
  if (old.email) {
    const pm = await tx.selectFrom('paymentMethods').select(['kind', 'brand', 'last4']).where('id', '=', input.paymentMethodId).executeTakeFirst()
    const email = renewedEmail({
      brand: ctx.brand,
      customerName: old.customerName,
      agreementNumber: number,
      agreementName: old.name,
      next: { ...offer, endDate: offer.endDate },
      paidWith: paidWithText(pm ?? null),
      how: input.how,
      autoRenewTerms: input.autoRenew ? input.autoRenewTerms : null,
      manageLink: input.autoRenew ? manageLinkOf(ctx, id) : null,
    })
    await enqueueEmail(tx, { kind: input.how === 'accepted' ? 'renewal.accepted' : 'renewal.auto_renewed', to: old.email, ...email, relatedType: 'agreement', relatedId: id })
  }
  return { id, number }
}
