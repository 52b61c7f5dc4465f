import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Billing (issue 5): invoices per agreement period, one row per gateway charge attempt
 * (persisted before the call), payments, billing runs with progress, the QuickBooks queue,
 * billing settings and payment-update links.
 *
 * NOTE: the money guarantees lean on three indexes here:
 * - invoices (agreement_id, period_start) unique: a period is invoiced once;
 * - charge_attempts (invoice_id) unique where status = 'pending': one charge in flight per invoice;
 * - billing_runs ((true)) unique where status = 'running': one run at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table agreements add column billed_periods integer not null default 0;
alter table agreements add column next_bill_date date;
create index agreements_billing_due_idx on agreements (id) where status = 'active';

create sequence invoice_number_seq start 1001;

create table invoices (
  id text primary key,
  number bigint not null unique default nextval('invoice_number_seq'),
  agreement_id text not null references agreements (id),
  customer_id text not null references customers (id),
  run_id text,
  period_index integer not null,
  period_start date not null,
  period_end date not null,
  lines jsonb not null default '[]',
  subtotal_cents bigint not null,
  tax_cents bigint not null,
  total_cents bigint not null,
  paid_cents bigint not null default 0,
  refunded_cents bigint not null default 0,
  status text not null default 'open' check (status in ('open', 'paid', 'failed', 'void', 'refunded')),
  failure_code text,
  failure_message text,
  retry_state text check (retry_state in ('scheduled', 'soon', 'needs_payment_method', 'exhausted')),
  next_retry_at timestamptz,
  failed_attempts integer not null default 0,
  first_failed_at timestamptz,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (agreement_id, period_start)
);
create index invoices_open_idx on invoices (id) where status = 'open';
create index invoices_failed_idx on invoices (next_retry_at, id) where status = 'failed';
create index invoices_customer_idx on invoices (customer_id, created_at desc);
create index invoices_created_idx on invoices (created_at desc, id);

create table charge_attempts (
  id text primary key,
  invoice_id text not null references invoices (id),
  run_id text,
  payment_method_id text references payment_methods (id),
  amount_cents bigint not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'declined', 'retryable', 'not_sent', 'error')),
  resolved_by text check (resolved_by in ('response', 'inquiry')),
  gateway_ref text,
  auth_code text,
  respstat text,
  respcode text,
  resptext text,
  respproc text,
  decline_reason text,
  message text,
  sent_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index charge_attempts_one_pending_idx on charge_attempts (invoice_id) where status = 'pending';
create index charge_attempts_invoice_idx on charge_attempts (invoice_id, sent_at);

create table payments (
  id text primary key,
  invoice_id text not null references invoices (id),
  customer_id text not null references customers (id),
  attempt_id text unique references charge_attempts (id),
  method text not null check (method in ('card', 'ach', 'offline')),
  amount_cents bigint not null,
  refunded_cents bigint not null default 0,
  status text not null default 'approved' check (status in ('approved', 'voided', 'refunded', 'partially_refunded')),
  gateway_ref text,
  auth_code text,
  reference text not null default '',
  note text not null default '',
  recorded_by text references users (id),
  received_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create index payments_invoice_idx on payments (invoice_id);

create table billing_runs (
  id text primary key,
  through_date date not null,
  status text not null check (status in ('running', 'completed', 'failed', 'interrupted')),
  started_by text references users (id),
  host text not null default '',
  pid integer not null default 0,
  heartbeat_at timestamptz not null default now(),
  phase text not null default 'starting',
  agreements_due integer not null default 0,
  invoices_created integer not null default 0,
  invoices_to_charge integer not null default 0,
  charged integer not null default 0,
  approved integer not null default 0,
  declined integer not null default 0,
  errors integer not null default 0,
  unresolved integer not null default 0,
  recovered integer not null default 0,
  billed_cents bigint not null default 0,
  collected_cents bigint not null default 0,
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create unique index billing_runs_one_running_idx on billing_runs ((true)) where status = 'running';
create index billing_runs_started_idx on billing_runs (started_at desc);

create table quickbooks_queue (
  id text primary key,
  entity_type text not null check (entity_type in ('customer', 'invoice', 'payment', 'refund', 'void')),
  entity_id text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  next_attempt_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (entity_type, entity_id)
);
create index quickbooks_queue_due_idx on quickbooks_queue (next_attempt_at) where status = 'queued';

create table billing_settings (
  id integer primary key default 1 check (id = 1),
  suspend_on_failure boolean not null default false,
  email_on_failure boolean not null default true,
  retry_days integer[] not null default '{3,7}',
  max_soon_retries integer not null default 5 check (max_soon_retries between 0 and 20),
  concurrency integer not null default 8 check (concurrency between 1 and 256),
  updated_at timestamptz not null default now()
);
insert into billing_settings (id) values (1);

create table payment_update_links (
  token_hash text primary key,
  invoice_id text not null references invoices (id),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index payment_update_links_invoice_idx on payment_update_links (invoice_id);
`,
  )
}
