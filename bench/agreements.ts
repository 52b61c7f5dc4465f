/**
 * Agreements list, dashboard and CSV export at scale (issue 12): 100,000 agreements and 1,000,000
 * invoices (with their payments) on PostgreSQL. Times the filtered list (keyset pages, the same
 * call as GET /api/agreements) and the dashboard (GET /api/dashboard's service), p50/p95 over 25
 * runs each after a warm-up; then streams the CSV export of every agreement over HTTP from a
 * running server and records the time and the process's peak memory while it streams.
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:agreements      # the database is wiped
 *   npm run bench:agreements                                       # PGlite (in memory), 10,000 / 100,000
 *   BENCH_AGREEMENTS=20000 BENCH_INVOICES_PER=10 npm run bench:agreements
 *   BENCH_REUSE=1 …                                                # PostgreSQL: time again on the data seeded last time
 *
 * Ends with one line: list_p95_ms=… dashboard_p95_ms=… csv_seconds=… csv_peak_rss_mb=…
 * (list_p95_ms is the slowest list case's p95).
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { AgreementListQuery } from '../src/contracts/agreements.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { localDate } from '../src/domain/time-zone.ts'
import { buildApp } from '../src/http/app.ts'
import { systemClock } from '../src/ports/clock.ts'
import { CardPointeGateway } from '../src/integrations/cardpointe/cardpointe-gateway.ts'
import { listAgreements } from '../src/services/agreements/agreement-list.ts'
import { getDashboard } from '../src/services/dashboard/dashboard.ts'
import type { ServiceDeps } from '../src/services/deps.ts'
import { createUser } from '../src/services/users/manage-users.ts'
import { seedBook } from './seed-book.ts'

const url = process.env.BENCH_DATABASE_URL
const n = Number(process.env.BENCH_AGREEMENTS ?? (url ? 100_000 : 10_000))
const invoicesPer = Number(process.env.BENCH_INVOICES_PER ?? 10)
// The server's default pool (DATABASE_POOL_SIZE): the dashboard's queries run side by side.
const database = url ? await openDatabase({ kind: 'postgres', url, poolSize: 10 }) : await openDatabase({ kind: 'pglite' })
const db = database.db
const reuse = Boolean(url && process.env.BENCH_REUSE) && (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'agreements'`.execute(db)).rows[0]!.n > 0
if (url && !reuse) await sql`drop schema public cascade; create schema public`.execute(db)
await migrateToLatest(db)
const today = localDate(new Date(), 'America/New_York')
const log = (s: string) => process.stderr.write(`${s}\n`)

if (!reuse) await seedBook(db, { agreements: n, invoicesPer, today })
const counts = (await sql<{ invoices: number; payments: number }>`select (select count(*) from invoices)::int as invoices, (select count(*) from payments)::int as payments`.execute(db)).rows[0]!
log(`${reuse ? 'reused' : 'seeded'} ${counts.invoices.toLocaleString('en-US')} invoices and ${counts.payments.toLocaleString('en-US')} payments`)

const deps: ServiceDeps = {
  db,
  clock: systemClock,
  gateway: new CardPointeGateway({ baseUrl: 'http://127.0.0.1:9', merchantId: '496160873888', username: 'testing', password: 'testing123', readTimeoutMs: 2000 }),
  gatewayBrowserUrl: 'http://127.0.0.1:9',
  publicUrl: 'http://127.0.0.1',
}

async function timed(runs: number, f: () => Promise<unknown>) {
  for (let i = 0; i < 2; i++) await f()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const s = performance.now()
    await f()
    times.push(performance.now() - s)
  }
  times.sort((a, b) => a - b)
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: p(0.5), p95: p(0.95) }
}

const deepCursor = (await listAgreements(db, AgreementListQuery.parse({ sort: 'number', dir: 'asc', pageSize: 50, page: Math.floor((n * 0.75) / 50) }), today)).nextCursor!
const cases: [string, Record<string, unknown>][] = [
  ['newest first, page 1', {}],
  ['expiring within 30 days, by end date', { expiringWithin: 30, sort: 'endDate', dir: 'asc' }],
  ['expiring within 90 days, auto-renew off, monthly', { expiringWithin: 90, autoRenew: 'false', billingIntervalMonths: 1, sort: 'endDate', dir: 'asc' }],
  ['payment failed', { status: 'payment_failed' }],
  ['plan + next billing date in the coming 2 weeks', { planId: `pln_${'2'.padStart(26, '0')}`, nextBillFrom: today, nextBillTo: localDate(new Date(Date.now() + 14 * 86_400_000), 'America/New_York'), sort: 'nextBillDate', dir: 'asc' }],
  ['customer search, one customer ("c73519@")', { q: 'c73519@' }],
  ['customer search "okafor" (1 customer in 7)', { q: 'okafor' }],
  ['by customer name, page 1', { sort: 'customer', dir: 'asc' }],
  [`by number, a page ${Math.round(n * 0.75).toLocaleString('en-US')} rows deep (cursor)`, { sort: 'number', dir: 'asc', cursor: deepCursor }],
]
const rows: string[] = []
let listP95 = 0
for (const [label, q] of cases) {
  const query = AgreementListQuery.parse({ pageSize: 50, ...q })
  let total = 0
  const r = await timed(25, async () => (total = (await listAgreements(db, query, today)).total))
  listP95 = Math.max(listP95, r.p95)
  rows.push(`| ${label} | ${total.toLocaleString('en-US')} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`)
}
let dash: Awaited<ReturnType<typeof getDashboard>> | undefined
const d = await timed(25, async () => (dash = await getDashboard(deps)))

// The CSV export over HTTP, streamed to a client that counts lines and drops them.
const app = await buildApp(deps, database, { logLevel: 'silent', version: 'bench', sessionTtlHours: 1, cookieSecure: false, loginRateLimit: 100, mailboxUrl: null, webDist: '/nonexistent' })
await app.listen({ port: 0, host: '127.0.0.1' })
await createUser(deps, { email: 'bench@example.com', name: 'Bench', role: 'office', password: 'correct horse battery' }, null).catch(() => undefined) // there already when reused
const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'bench@example.com', password: 'correct horse battery' } })
const cookie = `sb_session=${login.cookies.find((c) => c.name === 'sb_session')!.value}`
const baseRss = process.memoryUsage().rss
let peakRss = baseRss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10)
const c0 = performance.now()
const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/agreements/export.csv?sort=number&dir=asc`, { headers: { cookie } })
let lines = 0
let bytes = 0
const reader = res.body!.getReader()
for (let r = await reader.read(); !r.done; r = await reader.read()) {
  bytes += r.value.length
  for (const b of r.value) if (b === 10) lines++
}
const csvSeconds = (performance.now() - c0) / 1000
clearInterval(sampler)
await app.close()
if (res.status !== 200 || lines - 1 !== n) throw new Error(`the export answered ${res.status} with ${lines - 1} rows, not ${n}`)

console.log(`\nAgreements benchmark — ${database.backend}, ${n.toLocaleString('en-US')} agreements, ${counts.invoices.toLocaleString('en-US')} invoices, ${counts.payments.toLocaleString('en-US')} payments; page size 50, 25 runs each\n`)
console.log('| filtered list | matches | p50 ms | p95 ms |')
console.log('|---|---:|---:|---:|')
for (const r of rows) console.log(r)
console.log(`| dashboard (tiles and 12-month series) | – | ${d.p50.toFixed(1)} | ${d.p95.toFixed(1)} |`)
console.log(`\nDashboard: ${dash!.tiles.activeAgreements.toLocaleString('en-US')} active, MRR ${(dash!.tiles.mrrCents / 100).toFixed(2)}, ${dash!.tiles.failedPayments} failed payments, ${dash!.tiles.expiring30} expiring in 30 days`)
console.log(`CSV export: ${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB in ${csvSeconds.toFixed(2)} s; process RSS ${(baseRss / 1e6).toFixed(0)} MB before, peak ${(peakRss / 1e6).toFixed(0)} MB while streaming`)
console.log(`list_p95_ms=${listP95.toFixed(1)} dashboard_p95_ms=${d.p95.toFixed(1)} csv_seconds=${csvSeconds.toFixed(2)} csv_peak_rss_mb=${(peakRss / 1e6).toFixed(0)}`)
await database.close()
