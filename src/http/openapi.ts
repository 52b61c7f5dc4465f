import { z } from 'zod'
import type { AnyRoute } from './route.ts'

const ErrorShape = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>

/** Builds the OpenAPI 3.1 document from the same route declarations that serve the API. */
export function buildOpenApi(routes: AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}')
    const parameters: unknown[] = []
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue
      const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] }
      for (const [name, s] of Object.entries(js.properties ?? {}))
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s })
    }
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: { description: 'Success' },
      '422': { description: 'Invalid input; details.fields names each bad field', content: { 'application/json': { schema: ErrorShape } } },
    }
    if (r.access !== 'public') {
      responses['401'] = { description: 'Not logged in', content: { 'application/json': { schema: ErrorShape } } }
      responses['403'] = { description: 'Role not allowed or CSRF token missing', content: { 'application/json': { schema: ErrorShape } } }
    }
    if (r.url.includes(':id')) responses['404'] = { description: 'Unknown id', content: { 'application/json': { schema: ErrorShape } } }
    for (const [status, description] of Object.entries(r.errors ?? {})) responses[status] = { description, content: { 'application/json': { schema: ErrorShape } } }
    paths[path] ??= {}
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      'x-roles': r.access === 'public' ? ['public'] : r.access,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Servicebook API',
      version,
      description:
        'Office API. Log in with POST /api/auth/login (sets an HTTP-only session cookie); send the returned csrfToken as X-CSRF-Token on every POST, PUT, PATCH and DELETE.',
    },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sb_session' } } },
    security: [{ session: [] }],
    paths,
  }
}
