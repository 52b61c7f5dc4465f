import type { FastifyInstance } from 'fastify'
import type { ServerBackupEndpoint } from '../../services/backup/server-backup.ts'

/**
 * `GET /api/local/backup`: the embedded database's backup, for `npm run servicebook -- backup` on
 * this machine while the server holds the data folder. Not a user route (no session, not in the
 * OpenAPI document): it answers only the bearer token the server published in the data folder
 * (services/backup/server-backup.ts), and 404 when the server has none (PostgreSQL, or starting).
 */
export function registerLocalBackupRoute(app: FastifyInstance, endpoint: () => ServerBackupEndpoint | undefined): void {
  app.get('/api/local/backup', async (req, reply) => {
    const e = endpoint()
    if (!e) return reply.code(404).send({ error: { code: 'not_found', message: 'No local backup endpoint on this server' } })
    if (!e.allows(req.headers.authorization)) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Wrong or missing token' } })
    return reply.header('cache-control', 'no-store').type('application/gzip').send(e.stream())
  })
}
