import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/** Users, sessions, audit trail, company settings, customers with locations and contacts, plan templates. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create extension if not exists pg_trgm;

create table users (
  id text primary key,
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'office', 'technician')),
  password_hash text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table sessions (
  id text primary key,
  user_id text not null references users(id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_id_idx on sessions (user_id);

create table audit_events (
  id text primary key,
  entity_type text not null,
  entity_id text not null,
  action text not null,
  actor_user_id text references users(id),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_events_entity_idx on audit_events (entity_type, entity_id, created_at);

create table company_settings (
  id integer primary key default 1 check (id = 1),
  company_name text not null default 'Your Company',
  time_zone text not null default 'America/New_York',
  email text,
  phone text,
  updated_at timestamptz not null default now()
);
insert into company_settings (id) values (1);

create table customers (
  id text primary key,
  name text not null,
  company_name text,
  notes text not null default '',
  search_text text not null default '',
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_name_idx on customers (lower(name), id);
create index customers_search_trgm_idx on customers using gin (search_text gin_trgm_ops);
create index customers_created_idx on customers (created_at desc, id);

create table customer_locations (
  id text primary key,
  customer_id text not null references customers(id),
  label text not null default '',
  line1 text not null,
  line2 text not null default '',
  city text not null,
  region text not null,
  postal_code text not null,
  country text not null default 'US',
  access_notes text not null default '',
  archived_at timestamptz,
  created_at timestamptz not null default now()
);
create index customer_locations_customer_idx on customer_locations (customer_id);

create table customer_contacts (
  id text primary key,
  customer_id text not null references customers(id),
  name text not null,
  email text,
  phone text,
  is_primary boolean not null default false,
  created_at timestamptz not null default now()
);
create index customer_contacts_customer_idx on customer_contacts (customer_id);

create table plans (
  id text primary key,
  name text not null,
  description text not null default '',
  price_cents bigint not null check (price_cents >= 0),
  currency text not null default 'USD',
  billing_frequency text not null check (billing_frequency in ('monthly', 'quarterly', 'semiannual', 'annual', 'every_n_months')),
  billing_interval_months integer not null check (billing_interval_months between 1 and 60),
  term_months integer check (term_months between 1 and 120),
  visits_per_term integer not null default 0 check (visits_per_term between 0 and 366),
  visit_months integer[] not null default '{}',
  terms_text text not null default '',
  is_taxable boolean not null default false,
  tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index plans_name_idx on plans (lower(name), id);
`,
  )
}
