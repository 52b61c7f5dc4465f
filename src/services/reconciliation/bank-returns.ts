import { sql } from 'kysely'
import { newId } from '../../domain/ids.ts'
import { formatUsd } from '../../domain/money.ts'
import { achReturnAdvice } from '../../domain/reconciliation.ts'
import type { FundingEntry } from '../../ports/payment-gateway.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import { recordBankReturnTx } from '../billing/record-outcome.ts'
import type { ServiceDeps } from '../deps.ts'

type BankReturn = Extract<FundingEntry, { kind: 'bank_return' }>

/**
 * Applies a bank (ACH) return to our books, exactly once: in one transaction the return is
 * recorded under its gateway reference (primary key: a second reconcile, or one after a crash
 * midway, inserts nothing and changes nothing), the payment is reversed (voided, with an approved
 * reversal saying why), its invoice owes the amount again, the reversal is queued for QuickBooks
 * like an office void, and the invoice enters the failed-payment flow by the return code (retry
 * on the schedule for insufficient funds, a new payment method for a closed or invalid account;
 * the customer's notice; suspension if enabled). Returns false when it was applied before or no
 * payment of ours carries the reference.
 */
export async function applyBankReturn(deps: ServiceDeps, r: BankReturn): Promise<boolean> {
  const found = await deps.db.selectFrom('payments').select(['id', 'invoiceId']).where('gatewayRef', '=', r.gatewayRef).where('method', '=', 'ach').executeTakeFirst()
  if (!found) return false
  const now = deps.clock.now()
  const reason = `Returned by the bank: ${r.returnCode} ${r.returnReason}`
  return deps.db.transaction().execute(async (tx) => {
    // A payment of several invoices (a catch-up) is returned for each of them.
    const parts = await tx.selectFrom('paymentInvoices').select(['invoiceId', 'amountCents', 'refundedCents']).where('paymentId', '=', found.id).orderBy('invoiceId').execute()
    // Lock order as everywhere: the invoices first.
    await tx.selectFrom('invoices').select('id').where('id', 'in', parts.map((x) => x.invoiceId)).orderBy('id').forUpdate().execute()
    const p = await tx.selectFrom('payments').select(['status', 'amountCents', 'refundedCents']).where('id', '=', found.id).forUpdate().executeTakeFirstOrThrow()
    const standing = p.status === 'voided' ? 0 : Number(p.amountCents) - Number(p.refundedCents)
    const { rows } = await sql<{ gatewayRef: string }>`
      insert into ach_returns (gateway_ref, payment_id, invoice_id, return_code, return_reason, returned_on, amount_cents)
      values (${r.gatewayRef}, ${found.id}, ${found.invoiceId}, ${r.returnCode}, ${r.returnReason}, ${r.returnedOn}, ${r.amountCents}::bigint)
      on conflict do nothing returning gateway_ref as "gatewayRef"`.execute(tx)
    if (rows.length === 0) return false
    await recordAuditEvent(tx, { entityType: 'invoice', entityId: found.invoiceId, action: 'payment.bank_returned', actorUserId: null, details: { paymentId: found.id, code: r.returnCode, reason: r.returnReason, amountCents: r.amountCents } })
    if (standing <= 0) return true
    await tx.updateTable('payments').set({ status: 'voided' }).where('id', '=', found.id).execute()
    await tx
      .insertInto('paymentReversals')
      .values({ id: deps.gateway.newOrderId(), paymentId: found.id, invoiceId: found.invoiceId, kind: 'void', amountCents: standing, status: 'approved', reason, message: `${formatUsd(standing)} taken back by the customer's bank`, requestedBy: null, resolvedAt: now })
      .execute()
    for (const part of parts) {
      await tx
        .updateTable('invoices')
        .set({ paidCents: sql`paid_cents - ${Number(part.amountCents) - Number(part.refundedCents)}::bigint`, updatedAt: now })
        .where('id', '=', part.invoiceId)
        .execute()
    }
    await tx.insertInto('quickbooksQueue').values({ id: newId('qbo'), entityType: 'void', entityId: found.id }).onConflict((oc) => oc.doNothing()).execute()
    const advice = achReturnAdvice(r.returnCode)
    const owed = parts.filter((x) => Number(x.amountCents) > Number(x.refundedCents)).map((x) => x.invoiceId)
    for (const id of owed) await recordBankReturnTx(deps, tx, id, advice.reason, advice.retry, reason, id === owed[0] ? owed : null)
    return true
  })
}
