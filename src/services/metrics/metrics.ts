import client from 'prom-client'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { migrations } from '../../db/migrations/index.ts'

/**
 * Prometheus metrics (prom-client), served as text at GET /metrics (src/http/metrics-routes.ts).
 * What happens in this process is counted as it happens: HTTP requests by route pattern, calls
 * to CardPointe and QuickBooks (`instrumentFetch`), the background jobs' rounds. What is in the
 * database (billing run progress and outcomes, outbox and QuickBooks queue depth and age) is read
 * at each scrape, so every server reports the same shared state.
 */
export const registry = new client.Registry()
client.collectDefaultMetrics({ register: registry, prefix: 'servicebook_' })

const registers = [registry]
export const httpDuration = new client.Histogram({
  name: 'servicebook_http_request_duration_seconds',
  help: 'HTTP request latency by route pattern (not the raw URL), method and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
})
const outboundDuration = new client.Histogram({
  name: 'servicebook_outbound_request_duration_seconds',
  help: 'Calls to the payment gateway (service="cardpointe") and QuickBooks (service="quickbooks") by operation and outcome (HTTP status, timeout, network)',
  labelNames: ['service', 'operation', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers,
})
const outboundErrors = new client.Counter({
  name: 'servicebook_outbound_request_errors_total',
  help: 'Calls to CardPointe or QuickBooks that failed: no answer (timeout, network) or HTTP 429/5xx',
  labelNames: ['service', 'operation', 'outcome'] as const,
  registers,
})
const jobRounds = new client.Counter({ name: 'servicebook_job_rounds_total', help: 'Rounds of the background jobs, by job and result', labelNames: ['job', 'result'] as const, registers })
const lastRound = new Map<string, number>()
new client.Gauge({
  name: 'servicebook_job_lag_seconds',
  help: 'Seconds since the job last finished a round (its interval is normal; much more means it is stuck or failing)',
  labelNames: ['job'] as const,
  registers,
  collect() {
    for (const [job, at] of lastRound) this.set({ job }, (Date.now() - at) / 1000)
  },
})

/** A background job finished a round (`ok` false: it failed and will try again). */
export function jobRound(job: string, ok = true): void {
  jobRounds.inc({ job, result: ok ? 'ok' : 'error' })
  if (ok) lastRound.set(job, Date.now())
}

/**
 * A fetch that times each call to `service`: the operation is the first path segment after
 * `prefix` (never ids or query strings, which would make a series per customer).
 */
export function instrumentFetch(service: 'cardpointe' | 'quickbooks', operationOf: (url: URL) => string, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const operation = operationOf(url)
    const end = outboundDuration.startTimer({ service, operation })
    try {
      const res = await inner(input, init)
      const outcome = String(res.status)
      end({ outcome })
      if (res.status === 429 || res.status >= 500) outboundErrors.inc({ service, operation, outcome })
      return res
    } catch (err) {
      const outcome = init?.signal?.aborted ? 'timeout' : 'network'
      end({ outcome })
      outboundErrors.inc({ service, operation, outcome })
      throw err
    }
  }
}

/** CardPointe: `/cardconnect/rest/<operation>/…`. */
export const cardPointeOperation = (url: URL) => url.pathname.split('/cardconnect/rest/')[1]?.split('/')[0] || 'other'
/** QuickBooks: `/v3/company/<realm>/<operation>` (query, customer, invoice…), and the OAuth token endpoint. */
export const quickBooksOperation = (url: URL) => {
  const m = /\/v3\/company\/[^/]+\/([a-z]+)/i.exec(url.pathname)
  return m ? m[1]!.toLowerCase() : url.pathname.includes('token') ? 'oauth_token' : 'other'
}

// Read from the database at each scrape.
const gauge = (name: string, help: string, labelNames: string[] = []) => new client.Gauge({ name, help, labelNames, registers })
const queueDepth = gauge('servicebook_queue_depth', 'Entries waiting to be sent, by queue (email_outbox, quickbooks) and status', ['queue', 'status'])
const queueAge = gauge('servicebook_queue_oldest_age_seconds', 'Age of the oldest entry still waiting to be sent, by queue', ['queue'])
const runRunning = gauge('servicebook_billing_run_running', '1 while a billing run is in progress (on any server)')
const runProgress = gauge('servicebook_billing_run_progress', 'The current (or last) billing run: its counts so far (agreements_due, invoices_to_charge, charged, approved, declined, errors, unresolved, recovered)', ['counter'])
const runCents = gauge('servicebook_billing_run_cents', 'The current (or last) billing run: cents billed and collected', ['kind'])
const runsByStatus = gauge('servicebook_billing_runs', 'Billing runs by how they ended (completed, failed, interrupted) or running', ['status'])
const runAge = gauge('servicebook_billing_run_last_finished_age_seconds', 'Seconds since the last billing run finished (completed or failed)')
const migrationsPending = gauge('servicebook_migrations_pending', 'Database migrations this server knows that the database has not applied')

/** Database-backed gauges, refreshed before a scrape. */
export async function collectDatabaseMetrics(db: Db): Promise<void> {
  const queues = await sql<{ queue: string; status: string; n: number; oldest: number | null }>`
    select 'email_outbox' as queue, status, count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as oldest
      from email_outbox where status in ('pending', 'failed') group by status
    union all
    select 'quickbooks', status, count(*)::int, extract(epoch from now() - min(created_at))::float8
      from quickbooks_queue where status in ('queued', 'failed', 'waiting') group by status`.execute(db)
  queueDepth.reset()
  queueAge.reset()
  for (const queue of ['email_outbox', 'quickbooks']) queueAge.set({ queue }, 0)
  for (const r of queues.rows) {
    queueDepth.set({ queue: r.queue, status: r.status }, Number(r.n))
    if (r.status === 'pending' || r.status === 'queued') queueAge.set({ queue: r.queue }, Number(r.oldest ?? 0))
  }
  const last = await db.selectFrom('billingRuns').selectAll().orderBy('startedAt', 'desc').limit(1).executeTakeFirst()
  runRunning.set(last?.status === 'running' ? 1 : 0)
  runProgress.reset()
  runCents.reset()
  if (last) {
    const counters = { agreements_due: last.agreementsDue, invoices_to_charge: last.invoicesToCharge, charged: last.charged, approved: last.approved, declined: last.declined, errors: last.errors, unresolved: last.unresolved, recovered: last.recovered }
    for (const [counter, v] of Object.entries(counters)) runProgress.set({ counter }, Number(v))
    runCents.set({ kind: 'billed' }, Number(last.billedCents))
    runCents.set({ kind: 'collected' }, Number(last.collectedCents))
  }
  const statuses = await db.selectFrom('billingRuns').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  runsByStatus.reset()
  for (const s of ['running', 'completed', 'failed', 'interrupted']) runsByStatus.set({ status: s }, Number(statuses.find((r) => r.status === s)?.n ?? 0))
  const finished = await sql<{ age: number | null }>`select extract(epoch from now() - max(finished_at))::float8 as age from billing_runs where status in ('completed', 'failed')`.execute(db)
  const age = finished.rows[0]?.age
  if (age !== null && age !== undefined) runAge.set(Number(age))
  migrationsPending.set((await pendingMigrations(db)).length)
}

/** Migrations this code has that the database has not applied (ready only when none). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const applied = await sql<{ name: string }>`select name from schema_migrations`.execute(db).then((r) => new Set(r.rows.map((x) => x.name)), () => new Set<string>())
  return Object.keys(migrations).filter((m) => !applied.has(m))
}
