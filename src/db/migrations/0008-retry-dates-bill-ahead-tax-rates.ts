import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Money fixes of issue 9:
 * - a scheduled retry is due on a company-local date (`invoices.next_retry_date`), no longer at
 *   an instant (failure + N × 24 h) that a daily run starting earlier in the day missed. Existing
 *   retry instants become their date in the company's time zone;
 * - a run bills through today at most, or `billing_settings.bill_ahead_days` (0 to 31, default 0)
 *   ahead for companies that bill in advance;
 * - sales tax rates are integers in millionths (`tax_rate_ppm`: 8.875% = 88750) instead of whole
 *   basis points, on plans, agreements and quote revisions; existing rates convert exactly (× 100).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table invoices add column next_retry_date date;
update invoices set next_retry_date = (next_retry_at at time zone (select time_zone from company_settings where id = 1))::date where next_retry_at is not null;
drop index invoices_failed_idx;
alter table invoices drop column next_retry_at;
create index invoices_failed_idx on invoices (next_retry_date, id) where status = 'failed';
alter table billing_settings add column bill_ahead_days integer not null default 0 check (bill_ahead_days between 0 and 31);
alter table plans add column tax_rate_ppm integer not null default 0 check (tax_rate_ppm between 0 and 1000000);
update plans set tax_rate_ppm = tax_rate_bp * 100;
alter table plans drop column tax_rate_bp;
alter table agreements add column tax_rate_ppm integer not null default 0 check (tax_rate_ppm between 0 and 1000000);
update agreements set tax_rate_ppm = tax_rate_bp * 100;
alter table agreements drop column tax_rate_bp;
alter table quote_revisions add column tax_rate_ppm integer not null default 0 check (tax_rate_ppm between 0 and 1000000);
update quote_revisions set tax_rate_ppm = tax_rate_bp * 100;
alter table quote_revisions drop column tax_rate_bp;
`,
  )
}
