import { sql, type Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * The dashboard at 100,000 agreements (issue 12): its agreement figures come from
 * `agreement_tallies`, the agreements counted by every column the dashboard tells them apart by
 * (plan, status, renewed or not, closing or not, start and end dates, end month, billing interval),
 * with the sum of their recurring cents. A row trigger on agreements keeps it exact whoever writes:
 * an insert adds a +1 row for its group, a delete a −1 row, an update that changes any of those
 * columns a −1 row for the old group and a +1 row for the new one (other updates, such as a billing
 * run's next bill date, add nothing). The dashboard sums rows by group, so a group may have many.
 * NOTE: only inserts, never an update of a shared row: a transaction that suspends several
 * agreements (a billing run's group commit) takes no lock another one could wait on in the opposite
 * order, so tallies can neither deadlock nor serialize the writers. `compactAgreementTallies`
 * (src/services/dashboard/tallies.ts, every few minutes) folds each group back into one row: a few
 * thousand rows stand for 100,000 agreements, and the dashboard reads those instead.
 * Also: an index on `payments.received_at` for Billing → Payments' date filter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
create table agreement_tallies (
  plan_id text, status text not null, has_next boolean not null, open boolean not null, start_date date not null, start_month integer not null,
  end_date date, end_month integer, billing_interval_months integer not null, n integer not null, recurring_cents bigint not null
);
insert into agreement_tallies
  select plan_id, status, renewed_by_id is not null, close_on is null, start_date, start_month, end_date, end_month, billing_interval_months, count(*), coalesce(sum(recurring_cents), 0)
  from agreements group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
create index payments_received_idx on payments (received_at);
`,
  )
  const row = (r: string) =>
    `${r}.plan_id, ${r}.status, ${r}.renewed_by_id is not null, ${r}.close_on is null, ${r}.start_date, ${r}.start_month, ${r}.end_date, ${r}.end_month, ${r}.billing_interval_months`
  await sql
    .raw(
      `create function agreement_tallies_count() returns trigger language plpgsql as $$ begin
        if tg_op <> 'INSERT' then insert into agreement_tallies values (${row('old')}, -1, -coalesce(old.recurring_cents, 0)); end if;
        if tg_op <> 'DELETE' then insert into agreement_tallies values (${row('new')}, 1, coalesce(new.recurring_cents, 0)); end if;
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
