import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Running {
  child: ChildProcess
  url: string
  stdout: () => string
}

/** Runs src/main.ts (what `npm start` runs) in its own process until it says where it listens. */
function startServer(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 60_000)
    child.stdout!.on('data', () => {
      const m = /running at (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1], stdout: () => out })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`exited ${code}: ${err}`), { exitCode: code, stderr: err }))
    })
  })
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))))
}

async function login(url: string, email: string, password: string) {
  return fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
}

test('first start creates an admin, the data folder is locked, SIGTERM shuts down cleanly, data survives a SIGKILL', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-process-'))
  try {
    const first = await startServer(dataDir)
    const password = /password: (\S+)/.exec(first.stdout())?.[1]
    assert.ok(password, 'the generated admin password is printed once')
    assert.equal((await (await fetch(`${first.url}/health`)).json()).status, 'ok')
    assert.equal((await login(first.url, 'admin@example.com', password)).status, 200)

    // A second process on the same folder is refused with a clear message (PGlite would lose writes).
    await assert.rejects(startServer(dataDir), (err: Error & { exitCode?: number; stderr?: string }) => {
      assert.equal(err.exitCode, 1)
      assert.match(err.stderr ?? '', /in use by another Servicebook process/)
      return true
    })

    first.child.kill('SIGTERM')
    assert.equal(await exited(first.child), 0)
    assert.equal(existsSync(join(dataDir, 'servicebook.lock')), false, 'lock released')

    const second = await startServer(dataDir)
    assert.equal(/password: /.test(second.stdout()), false, 'no new password on later starts')
    // A write of the process about to be killed: its login's session row, committed before the answer.
    const loggedIn = await login(second.url, 'admin@example.com', password)
    assert.equal(loggedIn.status, 200)
    const session = loggedIn.headers.getSetCookie()[0]!.split(';')[0]!
    assert.equal((await fetch(`${second.url}/api/dashboard`, { headers: { cookie: session } })).status, 200)
    second.child.kill('SIGKILL')
    await exited(second.child)

    // The stale lock of a killed process is taken over, and what it wrote is there: its session still logs in.
    const third = await startServer(dataDir)
    assert.equal((await fetch(`${third.url}/api/dashboard`, { headers: { cookie: session } })).status, 200, 'the killed process’s session survived')
    assert.equal((await login(third.url, 'admin@example.com', password)).status, 200)
    third.child.kill('SIGTERM')
    assert.equal(await exited(third.child), 0)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('ADMIN_EMAIL/ADMIN_PASSWORD set the first admin; --demo fills an empty database', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-process-'))
  try {
    const server = await startServer(dataDir, ['--demo'], { ADMIN_EMAIL: 'Owner@Acme.test', ADMIN_PASSWORD: 'a long admin password' })
    assert.equal(/password: /.test(server.stdout()), false)
    const res = await login(server.url, 'owner@acme.test', 'a long admin password')
    assert.equal(res.status, 200)
    const cookie = res.headers.getSetCookie()[0].split(';')[0]
    const dashboard = await (await fetch(`${server.url}/api/dashboard`, { headers: { cookie } })).json()
    assert.ok(dashboard.customers >= 40, `demo customers: ${JSON.stringify(dashboard)}`)
    assert.ok(dashboard.plans >= 3)
    server.child.kill('SIGTERM')
    assert.equal(await exited(server.child), 0)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('bad configuration stops the server with a message naming the variable', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-process-'))
  try {
    await assert.rejects(startServer(dataDir, [], { PORT: 'eighty' }), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? '', /PORT/)
      assert.equal(/at .*\.ts:\d+/.test(err.stderr ?? ''), false, 'no stack trace')
      return true
    })
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
