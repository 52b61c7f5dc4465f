import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Voiding an invoice is its own act, apart from voiding a payment (issue 9): the QuickBooks
 * queue gets its own kind for it, `invoice_void` (entity id: the invoice). `void` stays what it
 * always meant: a payment's void (entity id: the payment).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table quickbooks_queue drop constraint quickbooks_queue_entity_type_check;
alter table quickbooks_queue add constraint quickbooks_queue_entity_type_check
  check (entity_type in ('customer', 'invoice', 'payment', 'refund', 'void', 'invoice_void'));
`,
  )
}
