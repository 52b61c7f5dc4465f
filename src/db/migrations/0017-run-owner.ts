import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Several servers on one database (src/db/instance-liveness.ts):
 * - the billing run's lease holder as a server instance, not a pid (pids only mean something on
 *   one host). Null = released (a server stopped gracefully): any server resumes it. Runs still
 *   `running` when this applies are treated as released;
 * - who claimed an e-mail or a QuickBooks entry: a claim of a server that is gone is taken again
 *   at once instead of after the claim lease (10 minutes for e-mail).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table billing_runs add column owner text;
alter table email_outbox add column claimed_by text;
alter table quickbooks_queue add column claimed_by text;
`,
  )
}
