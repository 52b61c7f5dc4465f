import { sql } from 'kysely'
import { notFound, validationError } from '../../domain/errors.ts'
import { formatUsd } from '../../domain/money.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { newId } from '../../domain/ids.ts'
import type { PaymentUpdateInput } from '../../contracts/billing.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { loadInvoiceContext } from './billing-emails.ts'
import { chargeAgreementNow } from './office-actions.ts'
import { findPaymentUpdateLink } from './payment-update-links.ts'
import { tokenizerUrl } from '../quotes/public-signup.ts'
import { brandFromToken, toMmyy } from '../quotes/store-payment-method.ts'
import { reasonText } from './record-outcome.ts'

/**
 * The customer's hosted payment-update page (workflow 5): opened from the secure link in the
 * "payment did not go through" email. The card goes from the browser to the gateway's iFrame
 * tokenizer; we receive a token, store it as the agreement's new card, and charge the unpaid
 * invoices of the agreement at once.
 */
export async function openPaymentUpdate(deps: ServiceDeps, token: string) {
  const link = await findPaymentUpdateLink(deps.db, token, deps.clock.now())
  if (!link) throw notFound('payment_link', 'this link')
  const ctx = await loadInvoiceContext(deps.db, link.invoiceId)
  const inv = await deps.db.selectFrom('invoices').select(['status', 'totalCents', 'paidCents', 'failureCode']).where('id', '=', link.invoiceId).executeTakeFirstOrThrow()
  return {
    companyName: ctx?.companyName ?? '',
    customerName: ctx?.customerName ?? '',
    agreementName: ctx?.agreementName ?? '',
    invoiceNumber: ctx?.number ?? 0,
    amountDueCents: Number(inv.totalCents) - Number(inv.paidCents),
    paid: inv.status === 'paid',
    reason: inv.failureCode ? reasonText(inv.failureCode) : null,
    tokenizerUrl: tokenizerUrl(deps.gatewayBrowserUrl),
    tokenizerOrigin: new URL(tokenizerUrl(deps.gatewayBrowserUrl)).origin,
  }
}

export async function submitPaymentUpdate(deps: ServiceDeps, token: string, input: PaymentUpdateInput, meta: { ip: string }) {
  const now = deps.clock.now()
  const link = await findPaymentUpdateLink(deps.db, token, now)
  if (!link) throw notFound('payment_link', 'this link')
  const inv = await deps.db
    .selectFrom('invoices as i')
    .innerJoin('agreements as a', 'a.id', 'i.agreementId')
    .select(['i.agreementId', 'i.customerId', 'a.paymentMethodId'])
    .where('i.id', '=', link.invoiceId)
    .executeTakeFirstOrThrow()
  const stored = await deps.gateway.verifyAndStoreCard({
    token: input.token,
    expiry: input.expiry,
    orderId: deps.gateway.newOrderId(),
    cardholder: { ...(input.name ? { name: input.name } : {}), ...(input.postalCode ? { postalCode: input.postalCode } : {}) },
  })
  if (stored.status !== 'approved' || !stored.profileId || !stored.accountId) {
    const why = stored.status === 'declined' ? reasonText(stored.reason) : 'the card could not be verified right now'
    throw validationError({ token: `The card was not accepted: ${why}` }, 'The card was not accepted')
  }
  const pmId = newId('pm')
  const expiry = stored.expiry ?? toMmyy(input.expiry)
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('paymentMethods')
      .values({
        id: pmId, customerId: inv.customerId, kind: 'card', profileId: stored.profileId!, acctId: stored.accountId!, token: stored.token ?? input.token,
        // As the sign-up stores it: the brand from the token, so receipts say "Visa ending 1443".
        last4: stored.lastFour ?? input.token.slice(-4), brand: brandFromToken(stored.token ?? input.token), accountType: null, expiry, holderName: input.name,
      })
      .execute()
    if (inv.paymentMethodId) await tx.updateTable('paymentMethods').set({ isActive: false }).where('id', '=', inv.paymentMethodId).execute()
    await tx.updateTable('agreements').set({ paymentMethodId: pmId, updatedAt: now }).where('id', '=', inv.agreementId).execute()
    await tx.updateTable('paymentUpdateLinks').set({ usedAt: now }).where('invoiceId', '=', link.invoiceId).where('usedAt', 'is', null).execute()
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: inv.agreementId, action: 'agreement.payment_method_updated', actorUserId: null, details: { by: 'customer', paymentMethodId: pmId, ip: meta.ip } })
  })
  // A new card retries at once: every unpaid invoice of the agreement, in one charge.
  const unpaid = await deps.db
    .selectFrom('invoices')
    .select(['id', sql<number>`total_cents - paid_cents`.as('owed')])
    .where('agreementId', '=', inv.agreementId)
    .where('status', 'in', ['failed', 'open'])
    .execute()
  const result = unpaid.length ? await chargeAgreementNow(deps, inv.agreementId, null, 'customer').then((r) => r.kind, () => 'error') : 'approved'
  const left = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', inv.agreementId).where('status', 'in', ['failed', 'open']).execute()
  const allPaid = result === 'approved' && left.length === 0
  const paidCents = unpaid.reduce((sum, u) => sum + (left.some((l) => l.id === u.id) ? 0 : Number(u.owed)), 0)
  await notifyCardUpdated(deps, inv.agreementId, paidCents, allPaid)
  deps.kickOutbox?.()
  return { stored: true, charged: unpaid.length, paid: allPaid, message: allPaid ? 'Thank you: your card is on file and the payment went through.' : 'Your card is on file, but the payment did not go through yet; we will contact you.' }
}

/**
 * Tells the office the customer put a new card on file, and what came of charging it; a
 * suspended agreement with nothing left owing is announced as ready to reactivate.
 */
async function notifyCardUpdated(deps: ServiceDeps, agreementId: string, paidCents: number, allPaid: boolean): Promise<void> {
  const a = await deps.db
    .selectFrom('agreements as a')
    .innerJoin('customers as c', 'c.id', 'a.customerId')
    .select(['a.number', 'a.status', 'c.name'])
    .select((eb) => eb.exists(eb.selectFrom('invoices as i').select('i.id').whereRef('i.agreementId', '=', 'a.id').where('i.status', '=', 'failed')).as('owes'))
    .where('a.id', '=', agreementId)
    .executeTakeFirstOrThrow()
  const paid = paidCents > 0 ? ` and paid ${formatUsd(paidCents)}` : ''
  const link = `/agreements/${agreementId}`
  if (a.status === 'suspended' && !a.owes) {
    await notifyOffice(deps.db, {
      kind: 'agreement.can_reactivate',
      title: `${a.name} updated their card${paid}: agreement #${a.number} can be reactivated`,
      body: 'Nothing is owed any more. Reactivate the agreement to resume its billing and put its work orders back on the schedule.',
      link,
    })
  } else {
    await notifyOffice(deps.db, {
      kind: 'billing.card_updated',
      title: `${a.name} updated their card${paid} (agreement #${a.number})`,
      body: allPaid ? '' : 'A charge on the new card did not go through; the invoice is listed under failed payments.',
      link,
    })
  }
}
