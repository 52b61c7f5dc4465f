import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { ServiceDeps } from '../deps.ts'
import { jobRound } from '../metrics/metrics.ts'

const KEY = 'plan_id, status, has_next, open, start_date, start_month, end_date, end_month, billing_interval_months'

/**
 * Folds the agreement tallies' +1/−1 rows (migration 0026's trigger only inserts) into one row per
 * group, dropping groups that count no agreement. One statement: the rows it deletes are the rows
 * it sums, so rows other transactions insert meanwhile stay as they are and the tallies stay
 * exact; two compactions at once are safe too (the second finds the first's rows gone).
 * Returns the rows before and after.
 */
export async function compactAgreementTallies(db: Db): Promise<{ before: number; after: number }> {
  const { rows } = await sql<{ before: number; after: number }>`
    with gone as (delete from agreement_tallies returning *),
    kept as (
      insert into agreement_tallies select ${sql.raw(KEY)}, sum(n)::int, sum(recurring_cents)::int8 from gone
      group by ${sql.raw(KEY)} having sum(n) <> 0 or sum(recurring_cents) <> 0 returning 1)
    select (select count(*) from gone)::int as before, (select count(*) from kept)::int as after`.execute(db)
  return rows[0]!
}

export interface TallyCompactionJob {
  stop(): void
}

/** Compacts the tallies every `intervalMs` (default 5 minutes), wired in main.ts; a failed round is logged and retried next time. */
export function startTallyCompaction(deps: Pick<ServiceDeps, 'db'>, opts: { intervalMs?: number; log?: { error(obj: object, msg: string): void } } = {}): TallyCompactionJob {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    compactAgreementTallies(deps.db)
      .then(() => jobRound('agreement_tallies'))
      .catch((err: Error) => (jobRound('agreement_tallies', false), opts.log?.error({ error: err.message }, 'agreement tallies compaction failed')))
      .finally(() => (running = false))
  }, opts.intervalMs ?? 300_000)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
