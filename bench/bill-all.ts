/**
 * Bill-all benchmark (issue 5): seeds N monthly agreements, then bills them in a separate
 * process (the `bill` CLI) against the CardPointe sandbox, and checks the ledger afterwards.
 *
 *   npm run bench:billing                                  # PGlite, 10,000 agreements
 *   npm run bench:billing -- --agreements 5000 --latency 500 --concurrency 64
 *   BENCH_VERBOSE=1 npm run bench:billing                   # every progress line, with timings
 *   BENCH_DATABASE_URL=postgres://… npm run bench:billing -- --db postgres   # database is wiped; 100,000 by default
 *
 * Ends with one line of key=value figures: agreements, invoices, seconds, agreements_per_second,
 * peak_rss_mb (of the billing process), preview_seconds and previewed_invoices (the `bill --preview`
 * command run first, process start included), double_charges, missing_charges and, with a latency,
 * ideal_seconds (N × latency ÷ concurrency) and wall_to_ideal.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { startHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
import { ledgerCheck, seedBillingBook } from './billing-book.ts'

const args = process.argv.slice(2)
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const backend = (opt('db') ?? 'pglite') as 'pglite' | 'postgres'
const url = process.env.BENCH_DATABASE_URL
if (backend === 'postgres' && !url) throw new Error('--db postgres needs BENCH_DATABASE_URL (the database is wiped)')
const total = Number(opt('agreements') ?? (backend === 'postgres' ? 100_000 : 10_000))
const latency = Number(opt('latency') ?? 0)
// 64 in flight: enough for the 500 ms latency case, and big enough batches for the instant one.
const concurrency = Number(opt('concurrency') ?? 64)

const h = await startHarness({ sandbox: { ledgerFile: null, uatNoise: false } })
const dir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'sb-bench-')) : ''
const database = backend === 'postgres' ? await openDatabase({ kind: 'postgres', url: url!, poolSize: 4 }) : await openDatabase({ kind: 'pglite', dataDir: dir })
if (backend === 'postgres') await sql`drop schema public cascade; create schema public`.execute(database.db)
await migrateToLatest(database.db)
const t0 = performance.now()
await seedBillingBook(database.db, h, total, '2026-11-01')
process.stderr.write(`seeded ${total} agreements in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
await database.close()
if (latency > 0) await h.faults({ latencyMs: latency })

// The office's Preview first (a whole process: ~1 s of it is starting Node and loading modules).
const previewStarted = performance.now()
const previewOut = await new Promise<string>((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'bill', '--preview', '--through', '2026-11-30'], {
    cwd: new URL('../', import.meta.url).pathname,
    env: { ...process.env, DATA_DIR: dir || './data', DATABASE_URL: backend === 'postgres' ? url : '', CARDPOINTE_URL: h.sandbox.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.on('error', reject)
  child.on('exit', (c) => (c === 0 ? resolve(out) : reject(new Error(`preview exited with ${c}`))))
})
const previewSeconds = (performance.now() - previewStarted) / 1000
const previewed = Number(/ invoices=(\d+)/.exec(previewOut)?.[1] ?? -1)

const started = performance.now()
let peakKb = 0
const code = await new Promise<number>((resolve, reject) => {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=.tmp/billing/prof2'] : []), '--import', 'tsx', 'src/cli.ts', 'bill', '--through', '2026-11-30', '--concurrency', String(concurrency)], {
    cwd: new URL('../', import.meta.url).pathname,
    env: { ...process.env, DATA_DIR: dir || './data', DATABASE_URL: backend === 'postgres' ? url : '', CARDPOINTE_URL: h.sandbox.url, DATABASE_POOL_SIZE: '20' },
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let lastLine = ''
  child.stderr.on('data', (d: Buffer) => {
    lastLine = d.toString().trim().split('\n').at(-1) ?? lastLine
    // BENCH_VERBOSE=1: every progress line with the seconds since the billing process started.
    if (process.env.BENCH_VERBOSE) process.stderr.write(`${((performance.now() - started) / 1000).toFixed(2)}s ${d.toString()}`)
  })
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (m) peakKb = Math.max(peakKb, Number(m[1]))
    } catch {}
    if (lastLine && process.stderr.isTTY) process.stderr.write(`\r${lastLine.slice(0, 110)}   `)
  }, 200)
  child.on('error', reject)
  child.on('exit', (c) => {
    clearInterval(poll)
    process.stderr.write('\n')
    resolve(c ?? 1)
  })
})
const seconds = (performance.now() - started) / 1000
await h.faults({ reset: true })

const check = backend === 'postgres' ? await openDatabase({ kind: 'postgres', url: url!, poolSize: 2 }) : await openDatabase({ kind: 'pglite', dataDir: dir })
const money = await ledgerCheck(check.db, h)
await check.close()
await h.close()
if (dir) rmSync(dir, { recursive: true, force: true })

const figures: Record<string, string | number> = {
  db: backend,
  agreements: total,
  invoices: money.invoices,
  concurrency,
  latency_ms: latency,
  exit_code: code,
  seconds: seconds.toFixed(1),
  agreements_per_second: (total / seconds).toFixed(0),
  peak_rss_mb: (peakKb / 1024).toFixed(0),
  preview_seconds: previewSeconds.toFixed(1),
  previewed_invoices: previewed,
  double_charges: money.double,
  missing_charges: money.missing,
}
if (latency > 0) {
  const ideal = (total * latency) / 1000 / concurrency
  figures.ideal_seconds = ideal.toFixed(1)
  figures.wall_to_ideal = (seconds / ideal).toFixed(2)
}
process.stdout.write(`${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`)
