/**
 * Start-up time and idle memory of the server process (issue 14): the production build
 * (`node dist/server/src/main.js`, what `npm start` runs) against the sources through tsx (what
 * `npm start` ran before). Each is started RUNS times on an embedded database that is already
 * migrated (a restart, the common case; the first, migrating start is untimed), timed from spawn
 * to "running at", and its resident memory read after IDLE_MS with no requests.
 *
 *   npm run bench:startup
 *
 * Ends with one line: compiled_start_ms=… tsx_start_ms=… compiled_idle_rss_mb=… tsx_idle_rss_mb=…
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
// @ts-expect-error plain-Node build script, no type declarations
import { ensureServerBuild } from '../scripts/build-server.mjs'
import { startServerProcess } from '../test/helpers/server-process.ts'

const RUNS = 3
const IDLE_MS = 5_000
ensureServerBuild()

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function measure(compiled: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-startup-'))
  const env = { DATA_DIR: dataDir, CARDPOINTE_URL: 'http://127.0.0.1:9' }
  const starts: number[] = []
  const rss: number[] = []
  try {
    const first = await startServerProcess(env, { compiled })
    first.child.kill('SIGTERM')
    await first.exited
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const server = await startServerProcess(env, { compiled })
      starts.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, IDLE_MS))
      rss.push(rssMb(server.child.pid!))
      server.child.kill('SIGTERM')
      await server.exited
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { startMs: median(starts), rssMb: median(rss) }
}

const compiled = await measure(true)
const tsx = await measure(false)
process.stderr.write(
  `| process | start (median of ${RUNS}) | idle RSS after ${IDLE_MS / 1000} s |\n|---|---:|---:|\n` +
    `| compiled (dist/server) | ${Math.round(compiled.startMs)} ms | ${Math.round(compiled.rssMb)} MB |\n` +
    `| tsx (src/*.ts) | ${Math.round(tsx.startMs)} ms | ${Math.round(tsx.rssMb)} MB |\n` +
    `load average ${loadavg()[0]!.toFixed(1)} on ${process.env.NODE_ENV ?? 'development'}\n`,
)
process.stdout.write(`compiled_start_ms=${Math.round(compiled.startMs)} tsx_start_ms=${Math.round(tsx.startMs)} compiled_idle_rss_mb=${Math.round(compiled.rssMb)} tsx_idle_rss_mb=${Math.round(tsx.rssMb)}\n`)
