import { z } from 'zod'

/**
 * QuickBooks Online settings from the environment. By default (`QUICKBOOKS_ENVIRONMENT=local`)
 * Servicebook talks to the local sandbox (`npm run sandbox:quickbooks`, started by `npm start`)
 * with the sandbox's own client id and secret. To connect a real company, set
 * `QUICKBOOKS_ENVIRONMENT=sandbox` (Intuit's development keys and sandbox companies) or
 * `production`, with the app's QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET, the
 * QUICKBOOKS_REDIRECT_URI registered with Intuit, and a QUICKBOOKS_TOKEN_KEY for tokens at rest.
 * [doc: external-apis.md B1–B3]
 */
const SANDBOX_CLIENT = { id: 'ABsandboxServicebookClientId0000000000000000000000', secret: 'sandbox-client-secret' }

const QuickBooksEnvSchema = z
  .object({
    QUICKBOOKS_ENVIRONMENT: z.enum(['local', 'sandbox', 'production']).default('local'),
    QUICKBOOKS_CLIENT_ID: z.string().min(1).optional(),
    QUICKBOOKS_CLIENT_SECRET: z.string().min(1).optional(),
    /** Where Intuit sends people back after consent; must be registered with the app at Intuit. */
    QUICKBOOKS_REDIRECT_URI: z.url().optional(),
    /** 32 bytes, base64 or hex: encrypts OAuth tokens at rest (AES-256-GCM). */
    QUICKBOOKS_TOKEN_KEY: z
      .string()
      .refine((v) => parseTokenKey(v) !== null, 'must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)')
      .optional(),
    /** Local only: the sandbox's root URL. */
    QUICKBOOKS_LOCAL_URL: z.url().default('http://127.0.0.1:3102'),
    QUICKBOOKS_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3102),
    QUICKBOOKS_MINOR_VERSION: z.coerce.number().int().min(1).max(999).default(75),
    QUICKBOOKS_READ_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(30_000),
  })
  .superRefine((env, ctx) => {
    if (env.QUICKBOOKS_ENVIRONMENT === 'local') return
    for (const key of ['QUICKBOOKS_CLIENT_ID', 'QUICKBOOKS_CLIENT_SECRET', 'QUICKBOOKS_REDIRECT_URI', 'QUICKBOOKS_TOKEN_KEY'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when QUICKBOOKS_ENVIRONMENT is ${env.QUICKBOOKS_ENVIRONMENT}` })
    }
  })

export type QuickBooksEnv = z.infer<typeof QuickBooksEnvSchema>

/** Parses the QuickBooks variables; throws one readable error naming every bad one. */
export function readQuickBooksEnv(source: Record<string, string | undefined> = process.env): QuickBooksEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('QUICKBOOKS_') && v !== undefined && v !== ''))
  const parsed = QuickBooksEnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid QuickBooks configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

/** Intuit's hosts per environment; `local` puts every one on the local sandbox. */
export interface QuickBooksHosts {
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
  /** API root; the client appends `/v3/company/{realmId}/…`. */
  apiBaseUrl: string
}

export function quickBooksHosts(environment: QuickBooksEnv['QUICKBOOKS_ENVIRONMENT'], localUrl = 'http://127.0.0.1:3102'): QuickBooksHosts {
  if (environment === 'local') {
    const root = localUrl.replace(/\/+$/, '')
    return { authorizeUrl: `${root}/connect/oauth2`, tokenUrl: `${root}/oauth2/v1/tokens/bearer`, revokeUrl: `${root}/v2/oauth2/tokens/revoke`, apiBaseUrl: root }
  }
  return {
    authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    apiBaseUrl: environment === 'production' ? 'https://quickbooks.api.intuit.com' : 'https://sandbox-quickbooks.api.intuit.com',
  }
}

/** The client settings (see `QuickBooksOAuthConfig` / `QuickBooksClientConfig`); wired in main.ts. */
export function quickBooksSettings(env: QuickBooksEnv) {
  return {
    environment: env.QUICKBOOKS_ENVIRONMENT,
    clientId: env.QUICKBOOKS_CLIENT_ID ?? SANDBOX_CLIENT.id,
    clientSecret: env.QUICKBOOKS_CLIENT_SECRET ?? SANDBOX_CLIENT.secret,
    /** Null locally: the app derives it from PUBLIC_URL. */
    redirectUri: env.QUICKBOOKS_REDIRECT_URI ?? null,
    tokenKey: env.QUICKBOOKS_TOKEN_KEY ? parseTokenKey(env.QUICKBOOKS_TOKEN_KEY) : null,
    hosts: quickBooksHosts(env.QUICKBOOKS_ENVIRONMENT, env.QUICKBOOKS_LOCAL_URL),
    minorVersion: env.QUICKBOOKS_MINOR_VERSION,
    readTimeoutMs: env.QUICKBOOKS_READ_TIMEOUT_MS,
  }
}

/** A 32-byte key from 64 hex digits or base64; null when it is neither. */
export function parseTokenKey(value: string): Buffer | null {
  const v = value.trim()
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex')
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(v)) {
    const key = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    return key.length === 32 ? key : null
  }
  return null
}
