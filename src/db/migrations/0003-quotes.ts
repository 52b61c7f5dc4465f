import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Quotes (issue 4): a quote has numbered revisions; each revision holds what the customer is
 * shown (location, start date, expiry, tax rate, terms text) and up to three options with
 * their priced lines. A revision is frozen once sent (`sent_at`): a change is a new revision.
 * Sign-up links store only the SHA-256 of their token. Signatures record who accepted which
 * option of which revision. One agreement per quote (partial unique index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create sequence quote_number_seq start 1001;

create table quotes (
  id text primary key,
  number bigint not null unique default nextval('quote_number_seq'),
  customer_id text not null references customers (id),
  status text not null check (status in ('draft', 'sent', 'viewed', 'accepted', 'declined', 'expired')),
  current_revision integer not null default 1,
  accepted_option_id text,
  sent_at timestamptz,
  viewed_at timestamptz,
  responded_at timestamptz,
  decline_reason text not null default '',
  created_by text references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index quotes_customer_idx on quotes (customer_id);
create index quotes_status_idx on quotes (status, created_at desc);

create table quote_revisions (
  quote_id text not null references quotes (id),
  revision integer not null check (revision >= 1),
  location_id text not null references customer_locations (id),
  title text not null default '',
  start_date date not null,
  expires_on date not null,
  tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
  terms_text text not null default '',
  recipient_email text,
  created_by text references users (id),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (quote_id, revision)
);

create table quote_options (
  id text primary key,
  quote_id text not null,
  revision integer not null,
  position integer not null check (position between 1 and 3),
  plan_id text references plans (id),
  name text not null,
  description text not null default '',
  price_cents bigint not null check (price_cents >= 0),
  is_taxable boolean not null default false,
  billing_frequency text not null check (billing_frequency in ('monthly', 'quarterly', 'semiannual', 'annual', 'every_n_months')),
  billing_interval_months integer not null check (billing_interval_months between 1 and 60),
  term_months integer check (term_months between 1 and 120),
  visits_per_term integer not null default 0 check (visits_per_term between 0 and 52),
  visit_months integer[] not null default '{}',
  extra_lines jsonb not null default '[]',
  foreign key (quote_id, revision) references quote_revisions (quote_id, revision),
  unique (quote_id, revision, position)
);

create table quote_links (
  id text primary key,
  quote_id text not null references quotes (id),
  revision integer not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  processing_until timestamptz,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (quote_id, revision) references quote_revisions (quote_id, revision)
);
create index quote_links_quote_idx on quote_links (quote_id);

create table quote_signatures (
  id text primary key,
  quote_id text not null references quotes (id),
  revision integer not null,
  option_id text not null references quote_options (id),
  link_id text not null references quote_links (id),
  signer_name text not null,
  consent boolean not null check (consent),
  signed_at timestamptz not null,
  ip_address text not null,
  user_agent text not null default '',
  terms_sha256 text not null,
  document_sha256 text not null,
  created_at timestamptz not null default now()
);
create unique index quote_signatures_quote_key on quote_signatures (quote_id);

create unique index agreements_quote_id_key on agreements (quote_id) where quote_id is not null;
`,
  )
}
