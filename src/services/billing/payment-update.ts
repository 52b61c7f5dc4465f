import { sql } from 'kysely'
import { notFound } from '../../domain/errors.ts'
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
import { paymentMethodRow, storePaymentMethod } from '../quotes/store-payment-method.ts'
import { reasonText } from './record-outcome.ts'

/**
 * The customer's hosted payment-update page (workflow 5): opened from the secure link in the
 * "payment did not go through" email. A card goes from the browser to the gateway's iFrame
 * tokenizer (we receive a token), or a bank account is typed in; either is stored at the gateway
 * as the sign-up stores it, becomes the agreement's payment method, and pays the agreement's
 * unpaid invoices at once.
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
  // The sign-up's path: a card by $0 verification, a bank account through the profile API.
  const stored = await storePaymentMethod(deps, { paymentMethod: input.paymentMethod, signerName: input.name, postalCode: input.postalCode })
  const pmId = newId('pm')
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('paymentMethods').values(paymentMethodRow(pmId, inv.customerId, input.paymentMethod, stored, input.name)).execute()
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
  const what = input.paymentMethod.kind === 'ach' ? 'bank account' : 'card'
  await notifyCardUpdated(deps, inv.agreementId, what, paidCents, allPaid)
  deps.kickOutbox?.()
  return { stored: true, charged: unpaid.length, paid: allPaid, message: allPaid ? `Thank you: your ${what} is on file and the payment went through.` : `Your ${what} is on file, but the payment did not go through yet; we will contact you.` }
}

/**
 * Tells the office the customer put a new card (or bank account) on file, and what came of
 * charging it; a suspended agreement with nothing left owing is announced as ready to reactivate.
 */
async function notifyCardUpdated(deps: ServiceDeps, agreementId: string, what: 'card' | 'bank account', paidCents: number, allPaid: boolean): Promise<void> {
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
      title: `${a.name} updated their ${what}${paid}: agreement #${a.number} can be reactivated`,
      body: 'Nothing is owed any more. Reactivate the agreement to resume its billing and put its work orders back on the schedule.',
      link,
    })
  } else {
    await notifyOffice(deps.db, {
      kind: 'billing.card_updated',
      title: `${a.name} updated their ${what}${paid} (agreement #${a.number})`,
      body: allPaid ? '' : `A charge on the new ${what} did not go through; the invoice is listed under failed payments.`,
      link,
    })
  }
}
