import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { DatabaseHandle } from '../db/database.ts'
import { collectDatabaseMetrics, httpDuration, pendingMigrations, registry } from '../services/metrics/metrics.ts'

/**
 * Operations endpoints, outside /api:
 * - GET /metrics: Prometheus text, only with `Authorization: Bearer <METRICS_TOKEN>`; without
 *   METRICS_TOKEN set the endpoint does not exist (404);
 * - GET /health/live: the process answers (restart it when this fails);
 * - GET /health/ready: the database answers and has every migration this server knows (send it
 *   traffic only then); 503 otherwise, and while shutting down (Fastify answers 503 once closing).
 * Every request's latency is observed by route pattern (`/api/customers/:id`), never the raw URL.
 */
export function registerOperationsRoutes(app: FastifyInstance, database: DatabaseHandle, metricsToken: string | undefined): void {
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  const digest = (s: string) => createHash('sha256').update(s).digest()
  const expected = metricsToken ? digest(metricsToken) : null
  app.get('/metrics', async (req, reply) => {
    if (!expected) return reply.code(404).send({ error: { code: 'route_not_found', message: 'No route GET /metrics (set METRICS_TOKEN to turn metrics on)', details: null } })
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: { code: 'unauthorized', message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>', details: null } })
    }
    // Database-backed gauges are left at their last values if the database does not answer.
    await collectDatabaseMetrics(database.db).catch((err: unknown) => req.log.warn({ err }, 'metrics: database gauges not refreshed'))
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(await registry.metrics())
  })

  app.get('/health/live', async () => ({ status: 'ok' }))
  app.get('/health/ready', async (_req, reply) => {
    try {
      await database.ping()
      const pending = await pendingMigrations(database.db)
      if (pending.length) return reply.code(503).send({ status: 'unavailable', database: database.backend, reason: 'migrations_pending', pending })
      return { status: 'ok', database: database.backend }
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: database.backend, reason: 'database_unreachable' })
    }
  })
}
