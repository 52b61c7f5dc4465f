import { sql, type Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Renewals, auto-renewal, closing and the dashboard (issue 12).
 *
 * - Agreements end: `expired` (term over, not renewed) and `renewed` (a next term, another
 *   agreement, took over: `renewed_by_id` / `renewal_of_id`). At most one live next term per
 *   agreement (unique index on `renewal_of_id`), so an accepted renewal quote, a retried
 *   acceptance and the auto-renewal job can never start two.
 * - Auto-renewal per plan (offered), per quote option (frozen with the revision the customer signs)
 *   and per agreement (on only with the customer's recorded consent), with a price change for the
 *   next term: none, a percent (basis points), an amount (cents per bill) or the plan's price then.
 * - `renewal_notices`: every notice, renewal quote and reminder sent, with its offered next term,
 *   its link (SHA-256 only), opens, acceptance and signature. Scheduled reminders are unique per
 *   (agreement, term end, kind, days before), bulk sends per (batch, agreement): nothing is sent
 *   twice by a retry, a double click or two servers.
 * - `money_ledger`: what was billed and collected per company-local day, written by statement
 *   triggers on invoices and payments (one row per statement, insert-only: no row is contended by
 *   concurrent billing batches), so the dashboard sums months without reading a million invoices.
 * - `agreements.recurring_cents`: the recurring lines' sum per bill (before tax), generated from
 *   `lines`, for monthly recurring revenue; `start_month` and `end_month` (year × 12 + month - 1 of
 *   the start and of the end, ended or planned) for its history by month.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // NOTE: dollar-quoted bodies run one statement each (execStatements splits at line-ending semicolons).
  await sql
    .raw(
      `create function agreement_recurring_cents(lines jsonb) returns bigint language sql immutable parallel safe as $$
select case when jsonb_typeof(lines) = 'array'
  then (select coalesce(sum((l ->> 'amountCents')::bigint), 0) from jsonb_array_elements(lines) l where (l ->> 'recurring')::boolean)
  else 0 end $$`,
    )
    .execute(db)
  await execStatements(
    db,
    `
alter table agreements drop constraint agreements_status_check;
alter table agreements add constraint agreements_status_check
  check (status in ('pending_approval', 'active', 'suspended', 'rejected', 'closed', 'expired', 'renewed'));
alter table agreements
  add column auto_renew boolean not null default false,
  add column auto_renew_consent_at timestamptz,
  add column auto_renew_off_by text check (auto_renew_off_by in ('customer', 'office')),
  add column renewal_change_kind text not null default 'none' check (renewal_change_kind in ('none', 'percent', 'amount', 'plan_price')),
  add column renewal_change_value integer not null default 0,
  add column renewal_of_id text references agreements (id),
  add column renewed_by_id text references agreements (id),
  add column close_on date,
  add column close_reason text not null default '',
  add column close_requested_by text check (close_requested_by in ('office', 'customer')),
  add column closing_until timestamptz,
  add column ended_on date,
  add column recurring_cents bigint generated always as (agreement_recurring_cents(lines)) stored,
  add column start_month integer generated always as ((date_part('year', start_date) * 12 + date_part('month', start_date) - 1)::integer) stored,
  add column end_month integer generated always as ((date_part('year', coalesce(ended_on, end_date)) * 12 + date_part('month', coalesce(ended_on, end_date)) - 1)::integer) stored;
-- A fixed term's end is stored: the renewal job, the expiring filter and the dashboard read end_date only.
update agreements set end_date = (start_date + make_interval(months => term_months))::date where end_date is null and term_months is not null;
alter table agreements add constraint agreements_auto_renew_consent_check check (not auto_renew or auto_renew_consent_at is not null);
create unique index agreements_renewal_of_key on agreements (renewal_of_id) where renewal_of_id is not null and status <> 'closed';
-- The list's orders (keyset: value, id) and filters; the term end read as coalesce(end_date, '9999-12-31').
create index agreements_end_idx on agreements ((coalesce(end_date, '9999-12-31'::date)), id);
create index agreements_next_bill_idx on agreements ((coalesce(next_bill_date, start_date)), id);
create index agreements_created_idx on agreements (created_at, id);
create index agreements_number_idx on agreements (number, id);
create index agreements_start_idx on agreements (start_date, id);
create index agreements_plan_idx on agreements (plan_id, id);
create index agreements_name_trgm_idx on agreements using gin (lower(name) gin_trgm_ops);
-- The dashboard reads agreements from this index alone (parallel index-only scans).
create index agreements_dashboard_idx on agreements (status) include (plan_id, start_date, end_date, start_month, end_month, billing_interval_months, recurring_cents, renewed_by_id, close_on);
create index customers_archived_idx on customers (id) where archived_at is not null;
create index customer_locations_live_idx on customer_locations (customer_id) where archived_at is null;
create index agreements_term_end_job_idx on agreements (end_date) where status in ('active', 'suspended');
create index agreements_close_on_idx on agreements (close_on) where close_on is not null;

alter table plans
  add column auto_renew boolean not null default false,
  add column renewal_change_kind text not null default 'none' check (renewal_change_kind in ('none', 'percent', 'amount', 'plan_price')),
  add column renewal_change_value integer not null default 0;
alter table quote_options
  add column auto_renew boolean not null default false,
  add column renewal_change_kind text not null default 'none' check (renewal_change_kind in ('none', 'percent', 'amount', 'plan_price')),
  add column renewal_change_value integer not null default 0;
alter table quote_signatures
  add column auto_renew_consent boolean not null default false,
  add column auto_renew_terms_sha256 text;

create table renewal_settings (
  id integer primary key default 1 check (id = 1),
  reminder_days integer[] not null default '{60,30,7}',
  auto_renew_notice_days integer not null default 30 check (auto_renew_notice_days between 15 and 45),
  link_key text not null default (replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')),
  updated_at timestamptz not null default now()
);
insert into renewal_settings (id) values (1);

create table renewal_batches (
  id text primary key,
  idempotency_key text not null unique,
  kind text not null check (kind in ('notice', 'quote')),
  request_sha256 text not null,
  status text not null default 'running' check (status in ('running', 'completed')),
  sent integer not null default 0,
  skipped integer not null default 0,
  created_by text references users (id),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);

create table renewal_notices (
  id text primary key,
  agreement_id text not null references agreements (id),
  kind text not null check (kind in ('notice', 'quote', 'reminder', 'auto_renew_notice')),
  term_end date not null,
  days_before integer,
  batch_id text references renewal_batches (id),
  token_hash text unique,
  expires_at timestamptz,
  start_date date not null,
  term_months integer,
  billing_interval_months integer not null,
  lines jsonb not null,
  price_change jsonb not null,
  old_period_cents bigint not null,
  new_period_cents bigint not null,
  auto_renew boolean not null default false,
  status text not null default 'sent' check (status in ('sent', 'opened', 'accepted', 'superseded', 'expired')),
  recipient text,
  email_id text,
  sent_at timestamptz not null,
  opened_at timestamptz,
  accepted_at timestamptz,
  processing_until timestamptz,
  new_agreement_id text references agreements (id),
  payment_method_id text references payment_methods (id),
  signer_name text,
  signed_ip text,
  signed_user_agent text,
  terms_sha256 text,
  document_sha256 text,
  auto_renew_consent boolean,
  created_by text references users (id)
);
create unique index renewal_notices_schedule_key on renewal_notices (agreement_id, term_end, kind, days_before) where kind in ('reminder', 'auto_renew_notice');
create unique index renewal_notices_batch_key on renewal_notices (batch_id, agreement_id) where batch_id is not null;
create index renewal_notices_agreement_idx on renewal_notices (agreement_id, sent_at desc);
create index renewal_notices_sent_idx on renewal_notices (sent_at);
create index renewal_notices_accepted_idx on renewal_notices (accepted_at) where accepted_at is not null;

create table money_ledger (
  id bigint generated always as identity primary key,
  day date not null,
  kind text not null check (kind in ('billed', 'collected')),
  amount_cents bigint not null
);
create index money_ledger_day_idx on money_ledger (day) include (kind, amount_cents);
insert into money_ledger (day, kind, amount_cents)
  select (created_at at time zone (select time_zone from company_settings where id = 1))::date, 'billed', sum(total_cents)
  from invoices where status <> 'void' group by 1;
insert into money_ledger (day, kind, amount_cents)
  select (received_at at time zone (select time_zone from company_settings where id = 1))::date, 'collected', sum(amount_cents - refunded_cents)
  from payments where status <> 'voided' group by 1;

-- The dashboard's failure figures from the indexes alone (index-only scans).
create index invoices_first_failed_idx on invoices (first_failed_at) include (status, retry_state, total_cents) where first_failed_at is not null;
create index invoices_failed_reason_idx on invoices (failure_code) include (total_cents, paid_cents) where status = 'failed';
create index invoices_failed_agreement_idx on invoices (agreement_id) where status = 'failed';
create index quickbooks_queue_failed_idx on quickbooks_queue (id) where status = 'failed';
`,
  )
  // What was billed and collected, by company-local day. Inserts: one ledger row per statement (a
  // billing batch). Voids and refunds (rare): one per row, on the day they happen (cash basis); a
  // backdated offline payment counts on its day.
  const localDay = (col: string) => `(${col} at time zone (select time_zone from company_settings where id = 1))::date`
  const kept = (r: string) => `case when ${r}.status = 'voided' then 0 else ${r}.amount_cents - ${r}.refunded_cents end`
  const billed = (r: string) => `case when ${r}.status = 'void' then 0 else ${r}.total_cents end`
  const functions: [string, string][] = [
    [
      'money_ledger_invoices_inserted',
      `insert into money_ledger (day, kind, amount_cents)
        select ${localDay('n.created_at')}, 'billed', sum(n.total_cents) from new_rows n where n.status <> 'void' group by 1 having sum(n.total_cents) <> 0; return null;`,
    ],
    // An invoice's void is dated by its update (the application's clock), a payment's reversal by the database's.
    ['money_ledger_invoice_voided', `insert into money_ledger (day, kind, amount_cents) values (${localDay('coalesce(new.updated_at, now())')}, 'billed', ${billed('new')} - ${billed('old')}); return null;`],
    [
      'money_ledger_payments_inserted',
      `insert into money_ledger (day, kind, amount_cents)
        select ${localDay('n.received_at')}, 'collected', sum(${kept('n')}) from new_rows n group by 1 having sum(${kept('n')}) <> 0; return null;`,
    ],
    ['money_ledger_payment_reversed', `insert into money_ledger (day, kind, amount_cents) values (${localDay('now()')}, 'collected', ${kept('new')} - ${kept('old')}); return null;`],
  ]
  for (const [name, body] of functions) await sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin ${body} end $$`).execute(db)
  for (const trigger of [
    `create trigger money_ledger_invoices_inserted after insert on invoices referencing new table as new_rows for each statement execute function money_ledger_invoices_inserted()`,
    `create trigger money_ledger_invoice_voided after update of status on invoices for each row
      when ((old.status = 'void') <> (new.status = 'void')) execute function money_ledger_invoice_voided()`,
    `create trigger money_ledger_payments_inserted after insert on payments referencing new table as new_rows for each statement execute function money_ledger_payments_inserted()`,
    `create trigger money_ledger_payment_reversed after update of status, amount_cents, refunded_cents on payments for each row
      when (old.status is distinct from new.status or old.amount_cents <> new.amount_cents or old.refunded_cents <> new.refunded_cents)
      execute function money_ledger_payment_reversed()`,
  ])
    await sql.raw(trigger).execute(db)
}
