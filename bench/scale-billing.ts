import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { startHarness, type SandboxHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
import { call, login, startServerProcess, until, type ServerProcess } from '../test/helpers/server-process.ts'
import { ledgerCheck, seedBillingBook } from './billing-book.ts'
// @ts-expect-error plain-Node build script, no type declarations
import { ensureServerBuild } from '../scripts/build-server.mjs'

/**
 * Bill all with several servers on one PostgreSQL (issue 14, bench:scale's billing part): for
 * each number of servers, wipes the database at `url`, seeds `agreements` monthly agreements with
 * one period due (bench/billing-book.ts), sets the billing concurrency, starts that many
 * Servicebook processes (the production build, dist/server, with NODE_ENV=production: what `npm start` runs), starts Bill all on the first
 * through the API and waits for the run to complete; the others help (run-share.ts). The
 * CardPointe sandbox runs in this process with `latencyMs` on every call.
 *
 * Wall: the run's own started_at to finished_at (recover, invoice, charge, settle).
 * Ideal: agreements × latency ÷ (servers × concurrency), the time the gateway calls alone take
 * when every server keeps `concurrency` charges in flight all the time.
 * Receipts are queued, not sent (SMTP_URL points at a closed port): the mail is not what is measured.
 * BENCH_SERVER_NODE_ARGS (space-separated) go to each server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * (a server writes its profile when the bench stops it with SIGTERM).
 */
export interface ScaleRun {
  servers: number
  wallSeconds: number
  idealSeconds: number
  peakRssMb: number[]
  /** Approved charges each server sent (charge_attempts.claimed_by). */
  chargesByServer: number[]
  double: number
  missing: number
}

export async function benchScaleBilling(opts: { agreements: number; latencyMs: number; concurrency: number; servers: number[]; url: string; log?: (s: string) => void }): Promise<ScaleRun[]> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`))
  const results: ScaleRun[] = []
  ensureServerBuild()
  for (const n of opts.servers) {
    // A sandbox of its own per round: its ledger holds this round's charges only.
    const h = await startHarness({ sandbox: { ledgerFile: null, uatNoise: false } })
    try {
      results.push(await once(n, h))
    } finally {
      await h.close()
    }
  }
  return results

  async function once(n: number, h: SandboxHarness): Promise<ScaleRun> {
    const database = await openDatabase({ kind: 'postgres', url: opts.url, poolSize: 4 })
    await sql`drop schema public cascade; create schema public`.execute(database.db)
    await migrateToLatest(database.db)
    await seedBillingBook(database.db, h, opts.agreements, new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10))
    await database.db.updateTable('billingSettings').set({ concurrency: opts.concurrency }).execute()
    await h.faults({ latencyMs: opts.latencyMs })
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-scale-'))
    const servers: ServerProcess[] = []
    const peakKb: number[] = []
    const poll = setInterval(() => servers.forEach((s, k) => (peakKb[k] = Math.max(peakKb[k] ?? 0, vmHwmKb(s.child.pid)))), 200)
    try {
      const env = (k: number) => ({ DATA_DIR: join(dir, `s${k}`), DATABASE_URL: opts.url, DATABASE_POOL_SIZE: '20', CARDPOINTE_URL: h.sandbox.url, SMTP_URL: 'smtp://127.0.0.1:1' })
      servers.push(...(await Promise.all(Array.from({ length: n }, (_, k) => startServerProcess(env(k), { compiled: true, nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) })))))
      const office = await login(servers[0]!.url)
      const started = await call<{ runId: string }>(servers[0]!.url, office, 'POST', '/api/billing/runs', {})
      if (started.status !== 202) throw new Error(`Bill all: ${started.status} ${JSON.stringify(started.body)}`)
      const runId = started.body.runId
      const phases: string[] = []
      const run = await until(
        async () => {
          const r = await database.db.selectFrom('billingRuns').selectAll().where('id', '=', runId).executeTakeFirstOrThrow()
          if (phases.at(-1)?.split(' ')[0] !== r.phase) phases.push(`${r.phase} ${((Date.now() - r.startedAt.getTime()) / 1000).toFixed(1)}s`)
          return r.status === 'running' ? undefined : r
        },
        24 * 3600_000,
        () => 'never',
      )
      if (run.status !== 'completed') throw new Error(`the run ended ${run.status}: ${run.error}`)
      await h.faults({ reset: true })
      const wallSeconds = (run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000
      const idealSeconds = (opts.agreements * opts.latencyMs) / 1000 / (n * opts.concurrency)
      const owners = await database.db.selectFrom('chargeAttempts').select(['claimedBy', (eb) => eb.fn.countAll<number>().as('n')]).where('runId', '=', runId).where('status', '=', 'approved').groupBy('claimedBy').orderBy('n', 'desc').execute()
      const money = await ledgerCheck(database.db, h)
      const r: ScaleRun = { servers: n, wallSeconds, idealSeconds, peakRssMb: peakKb.map((kb) => Math.round(kb / 1024)), chargesByServer: owners.map((o) => Number(o.n)), double: money.double, missing: money.missing }
      log(`billing, ${n} server(s): ${opts.agreements.toLocaleString('en-US')} agreements in ${wallSeconds.toFixed(1)} s (ideal ${idealSeconds.toFixed(1)} s, ×${(wallSeconds / idealSeconds).toFixed(2)}), approved charges per server ${r.chargesByServer.join('/')}, peak RSS ${r.peakRssMb.join('/')} MB, double ${r.double}, missing ${r.missing}; phases seen: ${phases.join(', ')}`)
      return r
    } finally {
      clearInterval(poll)
      for (const s of servers) s.child.kill('SIGTERM')
      await Promise.all(servers.map((s) => s.exited))
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

function vmHwmKb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}
