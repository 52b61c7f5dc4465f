import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * The shared core that quotes (issue 4) and billing (issue 5) both build on: payment methods on
 * file, agreements, their work orders, office notifications and the email outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table payment_methods (
  id text primary key,
  customer_id text not null references customers (id),
  kind text not null check (kind in ('card', 'ach')),
  gateway text not null default 'cardpointe',
  profile_id text not null,
  acct_id text not null,
  token text not null,
  last4 text not null,
  brand text,
  account_type text check (account_type in ('ECHK', 'ESAV')),
  expiry text,
  holder_name text not null default '',
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
create index payment_methods_customer_idx on payment_methods (customer_id);

create sequence agreement_number_seq start 1001;

create table agreements (
  id text primary key,
  number bigint not null unique default nextval('agreement_number_seq'),
  customer_id text not null references customers (id),
  location_id text not null references customer_locations (id),
  quote_id text,
  plan_id text references plans (id),
  name text not null,
  status text not null check (status in ('pending_approval', 'active', 'suspended', 'rejected', 'closed')),
  status_reason text not null default '',
  billing_interval_months integer not null check (billing_interval_months between 1 and 60),
  start_date date not null,
  term_months integer check (term_months between 1 and 120),
  end_date date,
  visits_per_term integer not null default 0,
  visit_months integer[] not null default '{}',
  lines jsonb not null default '[]',
  tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
  terms_text text not null default '',
  payment_method_id text references payment_methods (id),
  approved_at timestamptz,
  approved_by text references users (id),
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index agreements_customer_idx on agreements (customer_id);
create index agreements_status_idx on agreements (status, start_date);

create table work_orders (
  id text primary key,
  agreement_id text references agreements (id),
  customer_id text not null references customers (id),
  location_id text not null references customer_locations (id),
  description text not null,
  window_start date not null,
  window_end date not null check (window_end >= window_start),
  status text not null check (status in ('open', 'scheduled', 'dispatched', 'completed', 'cancelled', 'suspended')),
  status_before_suspension text,
  technician_id text references users (id),
  scheduled_start timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index work_orders_agreement_idx on work_orders (agreement_id);
create index work_orders_window_idx on work_orders (status, window_start);

create table notifications (
  id text primary key,
  kind text not null,
  title text not null,
  body text not null default '',
  link text,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_unread_idx on notifications (created_at desc) where read_at is null;

create table email_outbox (
  id text primary key,
  kind text not null,
  to_address text not null,
  subject text not null,
  html text not null,
  text_body text not null,
  attachments jsonb not null default '[]',
  related_type text,
  related_id text,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';
`,
  )
}
