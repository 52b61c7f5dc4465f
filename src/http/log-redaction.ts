import type { FastifyRequest } from 'fastify'

/**
 * Customer sign-up links carry their secret in the path (`/q/<token>`, `/api/signup/<token>`).
 * Request logs keep the route but never the token.
 */
export function maskLinkTokens(url: string): string {
  return url.replace(/^(\/q\/|\/api\/signup\/)[^/?#]+/, '$1[token]')
}

/** Fastify's default request log fields, with sign-up tokens masked. */
export function requestLogSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: maskLinkTokens(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }
}
