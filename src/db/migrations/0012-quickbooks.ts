import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * QuickBooks Online (issue 10): the one connected company (tokens sealed with AES-256-GCM,
 * their expiry, whether it must be reconnected, the mapping), the `state` of connects in
 * progress (bound to the session that started them), one link per pushed record of ours to
 * its QuickBooks id, and the push queue's state: `waiting` (the connection needs the office),
 * the request id reused on every try of an entry, QuickBooks' fault code and a fix hint.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table quickbooks_connections (
  id integer primary key default 1 check (id = 1),
  realm_id text not null,
  company_name text not null default '',
  access_token_sealed text not null,
  refresh_token_sealed text not null,
  access_expires_at timestamptz not null,
  refresh_expires_at timestamptz not null,
  status text not null default 'connected' check (status in ('connected', 'needs_reconnect')),
  status_message text,
  service_item_id text,
  deposit_account_id text,
  card_method_id text,
  bank_method_id text,
  tax_handling text not null default 'line' check (tax_handling in ('line', 'none')),
  tax_item_id text,
  connected_by text references users (id) on delete set null,
  connected_at timestamptz not null default now(),
  refreshed_at timestamptz,
  last_push_at timestamptz,
  updated_at timestamptz not null default now()
);

create table quickbooks_oauth_states (
  state text primary key,
  session_id text not null,
  created_at timestamptz not null default now()
);

create table quickbooks_links (
  entity_type text not null check (entity_type in ('customer', 'invoice', 'payment', 'void', 'refund', 'invoice_void')),
  entity_id text not null,
  realm_id text not null,
  qbo_type text not null,
  qbo_id text not null,
  synced_at timestamptz not null default now(),
  primary key (entity_type, entity_id)
);
create unique index quickbooks_links_qbo_idx on quickbooks_links (realm_id, qbo_type, qbo_id) where entity_type in ('invoice', 'payment', 'refund');

alter table quickbooks_queue drop constraint quickbooks_queue_status_check;
alter table quickbooks_queue add constraint quickbooks_queue_status_check check (status in ('queued', 'sent', 'failed', 'waiting'));
alter table quickbooks_queue add column request_id text;
alter table quickbooks_queue add column error_code text;
alter table quickbooks_queue add column fix_hint text;
create index quickbooks_queue_waiting_idx on quickbooks_queue (id) where status = 'waiting';
`,
  )
}
