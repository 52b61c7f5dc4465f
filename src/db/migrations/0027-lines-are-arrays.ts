import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * An agreement's and an invoice's `lines` are always a JSON array. Billing reads the agreement's
 * lines to price each period (src/services/billing/due-invoices.ts); a value that was not an
 * array (an object, a string, null inside the jsonb) would have been priced as no lines at all:
 * a zero invoice, created already paid, with no error anywhere. The application only ever writes
 * arrays; these checks make the database refuse anything else, whoever writes.
 * (Existing rows are validated; every row written by Servicebook passes.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table agreements add constraint agreements_lines_array check (jsonb_typeof(lines) = 'array');
alter table invoices add constraint invoices_lines_array check (jsonb_typeof(lines) = 'array');
`,
  )
}
