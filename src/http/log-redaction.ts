import type { FastifyRequest } from 'fastify'

/** Our ids (`cus_01j…`, `pm_…`): kept in logs, so a line still says what a request was about. */
const OUR_ID = /^[a-z]{2,3}_[0-9a-z]{26}$/
/** A random token: 20 or more characters of the base64url (or hex) alphabet. */
const TOKEN_LIKE = /^[A-Za-z0-9_-]{20,}$/
/** Query parameters whose value is a secret whatever it looks like. */
const SECRET_NAME = /token|secret|passw|key|code|sig|auth/i

const isSecret = (value: string) => TOKEN_LIKE.test(value) && !OUR_ID.test(value)
const decoded = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Secrets never reach the request log, by rule rather than per route: customer links carry theirs
 * in the path (`/q/<token>`, `/pay/<token>`, `/api/signup/<token>`, `/api/pay/<token>`), and a
 * route added tomorrow will too. Any path segment or query value that looks like a token is shown
 * as `[secret]`, and so is any query value whose name says secret (token, key, code, password…).
 */
export function maskSecrets(url: string): string {
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q))
    .split('/')
    .map((segment) => (isSecret(decoded(segment)) ? '[secret]' : segment))
    .join('/')
  if (q < 0) return path
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const [name, value] = eq < 0 ? ['', pair] : [pair.slice(0, eq), pair.slice(eq + 1)]
      return SECRET_NAME.test(decoded(name)) || isSecret(decoded(value)) ? `${eq < 0 ? '' : `${name}=`}[secret]` : pair
    })
    .join('&')
  return `${path}?${query}`
}

/** Fastify's default request log fields, with secrets masked. */
export function requestLogSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: maskSecrets(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }
}
