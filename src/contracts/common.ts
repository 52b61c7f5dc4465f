import { z } from 'zod'

/** Shared field rules: the API validates with these and the web app shows the same messages inline. */
// NOTE: PostgreSQL text cannot hold NUL; refuse it here so it is a 422, not a database error.
const noNul = (s: string) => !s.includes('\u0000')
const NO_NUL = { error: 'must not contain NUL characters' }

export const requiredText = (max: number) =>
  z
    .string({ error: 'is required' })
    .trim()
    .min(1, { error: 'is required' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine(noNul, NO_NUL)

export const optionalText = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .refine(noNul, NO_NUL)

export const email = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be a valid email address' }))

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{7,20}$/, { error: 'must be a phone number (digits, spaces, + - . ( ) only)' })

export const PageQuery = z.object({
  page: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be 1 or more' }).max(100000).default(1),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, { error: 'must be 1 or more' })
    .max(200, { error: 'must be at most 200' })
    .default(25),
})

export interface Page<T> {
  items: T[]
  page: number
  pageSize: number
  total: number
}

/** Turns zod issues into `{ "a.b.0": "reason" }`, first reason per field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_'
    if (!(key in out)) out[key] = issue.message
  }
  return out
}

/** A record id in a URL path (`cus_01h…`): letters, digits, `_` and `-` only. */
export const IdParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'is not a valid id' }),
})

/** One entry of an audit trail, as the `/history` endpoints return it. */
export interface AuditEventDto {
  id: string
  action: string
  actorUserId: string | null
  actorName: string | null
  details: unknown
  createdAt: string
}
