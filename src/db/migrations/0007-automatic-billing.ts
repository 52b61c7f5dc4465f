import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Automatic billing: an optional daily Bill all at a set time in the company's time zone.
 * `billing_runs.automatic_for` is the business day an automatic run was for; unique among runs
 * that were not interrupted, so two servers waking at the same minute start one run between
 * them, and a run cut short by a crash is made again that day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table billing_settings add column auto_bill boolean not null default false;
alter table billing_settings add column auto_bill_time text not null default '06:00' check (auto_bill_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
alter table billing_runs add column automatic_for date;
create unique index billing_runs_automatic_for_idx on billing_runs (automatic_for) where automatic_for is not null and status <> 'interrupted';
`,
  )
}
