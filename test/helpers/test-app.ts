import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { buildApp } from '../../src/http/app.ts'
import type { Clock } from '../../src/ports/clock.ts'
import type { PaymentGateway } from '../../src/ports/payment-gateway.ts'
import type { Mailer } from '../../src/ports/mailer.ts'
import { startOutboxWorker, type OutboxWorker } from '../../src/services/email/outbox-worker.ts'
import { billingAttachmentRenderers } from '../../src/services/billing/billing-emails.ts'
import { CardPointeGateway } from '../../src/integrations/cardpointe/cardpointe-gateway.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { createUser } from '../../src/services/users/manage-users.ts'
import type { Role } from '../../src/contracts/users.ts'
import { createTestDatabase } from './test-db.ts'

export const TEST_PASSWORD = 'correct horse battery'

export interface TestApp {
  app: FastifyInstance
  database: DatabaseHandle
  deps: ServiceDeps
  /** Base URL once `listen()` has been called. */
  url: string
  /** Creates a user with TEST_PASSWORD and returns its email. */
  addUser(role: Role, email?: string): Promise<string>
  close(): Promise<void>
}

/**
 * The whole app on a fresh test database. `listen: true` serves it on a loopback port
 * (for browser tests); otherwise use `app.inject`. With `mailer` (e.g. `startMailCapture().mailer`)
 * an outbox worker runs as in main.ts, so queued mail is delivered on its own; without it, mail
 * stays queued until the test calls `deliverDueEmails`.
 */
export async function startTestApp(
  opts: {
    listen?: boolean
    clock?: Clock
    loginRateLimit?: number
    gateway?: PaymentGateway
    gatewayBrowserUrl?: string
    mailboxUrl?: string
    mailer?: Mailer
    trustedProxies?: string[]
    /** Turns GET /metrics on with this bearer token. */
    metricsToken?: string
    /** Receives the app's JSON log lines (at LOG level info); otherwise logs are silent. */
    logStream?: { write(line: string): void }
    /** An already migrated database to run on (closed with the app); default a fresh test database. */
    database?: DatabaseHandle
  } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await createTestDatabase())
  const deps: ServiceDeps = {
    db: database.db,
    clock: opts.clock ?? { now: () => new Date() },
    // Without a sandbox, a real client pointed at a closed port: any charge attempt fails loudly.
    gateway: opts.gateway ?? new CardPointeGateway({ baseUrl: 'http://127.0.0.1:9', merchantId: '496160873888', username: 'testing', password: 'testing123', readTimeoutMs: 2000 }),
    gatewayBrowserUrl: opts.gatewayBrowserUrl ?? 'http://127.0.0.1:9',
    publicUrl: 'http://127.0.0.1',
  }
  let outbox: OutboxWorker | undefined
  if (opts.mailer) {
    outbox = startOutboxWorker({ db: deps.db, clock: deps.clock, mailer: opts.mailer, from: '"Servicebook" <no-reply@servicebook.local>', renderers: billingAttachmentRenderers }, { intervalMs: 200 })
    deps.kickOutbox = () => outbox?.kick()
  }
  const app = await buildApp(deps, database, {
    logLevel: opts.logStream ? 'info' : (process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
    trustedProxies: opts.trustedProxies ?? [],
    version: 'test',
    sessionTtlHours: 12,
    cookieSecure: false,
    loginRateLimit: opts.loginRateLimit ?? 1000,
    mailboxUrl: opts.mailboxUrl ?? null,
    ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
  })
  let url = ''
  if (opts.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  } else await app.ready()
  return {
    app,
    database,
    deps,
    url,
    addUser: async (role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`) => {
      await createUser(deps, { email, name: `Test ${role}`, role, password: TEST_PASSWORD }, null)
      return email
    },
    close: async () => {
      await app.close()
      await outbox?.stop()
      await database.close()
    },
  }
}

/** Logs in through the API and returns headers (cookie + CSRF) for further `inject` calls. */
export async function loginHeaders(app: FastifyInstance, email: string, password = TEST_PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.find((c) => c.name === 'sb_session')!
  return { cookie: `sb_session=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken }
}
