/**
 * A restart right after a SIGKILL: the killed process is a zombie until its parent reaps it (a
 * second or two, or longer under a restart script), and its data-folder lock must count as free
 * meanwhile. (The billing run's lease no longer goes by pid: test/billing/run-lease.test.ts.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testBackend } from '../helpers/test-db.ts'
import { spawnUnreaped, until } from '../helpers/unreaped.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const serverEnv = (dataDir: string) => ({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false' })
const runningAt = (out: string) => /running at (http:\/\/\S+)/.exec(out)?.[1]

test('a server started right after the previous one was SIGKILLed takes over its data folder (PGlite)', { skip: testBackend !== 'pglite' && 'the data-folder lock is PGlite only' }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-restart-'))
  const first = await spawnUnreaped([process.execPath, '--import', 'tsx', 'src/main.ts'], { cwd: root, env: serverEnv(dataDir) })
  try {
    await until(() => runningAt(first.output()), 90_000, () => `first server did not start: ${first.output()}`)
    await first.killToZombie()

    const second = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env: serverEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    second.stdout.on('data', (d) => (out += d))
    second.stderr.on('data', (d) => (out += d))
    const exited = new Promise<number | null>((resolve) => second.on('exit', resolve))
    try {
      const url = await until(() => runningAt(out) ?? (second.exitCode !== null ? '' : undefined), 90_000, () => `second server: ${out}`)
      assert.ok(url, `the restart was refused: ${out}`)
      assert.equal((await (await fetch(`${url}/health`)).json()).status, 'ok')
    } finally {
      second.kill('SIGTERM')
      await exited
    }
  } finally {
    first.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
