import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Reconciliation (issue 10): bank (ACH) returns found in the gateway's funding reports.
 *
 * NOTE: the primary key on the returned transaction's gateway reference is what makes a return
 * apply exactly once: the row is inserted in the same transaction as its effects (payment
 * reversed, invoice owed again, QuickBooks queue, failure flow), so a second reconcile, or one
 * after a crash midway, finds it there or finds nothing done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table ach_returns (
  gateway_ref text primary key,
  payment_id text not null unique references payments (id),
  invoice_id text not null references invoices (id),
  return_code text not null,
  return_reason text not null,
  returned_on date not null,
  amount_cents bigint not null check (amount_cents >= 0),
  applied_at timestamptz not null default now()
);
create index ach_returns_returned_idx on ach_returns (returned_on);
`,
  )
}
