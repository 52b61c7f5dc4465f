import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Notifications that lead to the next action (issue 13): each names the agreement it is about
 * (`subject_id`), so whether it still needs doing (approve, collect, reactivate) is derived
 * from the agreement when the list is read, never left stale. Sign-up notifications no longer
 * say "to approve" in their stored title: the list says what is still to do.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table notifications add column subject_id text;
update notifications set subject_id = substring(link from '^/agreements/([A-Za-z0-9_-]+)$') where link like '/agreements/%';
update notifications set title = regexp_replace(title, ' to approve$', '') where kind = 'agreement.pending_approval';
create index notifications_subject_idx on notifications (subject_id) where subject_id is not null;
`,
  )
}
