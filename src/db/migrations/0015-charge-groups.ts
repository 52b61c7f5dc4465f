import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * One charge per agreement per run (issue 13, defect 7): a catch-up of six periods is one
 * gateway transaction, one payment and one receipt, not six.
 *
 * - charge_attempt_invoices: the invoices one attempt (one order id) pays, with what it asks for
 *   each. Every attempt has its rows (a single invoice is a group of one; backfilled here).
 *   `pending` mirrors the attempt's status (kept by a trigger), so the unique partial index
 *   holds for every invoice of a group what charge_attempts_one_pending_idx holds for one: at
 *   most one charge of an invoice in flight.
 * - payment_allocations: how a payment of several invoices splits over them (and what of each
 *   part was refunded). A payment of one invoice needs none; `payment_invoices` reads both.
 *
 * NOTE: charge_attempts.invoice_id and payments.invoice_id stay, as the group's first (oldest)
 * invoice: the customer, the audit trail and the links of the office's pages hang on it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table charge_attempt_invoices (
  attempt_id text not null references charge_attempts (id),
  invoice_id text not null references invoices (id),
  amount_cents bigint not null check (amount_cents > 0),
  pending boolean not null default true,
  primary key (attempt_id, invoice_id)
);
create unique index charge_attempt_invoices_one_pending_idx on charge_attempt_invoices (invoice_id) where pending;
create index charge_attempt_invoices_invoice_idx on charge_attempt_invoices (invoice_id);
insert into charge_attempt_invoices (attempt_id, invoice_id, amount_cents, pending)
  select id, invoice_id, amount_cents, status = 'pending' from charge_attempts where amount_cents > 0;

create table payment_allocations (
  payment_id text not null references payments (id),
  invoice_id text not null references invoices (id),
  amount_cents bigint not null check (amount_cents > 0),
  refunded_cents bigint not null default 0 check (refunded_cents >= 0 and refunded_cents <= amount_cents),
  primary key (payment_id, invoice_id)
);
create index payment_allocations_invoice_idx on payment_allocations (invoice_id);
create view payment_invoices as
  select a.payment_id, a.invoice_id, a.amount_cents, a.refunded_cents, true as allocated from payment_allocations a
  union all
  select p.id, p.invoice_id, p.amount_cents, p.refunded_cents, false from payments p
  where not exists (select 1 from payment_allocations a where a.payment_id = p.id);

create index invoices_chargeable_idx on invoices (agreement_id, period_start) where status in ('open', 'failed');
`,
  )
  await sql
    .raw(
      `create function charge_attempt_invoices_pending() returns trigger language plpgsql as $$ begin
        update charge_attempt_invoices set pending = (new.status = 'pending') where attempt_id = new.id; return null; end $$`,
    )
    .execute(db)
  await sql
    .raw(
      `create trigger charge_attempt_invoices_pending after update of status on charge_attempts for each row
        when ((old.status = 'pending') <> (new.status = 'pending')) execute function charge_attempt_invoices_pending()`,
    )
    .execute(db)
}
