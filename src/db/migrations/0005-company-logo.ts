import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/** The company logo shown on quote PDFs: PNG or JPEG, base64, on the single settings row. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table company_settings add column logo_base64 text;
alter table company_settings add column logo_content_type text check (logo_content_type in ('image/png', 'image/jpeg'));
`,
  )
}
