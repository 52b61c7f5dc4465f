import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Voids and refunds of payments, one row per request, persisted before the gateway call (like
 * charge attempts) so an answer lost to a crash or a dropped connection is found again by
 * inquiry. A refund's id is the order id sent to the gateway.
 *
 * NOTE: payment_reversals (payment_id) unique where status = 'pending': one void or refund of a
 * payment in flight at a time (two clicks at once: the second is refused).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table payment_reversals (
  id text primary key,
  payment_id text not null references payments (id),
  invoice_id text not null references invoices (id),
  kind text not null check (kind in ('void', 'refund')),
  amount_cents bigint not null check (amount_cents >= 0),
  status text not null default 'pending' check (status in ('pending', 'approved', 'declined', 'failed')),
  gateway_ref text,
  message text,
  reason text not null default '',
  requested_by text references users (id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index payment_reversals_one_pending_idx on payment_reversals (payment_id) where status = 'pending';
create index payment_reversals_payment_idx on payment_reversals (payment_id, created_at);
`,
  )
}
