import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { fieldErrors } from '../contracts/common.ts'
import type { Role } from '../contracts/users.ts'
import { AppError } from '../domain/errors.ts'
import type { AuthenticatedSession } from '../services/auth/sessions.ts'

/** Who may call a route: nobody logged in needed (`public`), or a logged-in user with one of the roles. */
export type Access = 'public' | readonly Role[]

export const ANY_ROLE: readonly Role[] = ['admin', 'office', 'technician']
export const OFFICE: readonly Role[] = ['admin', 'office']
export const ADMIN: readonly Role[] = ['admin']

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteContext<P, Q, B> {
  params: P
  query: Q
  body: B
  /** The logged-in user's session; present on every non-public route. */
  auth: AuthenticatedSession
  req: FastifyRequest
  reply: FastifyReply
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method
  url: string
  summary: string
  tag: string
  access: Access
  params?: z.ZodType<P>
  query?: z.ZodType<Q>
  body?: z.ZodType<B>
  /** HTTP status on success (default 200). */
  status?: number
  /** Longer OpenAPI description: the answer's shape and what the client is expected to do. */
  description?: string
  /** Refusals worth documenting beyond 401/403/404/422, by status, e.g. `{ 409: 'schedule_conflicts: …' }`. */
  errors?: Record<number, string>
  /**
   * Per-route rate limit: requests per minute per key. The key is built from the input as the route's
   * schemas read it (trimmed, lower-cased emails...), so spelling a value differently gives no fresh
   * attempts; requests whose input fails validation share one key per client address.
   */
  rateLimit?: { max: number; key: (input: { ip: string; params: P; body: B }) => string }
  handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown>
}

/** Declares a route; the type parameters flow from the zod schemas into the handler. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec
}

export type AnyRoute = RouteSpec<any, any, any>

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthenticatedSession
  }
}

function safeParse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string) {
  return schema ? schema.safeParse(value ?? (where === 'body' ? undefined : {})) : ({ success: true, data: undefined as T } as const)
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  const result = safeParse(schema, value, where)
  if (result.success) return result.data
  const fields = fieldErrors(result.error)
  const names = Object.keys(fields)
  throw new AppError('validation', 'validation_failed', `Invalid ${where}: ${names.map((n) => `${n} ${fields[n]}`).join('; ')}`, { fields })
}

/** The rate-limit key of a request: from its validated input, or one key per address for invalid input. */
function rateLimitKey(route: AnyRoute) {
  return (req: FastifyRequest): string => {
    const params = safeParse(route.params, req.params, 'path parameters')
    const body = safeParse(route.body, req.body, 'body')
    if (!params.success || !body.success) return `invalid-input|${req.ip}`
    return route.rateLimit!.key({ ip: req.ip, params: params.data, body: body.data })
  }
}

/** Registers the routes, enforcing access (401/403) and CSRF before any input is parsed. */
export function registerRoutes(app: FastifyInstance, routes: AnyRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.rateLimit
        ? { config: { rateLimit: { max: route.rateLimit.max, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: rateLimitKey(route) } } }
        : {}),
      handler: async (req, reply) => {
        if (route.access !== 'public') {
          if (!req.auth) throw new AppError('unauthorized', 'not_logged_in', 'Log in to continue')
          if (!route.access.includes(req.auth.user.role))
            throw new AppError('forbidden', 'forbidden', `This needs the ${route.access.join(' or ')} role`)
          if (route.method !== 'GET' && req.headers['x-csrf-token'] !== req.auth.csrfToken)
            throw new AppError('forbidden', 'csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the page')
        }
        const params = parse(route.params, req.params, 'path parameters')
        const query = parse(route.query, req.query, 'query')
        const body = parse(route.body, req.body, 'body')
        const result = await route.handler({ params, query, body, auth: req.auth!, req, reply })
        if (reply.sent) return reply
        reply.code(route.status ?? 200)
        return result ?? { ok: true }
      },
    })
  }
}
