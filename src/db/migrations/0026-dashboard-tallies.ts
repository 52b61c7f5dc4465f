import { sql, type Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * The dashboard at 100,000 agreements (issue 12): its agreement figures come from
 * `agreement_tallies`, the agreements counted by every column the dashboard tells them apart by
 * (plan, status, renewed or not, closing or not, start and end dates, end month, billing interval),
 * with the sum of their recurring cents. A row trigger on agreements keeps it exact whoever writes:
 * an insert adds one to its group, a delete takes one away, an update that changes any of those
 * columns moves the agreement from its old group to its new one (other updates, such as a billing
 * run's next bill date, do not touch it). A group that falls to zero is deleted. A few thousand rows
 * stand for 100,000 agreements, so the dashboard reads those instead of the agreements.
 * Also: an index on `payments.received_at` for Billing → Payments' date filter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table agreement_tallies (
  plan_id text, status text not null, has_next boolean not null, open boolean not null, start_date date not null, start_month integer not null,
  end_date date, end_month integer, billing_interval_months integer not null, n integer not null, recurring_cents bigint not null,
  constraint agreement_tallies_key unique nulls not distinct (plan_id, status, has_next, open, start_date, end_date, end_month, billing_interval_months)
);
insert into agreement_tallies
  select plan_id, status, renewed_by_id is not null, close_on is null, start_date, start_month, end_date, end_month, billing_interval_months, count(*), coalesce(sum(recurring_cents), 0)
  from agreements group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
create index payments_received_idx on payments (received_at);
`,
  )
  const key = (r: string) =>
    `plan_id is not distinct from ${r}.plan_id and status = ${r}.status and has_next = (${r}.renewed_by_id is not null) and open = (${r}.close_on is null)
     and start_date = ${r}.start_date and end_date is not distinct from ${r}.end_date and end_month is not distinct from ${r}.end_month and billing_interval_months = ${r}.billing_interval_months`
  await sql
    .raw(
      `create function agreement_tallies_count() returns trigger language plpgsql as $$ declare left_n integer; begin
        if tg_op <> 'INSERT' then
          update agreement_tallies set n = n - 1, recurring_cents = recurring_cents - coalesce(old.recurring_cents, 0) where ${key('old')} returning n into left_n;
          if left_n = 0 then delete from agreement_tallies where ${key('old')} and n = 0; end if;
        end if;
        if tg_op <> 'DELETE' then
          insert into agreement_tallies values (new.plan_id, new.status, new.renewed_by_id is not null, new.close_on is null, new.start_date, new.start_month,
            new.end_date, new.end_month, new.billing_interval_months, 1, coalesce(new.recurring_cents, 0))
          on conflict on constraint agreement_tallies_key do update set n = agreement_tallies.n + 1, recurring_cents = agreement_tallies.recurring_cents + excluded.recurring_cents;
        end if;
        return null; end $$`,
    )
    .execute(db)
  await sql.raw(`create trigger agreements_tallies_insert_delete after insert or delete on agreements for each row execute function agreement_tallies_count()`).execute(db)
  await sql
    .raw(
      `create trigger agreements_tallies_update after update on agreements for each row when (
        old.plan_id is distinct from new.plan_id or old.status is distinct from new.status or (old.renewed_by_id is null) <> (new.renewed_by_id is null)
        or (old.close_on is null) <> (new.close_on is null) or old.start_date is distinct from new.start_date or old.end_date is distinct from new.end_date
        or old.end_month is distinct from new.end_month or old.billing_interval_months is distinct from new.billing_interval_months
        or old.recurring_cents is distinct from new.recurring_cents) execute function agreement_tallies_count()`,
    )
    .execute(db)
}
