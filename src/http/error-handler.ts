import type { FastifyError, FastifyInstance } from 'fastify'
import { AppError, type ErrorKind } from '../domain/errors.ts'

const STATUS: Record<ErrorKind, number> = {
  not_found: 404,
  validation: 422,
  not_allowed: 409,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  integration: 502,
}

/** The one place errors become HTTP responses: `{ error: { code, message, details } }`, never a stack trace. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      return reply.code(STATUS[err.kind]).send({ error: { code: err.code, message: err.message, details: err.details ?? null } })
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status === 429) {
      return reply.code(429).send({ error: { code: 'rate_limited', message: 'Too many attempts; wait a minute and try again', details: null } })
    }
    if (status >= 400 && status < 500) {
      // Fastify's own request errors: malformed JSON, wrong content type, body too large...
      const code = (err.code ?? 'bad_request').toLowerCase().replace(/^fst_err_/, '')
      return reply.code(status).send({ error: { code, message: err.message.replace(/^FST_\w+: /, ''), details: null } })
    }
    // Safety net: a PostgreSQL "data exception" (class 22: bad encoding, value out of range...) comes
    // from a value the request sent that validation let through. Log it as a bug, answer 422.
    const sqlState = (err as { code?: unknown }).code
    if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
      req.log.warn({ err }, 'database rejected a request value')
      return reply.code(422).send({ error: { code: 'invalid_value', message: 'A value in the request cannot be stored', details: null } })
    }
    req.log.error({ err }, 'unhandled error')
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged', details: null } })
  })
}
