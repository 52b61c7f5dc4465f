import { isIP } from 'node:net'
import { z } from 'zod'

/** An entry of Fastify's trustProxy list: an IP address, a CIDR range, or one of proxy-addr's names. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true
  const [ip = '', bits, ...rest] = entry.split('/')
  const version = isIP(ip)
  if (!version || rest.length) return false
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128))
}

/** Every environment variable the app server reads. Documented in README.md → Configuration. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(128),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(12),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  PUBLIC_URL: z.url().optional(),
  // Bearer token of GET /metrics (Prometheus); unset: the endpoint is off.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // SIGTERM: how long charges in flight, requests and the outbox get before the process exits anyway.
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // NOTE: unset = no proxy is trusted: X-Forwarded-For/-Proto/-Host are ignored, so a client cannot choose
  // the address that rate limits, signature records, the audit trail and logs see.
  TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((list) => list.every(isProxyAddress), {
      error: 'must be a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.5,10.1.0.0/16), or loopback, linklocal, uniquelocal',
    })
    .default([]),
})

export type AppEnv = z.infer<typeof EnvSchema>

/** Parses `process.env` (or a given record); throws one readable error naming every bad variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): AppEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
