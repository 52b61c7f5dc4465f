import { sql, type Kysely } from 'kysely'

/**
 * The dashboard's tiles open lists of exactly what they count (issue 12).
 * - Billed this month is the invoices created this month (company-local) and not void: an invoice
 *   voided later now leaves the month it was billed in, not the month of its void, so the ledger's
 *   month equals the invoices list filtered by creation date (`billed=true&createdFrom=…`). The
 *   billed rows are rebuilt once from the invoices on that rule.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const localDay = (col: string) => `(${col} at time zone (select time_zone from company_settings where id = 1))::date`
  const billed = (r: string) => `case when ${r}.status = 'void' then 0 else ${r}.total_cents end`
  await sql
    .raw(
      `create or replace function money_ledger_invoice_voided() returns trigger language plpgsql as $$ begin
        insert into money_ledger (day, kind, amount_cents) values (${localDay('new.created_at')}, 'billed', ${billed('new')} - ${billed('old')}); return null; end $$`,
    )
    .execute(db)
  await sql`delete from money_ledger where kind = 'billed'`.execute(db)
  await sql
    .raw(`insert into money_ledger (day, kind, amount_cents) select ${localDay('created_at')}, 'billed', sum(total_cents) from invoices where status <> 'void' group by 1 having sum(total_cents) <> 0`)
    .execute(db)
}
