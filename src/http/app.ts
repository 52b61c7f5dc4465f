import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../config/project-root.ts'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { DatabaseHandle } from '../db/database.ts'
import type { ServiceDeps } from '../services/deps.ts'
import { findSession } from '../services/auth/sessions.ts'
import { installErrorHandler } from './error-handler.ts'
import { buildOpenApi } from './openapi.ts'
import { registerRoutes, type AnyRoute } from './route.ts'
import { requestLogSerializer } from './log-redaction.ts'
import { authRoutes, SESSION_COOKIE, type AuthRouteOptions } from './routes/auth.routes.ts'
import { customersRoutes } from './routes/customers.routes.ts'
import { agreementsRoutes } from './routes/agreements.routes.ts'
import { notificationsRoutes } from './routes/notifications.routes.ts'
import { quotesRoutes } from './routes/quotes.routes.ts'
import { signupRoutes } from './routes/signup.routes.ts'
import { emailsRoutes, type SystemRouteOptions } from './routes/emails.routes.ts'
import { plansRoutes } from './routes/plans.routes.ts'
import { settingsRoutes } from './routes/settings.routes.ts'
import { billingRoutes } from './routes/billing.routes.ts'
import { reconciliationRoutes } from './routes/reconciliation.routes.ts'
import { usersRoutes } from './routes/users.routes.ts'
import { quickbooksRoutes } from './routes/quickbooks.routes.ts'
import { schedulingRoutes } from './routes/scheduling.routes.ts'
import { techniciansRoutes } from './routes/technicians.routes.ts'
import { renewalsRoutes } from './routes/renewals.routes.ts'
import { dashboardRoutes } from './routes/dashboard.routes.ts'
import { searchRoutes } from './routes/search.routes.ts'
import { registerOperationsRoutes } from './metrics-routes.ts'

export type ApiRouteOptions = AuthRouteOptions & SystemRouteOptions

export interface AppOptions extends AuthRouteOptions, SystemRouteOptions {
  logLevel: string
  /** Where the JSON log lines go (default stdout). */
  logStream?: { write(line: string): void }
  version: string
  /**
   * Proxies whose X-Forwarded-For/-Proto/-Host headers are believed (addresses or CIDR ranges, as
   * Fastify's trustProxy takes them). Empty (the default): the client address is the socket's.
   */
  trustedProxies?: readonly string[]
  /** Folder of the built web app; served with index.html as the fallback for client-side routes. */
  webDist?: string
  /** Bearer token of GET /metrics (METRICS_TOKEN); unset: no metrics endpoint. */
  metricsToken?: string
}

/** Every API route, in one list: the server, the OpenAPI document and the role-matrix test all read it. */
export function apiRoutes(deps: ServiceDeps, opts: ApiRouteOptions): AnyRoute[] {
  return [
    ...authRoutes(deps, opts),
    ...usersRoutes(deps),
    ...customersRoutes(deps),
    ...plansRoutes(deps),
    ...settingsRoutes(deps),
    ...quotesRoutes(deps),
    ...signupRoutes(deps),
    ...agreementsRoutes(deps),
    ...notificationsRoutes(deps),
    ...emailsRoutes(deps, opts),
    ...billingRoutes(deps),
    ...quickbooksRoutes(deps),
    ...reconciliationRoutes(deps),
    ...techniciansRoutes(deps),
    ...schedulingRoutes(deps),
    ...renewalsRoutes(deps),
    ...dashboardRoutes(deps),
    ...searchRoutes(deps),
  ] as AnyRoute[]
}

export const defaultWebDist = join(projectRoot, 'web/dist/')

/** Builds the HTTP server: security headers, sessions, the API, its docs, health and the web app. */
export async function buildApp(deps: ServiceDeps, database: DatabaseHandle, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      // NOTE: never log bodies or cookies: they may hold passwords or payment tokens.
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
      serializers: { req: requestLogSerializer },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    trustProxy: opts.trustedProxies?.length ? [...opts.trustedProxies] : false,
    bodyLimit: 1024 * 1024,
    // Router-level errors (bad URL encoding, over-long path parameters) in the same error shape.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const code = String(err.code ?? 'bad_request').toLowerCase().replace(/^fst_err_/, '')
      reply.code(err.statusCode ?? 400).send({ error: { code, message: err.message.replace(/^FST_\w+: /, ''), details: null } })
    },
  })
  installErrorHandler(app)
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'self'"],
        // The hosted sign-up page embeds the gateway's iFrame tokenizer (card numbers never touch us).
        frameSrc: ["'self'", new URL(deps.gatewayBrowserUrl).origin],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
  })
  await app.register(cookie)
  await app.register(rateLimit, { global: false })

  // NOTE: HTTPS is known from PUBLIC_URL (people reach us at an https:// address) or from the request:
  // TLS on the socket, or X-Forwarded-Proto from a proxy in TRUSTED_PROXIES (a client's own is ignored).
  // Browsers ignore HSTS received over plain HTTP, so sending it per PUBLIC_URL is safe.
  const publicHttps = deps.publicUrl.startsWith('https:')
  app.addHook('onRequest', async (req, reply) => {
    // API answers carry customer data and session state: no browser or proxy keeps a copy.
    // A route may still set its own (the company logo is an ordinary image).
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store')
    if (publicHttps || req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
    const token = req.cookies[SESSION_COOKIE]
    if (token) req.auth = await findSession(deps, token)
  })

  const routes = apiRoutes(deps, opts)
  registerRoutes(app, routes)
  const openapi = buildOpenApi(routes, opts.version)
  app.get('/api/docs', async () => openapi)
  app.get('/api/docs/openapi.json', async () => openapi)

  registerOperationsRoutes(app, database, opts.metricsToken)
  app.get('/health', async (_req, reply) => {
    try {
      await database.ping()
      return { status: 'ok', database: database.backend }
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: database.backend })
    }
  })

  const webDist = opts.webDist ?? defaultWebDist
  const serveWeb = existsSync(webDist)
  if (serveWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] })
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]
    // Client-side routes of the web app get index.html; unknown API paths and files get a JSON 404.
    if (serveWeb && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !/\.\w+$/.test(path))
      return reply.type('text/html').sendFile('index.html')
    return reply.code(404).send({ error: { code: 'route_not_found', message: `No route ${req.method} ${path}`, details: null } })
  })
  return app
}
