/**
 * bench:scale (issue 14). Parts (both by default):
 *   --part billing   Bill all of N agreements at a gateway latency with one, two and three server
 *                    processes on one PostgreSQL (bench/scale-billing.ts): wall time against the
 *                    ideal N × latency ÷ (servers × concurrency), peak memory per process, double
 *                    and missing charges (the sandbox's ledger against the database)
 *   --part migrate   the move of a 100,000-agreement embedded database to PostgreSQL (bench/migrate.ts):
 *                    time and peak memory of `migrate-to-postgres`
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:scale -- [--part billing,migrate] [--agreements 100000]
 *     [--latency 500] [--concurrency 64] [--servers 1,2,3] [--invoices-per 10]
 *   (that database is wiped; --agreements applies to both parts)
 *
 * Ends with one line: wall_over_ideal_1=… wall_over_ideal_2=… wall_over_ideal_3=… double_charges=… missing_charges=… migrate_seconds=…
 * (a part not run prints its keys as `unmeasured`, never as numbers)
 */
import { benchMigrate } from './migrate.ts'
import { benchScaleBilling } from './scale-billing.ts'

const args = process.argv.slice(2)
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const parts = (opt('part') ?? 'billing,migrate').split(',')
const url = process.env.BENCH_DATABASE_URL
if (!url) throw new Error('bench:scale needs BENCH_DATABASE_URL (a PostgreSQL database it may wipe)')
const agreements = Number(opt('agreements') ?? 100_000)

const figures: Record<string, string> = {
  wall_over_ideal_1: 'unmeasured',
  wall_over_ideal_2: 'unmeasured',
  wall_over_ideal_3: 'unmeasured',
  double_charges: 'unmeasured',
  missing_charges: 'unmeasured',
  migrate_seconds: 'unmeasured',
}
if (parts.includes('billing')) {
  const runs = await benchScaleBilling({
    agreements,
    latencyMs: Number(opt('latency') ?? 500),
    concurrency: Number(opt('concurrency') ?? 64),
    servers: (opt('servers') ?? '1,2,3').split(',').map(Number),
    url,
  })
  for (const r of runs) figures[`wall_over_ideal_${r.servers}`] = (r.wallSeconds / r.idealSeconds).toFixed(2)
  figures.double_charges = String(runs.reduce((n, r) => n + r.double, 0))
  figures.missing_charges = String(runs.reduce((n, r) => n + r.missing, 0))
}
if (parts.includes('migrate')) {
  const m = await benchMigrate({ agreements, invoicesPer: Number(opt('invoices-per') ?? 10), targetUrl: url })
  process.stderr.write(
    `migrate: ${m.agreements.toLocaleString('en-US')} agreements, ${m.rows.toLocaleString('en-US')} rows in ${m.seconds.toFixed(1)} s (${Math.round(m.rows / m.seconds).toLocaleString('en-US')} rows/s), peak RSS ${m.peakRssMb} MB; seeding took ${m.seedSeconds.toFixed(1)} s\n`,
  )
  figures.migrate_seconds = m.seconds.toFixed(1)
}
// The issue's keys, in its order (wall times, peak memory and charges per server are on the lines above).
process.stdout.write(`${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`)
