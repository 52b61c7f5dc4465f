import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * E-mails and documents look like the company's (issue 13): its postal address for the e-mail
 * footer and documents, and its locale for dates and numbers shown to people. The outbox may keep
 * an e-mail's content instead of its HTML: bulk senders (a billing run's receipts) queue the
 * content and the delivery worker draws the HTML with the one e-mail layout when it sends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table company_settings add column address text not null default '';
alter table company_settings add column locale text not null default 'en-US';
alter table email_outbox add column content jsonb;
`,
  )
}
