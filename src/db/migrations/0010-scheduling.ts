import { sql, type Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Scheduling (issue 11): technician profiles, visits (work orders) with duration, priority,
 * skill, slot and completion, the rolling visit planner's key, coordinates on locations, and
 * the board's changes feed.
 *
 * - `work_orders (agreement_id, visit_seq)` is unique: the daily planner inserts agreement visits
 *   with `on conflict do nothing`, so no visit is ever created twice, whatever runs at once.
 *   Existing agreement visits are numbered in window order, as approval numbered them.
 * - `schedule_changes` is written by triggers on `work_orders` and `technicians`, so every change
 *   from any code path (billing's suspension too) reaches the board. Each row carries its
 *   transaction id; a reader takes rows of transactions below the oldest still running
 *   (`pg_snapshot_xmin`), so a change is never skipped because it committed late.
 * - Board indexes: visits by slot start (the week query: start within [from - 24 h, to), a visit
 *   lasts at most 24 h) and by technician and start (a lane, a technician's day, conflicts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table technicians (
  user_id text primary key references users (id),
  color text not null default '#2563eb' check (color ~ '^#[0-9a-f]{6}$'),
  skills text[] not null default '{}',
  working_hours jsonb not null default '{}',
  days_off jsonb not null default '[]',
  home_line1 text not null default '',
  home_city text not null default '',
  home_region text not null default '',
  home_postal_code text not null default '',
  home_latitude double precision check (home_latitude between -90 and 90),
  home_longitude double precision check (home_longitude between -180 and 180),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

alter table customer_locations
  add column latitude double precision check (latitude between -90 and 90),
  add column longitude double precision check (longitude between -180 and 180);

alter table agreements add column visits_planned_until date;
create index agreements_visit_plan_idx on agreements (visits_planned_until) where status in ('active', 'suspended') and visits_per_term > 0;

alter table work_orders drop constraint work_orders_status_check;
alter table work_orders add constraint work_orders_status_check
  check (status in ('open', 'scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed', 'cancelled', 'suspended'));
alter table work_orders
  add column visit_seq integer check (visit_seq > 0),
  add column duration_minutes integer not null default 60 check (duration_minutes between 5 and 1440),
  add column priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  add column notes text not null default '',
  add column required_skill text,
  add column scheduled_end timestamptz,
  add column actual_start timestamptz,
  add column actual_end timestamptz,
  add column completion_notes text not null default '',
  add column status_reason text not null default '',
  add column reschedule_reason text,
  add column version integer not null default 1,
  add column created_by text references users (id);
update work_orders set scheduled_end = scheduled_start + interval '60 minutes' where scheduled_start is not null;
alter table work_orders add constraint work_orders_slot_check
  check ((scheduled_start is null) = (scheduled_end is null) and (scheduled_end is null or (scheduled_end > scheduled_start and scheduled_end <= scheduled_start + interval '24 hours')));
update work_orders w set visit_seq = s.n
  from (select id, row_number() over (partition by agreement_id order by window_start, created_at, id) as n from work_orders where agreement_id is not null) s
  where w.id = s.id;
create unique index work_orders_agreement_visit_key on work_orders (agreement_id, visit_seq) where visit_seq is not null;
create index work_orders_slot_idx on work_orders (scheduled_start) include (scheduled_end, technician_id, status) where technician_id is not null;
create index work_orders_technician_slot_idx on work_orders (technician_id, scheduled_start) where technician_id is not null;
create index work_orders_due_idx on work_orders (status, window_end);
create index work_orders_customer_idx on work_orders (customer_id, window_start);
create index work_orders_reschedule_idx on work_orders (window_start) where reschedule_reason is not null;

create table schedule_changes (
  id bigint generated always as identity primary key,
  txid xid8 not null default pg_current_xact_id(),
  entity text not null check (entity in ('visit', 'technician')),
  entity_id text not null,
  changed_at timestamptz not null default now()
);
create index schedule_changes_txid_idx on schedule_changes (txid);
create index schedule_changes_changed_idx on schedule_changes (changed_at);

create table scheduling_settings (
  id integer primary key default 1 check (id = 1),
  on_the_way_email boolean not null default false,
  changes_pruned_below xid8 not null default '0',
  updated_at timestamptz not null default now()
);
insert into scheduling_settings (id) values (1);
`,
  )
  // NOTE: one statement each (execStatements splits at a line-ending semicolon).
  await sql
    .raw(
      `create function schedule_visit_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then new.version := old.version + 1; end if;
  insert into schedule_changes (entity, entity_id) values ('visit', new.id); return new;
end $$`,
    )
    .execute(db)
  await sql.raw(`create trigger work_orders_changed before insert or update on work_orders for each row execute function schedule_visit_changed()`).execute(db)
  await sql
    .raw(
      `create function schedule_technician_changed() returns trigger language plpgsql as $$
begin insert into schedule_changes (entity, entity_id) values ('technician', new.user_id); return new; end $$`,
    )
    .execute(db)
  await sql.raw(`create trigger technicians_changed after insert or update on technicians for each row execute function schedule_technician_changed()`).execute(db)
}
