import type { Kysely } from 'kysely'
import { execStatements } from '../exec-statements.ts'

/**
 * Several servers share one billing run (issue 14; docs/billing.md "Several servers, one run"):
 * - charge_attempts.claimed_by: the server instance that claimed the attempt (instance-liveness.ts),
 *   so a run's recover phase leaves alone what a live server has in flight, and anyone can tell
 *   which server sent a charge;
 * - billing_runs.helpers: the instances (other than the lease holder) working on the run's
 *   charges now; the holder settles and finishes the run once none of them is left alive.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `
alter table charge_attempts add column claimed_by text;
alter table billing_runs add column helpers text[] not null default '{}';
`,
  )
}
