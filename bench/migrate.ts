import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { seedBook } from './seed-book.ts'

/**
 * The move to PostgreSQL at scale (issue 14, bench:scale's migration part): seeds an embedded
 * (PGlite) data folder with `agreements` agreements and `invoicesPer` invoices each (bench/seed-book.ts),
 * wipes the PostgreSQL database at `targetUrl`, and times `migrate-to-postgres` as a person runs it
 * (its own process, start-up included), with that process's peak memory (VmHWM).
 */
export interface MigrateFigures {
  agreements: number
  rows: number
  seconds: number
  peakRssMb: number
  seedSeconds: number
}

export async function benchMigrate(opts: { agreements: number; invoicesPer: number; targetUrl: string; log?: (s: string) => void }): Promise<MigrateFigures> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`))
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-migrate-'))
  try {
    const t0 = performance.now()
    const source = await openDatabase({ kind: 'pglite', dataDir: dir })
    await migrateToLatest(source.db)
    await seedBook(source.db, { agreements: opts.agreements, invoicesPer: opts.invoicesPer, today: new Date().toISOString().slice(0, 10), log })
    await source.close()
    const seedSeconds = (performance.now() - t0) / 1000
    const target = await openDatabase({ kind: 'postgres', url: opts.targetUrl, poolSize: 1 })
    await sql`drop schema public cascade; create schema public`.execute(target.db)
    await target.close()

    const started = performance.now()
    let peakKb = 0
    let out = ''
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate-to-postgres', '--to', opts.targetUrl], {
        cwd: new URL('../', import.meta.url).pathname,
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const poll = setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
          if (m) peakKb = Math.max(peakKb, Number(m[1]))
        } catch {}
      }, 100)
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => process.env.BENCH_VERBOSE && process.stderr.write(d))
      child.on('error', reject)
      child.on('exit', (c) => (clearInterval(poll), resolve(c)))
    })
    const seconds = (performance.now() - started) / 1000
    if (code !== 0) throw new Error(`migrate-to-postgres exited with ${code}: ${out}`)
    const rows = Number(/verified tables=\d+ rows=(\d+) counts_and_checksums=equal/.exec(out)?.[1] ?? NaN)
    return { agreements: opts.agreements, rows, seconds, peakRssMb: Math.round(peakKb / 1024), seedSeconds }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
