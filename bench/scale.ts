/**
 * bench:scale (issue 14). Parts:
 *   --part migrate   the move of a 100,000-agreement embedded database to PostgreSQL (bench/migrate.ts):
 *                    time and peak memory of `migrate-to-postgres`
 *   --part billing   Bill all with one, two and three servers on one PostgreSQL: not in this file yet
 *                    (its keys are printed as `unmeasured`, never as numbers)
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:scale -- --part migrate [--agreements 100000] [--invoices-per 10]
 *   (that database is wiped)
 *
 * Ends with one line: wall_over_ideal_1=… wall_over_ideal_2=… wall_over_ideal_3=… double_charges=… missing_charges=… migrate_seconds=…
 */
import { benchMigrate } from './migrate.ts'

const args = process.argv.slice(2)
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const parts = (opt('part') ?? 'migrate').split(',')
const url = process.env.BENCH_DATABASE_URL
if (!url) throw new Error('bench:scale needs BENCH_DATABASE_URL (a PostgreSQL database it may wipe)')
if (parts.includes('billing')) throw new Error('--part billing is not implemented in this file yet')

const figures: Record<string, string> = {
  wall_over_ideal_1: 'unmeasured',
  wall_over_ideal_2: 'unmeasured',
  wall_over_ideal_3: 'unmeasured',
  double_charges: 'unmeasured',
  missing_charges: 'unmeasured',
  migrate_seconds: 'unmeasured',
}
if (parts.includes('migrate')) {
  const m = await benchMigrate({ agreements: Number(opt('agreements') ?? 100_000), invoicesPer: Number(opt('invoices-per') ?? 10), targetUrl: url })
  process.stderr.write(
    `migrate: ${m.agreements.toLocaleString('en-US')} agreements, ${m.rows.toLocaleString('en-US')} rows in ${m.seconds.toFixed(1)} s (${Math.round(m.rows / m.seconds).toLocaleString('en-US')} rows/s), peak RSS ${m.peakRssMb} MB; seeding took ${m.seedSeconds.toFixed(1)} s\n`,
  )
  figures.migrate_seconds = m.seconds.toFixed(1)
}
// The issue's keys, in its order (peak memory is on the line above).
process.stdout.write(`${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`)
