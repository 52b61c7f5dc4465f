import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from '../../src/db/database.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { aCard, seedAgreements } from './billing-fixtures.ts'
// @ts-expect-error plain-Node build script, no type declarations
import { spawnCompiled } from '../../scripts/build-server.mjs'

/**
 * Servicebook servers in their own processes (src/main.ts, as `npm start` runs it) for the
 * shutdown and several-servers tests, and the checks they share: every due invoice charged
 * exactly once against the CardPointe sandbox's ledger.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
export const ADMIN = { email: 'admin@ops.test', password: 'a long admin password' }

export interface ServerProcess {
  child: ChildProcess
  url: string
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts `src/main.ts` through tsx, or with `compiled` the production build (dist/server, built by
 * scripts/build-server.mjs) launched as `npm start` launches it (`spawnCompiled`, from a shell that
 * sets no NODE_ENV: the test runner's NODE_ENV=test is left out). `nodeArgs` go to node first
 * (e.g. `--cpu-prof`).
 */
export async function startServerProcess(env: Record<string, string>, { compiled = false, nodeArgs = [] as string[] } = {}): Promise<ServerProcess> {
  const { NODE_ENV: _testRunners, ...shell } = process.env
  const serverEnv = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env }
  const options = { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] satisfies StdioOptions }
  const child: ChildProcess = compiled
    ? spawnCompiled('src/main.ts', [], { ...options, nodeArgs, env: { ...shell, ...serverEnv } })
    : spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], { ...options, env: { ...process.env, ...serverEnv } })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000)
    const look = () => {
      const m = /running at (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', look)
    void exited.then(({ code }) => (clearTimeout(timer), reject(new Error(`server exited ${code}: ${out}`))))
  })
  return { child, url, output: () => out, exited }
}

/** An office session's headers (cookie and CSRF token), from logging in at `url`. */
export async function login(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`)
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }
}

export async function call<T = Record<string, unknown>>(url: string, headers: Record<string, string>, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: res.status, body: (await res.json().catch(() => null)) as T }
}

/** `count` monthly agreements that started 10 days ago (one period due today), on cards the sandbox approves. */
export async function seedDueAgreements(db: Db, h: SandboxHarness, count: number): Promise<void> {
  await db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const methods = []
  for (const pan of ['4788250000121443', '5454545454545454', '4111111111111111']) methods.push({ id: await aCard(db, h.gateway, h.tokenize, 'cus_cards', pan), customerId: 'cus_cards' })
  const start = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10)
  await seedAgreements(db, { count, paymentMethods: methods, startDate: () => start, amountCents: (i) => 1000 + ((i * 7919) % 89000) })
}

/** What the gateway and the database say about the money: invoices charged twice, invoices not charged. */
export async function chargeCounts(db: Db, h: SandboxHarness): Promise<{ agreements: number; invoices: number; paid: number; double: number; missing: number; pending: number; approvedLedger: number }> {
  const attempts = await db.selectFrom('chargeAttempts').select(['id', 'invoiceId', 'status']).execute()
  const invoiceOf = new Map(attempts.map((a) => [a.id, a.invoiceId]))
  const perInvoice = new Map<string, number>()
  const ledger = (await h.ledger()).filter((r) => r.type === 'auth' && r.respstat === 'A' && r.amountCents > 0 && invoiceOf.has(r.orderid ?? ''))
  for (const r of ledger) perInvoice.set(invoiceOf.get(r.orderid!)!, (perInvoice.get(invoiceOf.get(r.orderid!)!) ?? 0) + 1)
  const agreements = (await db.selectFrom('agreements').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
  const invoices = await db.selectFrom('invoices').select(['id', 'status', 'totalCents', 'paidCents']).execute()
  const charged = invoices.filter((i) => i.status === 'paid' && i.paidCents === i.totalCents && perInvoice.get(i.id) === 1).length
  return {
    agreements: Number(agreements),
    invoices: invoices.length,
    paid: invoices.filter((i) => i.status === 'paid').length,
    double: [...perInvoice.values()].filter((n) => n > 1).length,
    // One invoice per agreement is due; each must be paid by exactly one approved charge.
    missing: Number(agreements) - charged,
    pending: attempts.filter((a) => a.status === 'pending').length,
    approvedLedger: ledger.length,
  }
}

/** PGlite's pg_control: 1 = shut down cleanly, 6 = was running (a crash leaves that). */
export function pgliteClusterState(dataDir: string): number {
  return readFileSync(join(dataDir, 'global', 'pg_control')).readInt32LE(16)
}

export async function until<T>(look: () => Promise<T | undefined>, timeoutMs: number, why: () => string): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await look()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(why())
    await new Promise((r) => setTimeout(r, 200))
  }
}
