import { z } from 'zod'

/**
 * CardPointe settings from the environment. The defaults point at the local sandbox
 * (`npm run sandbox:cardpointe`) with the vendor's public UAT test merchant; set all four of
 * URL, merchant id, user and password to talk to the real gateway, e.g.
 * `CARDPOINTE_URL=https://<site>-uat.cardconnect.com`.
 */
const CardPointeEnvSchema = z.object({
  /** Host root; the client appends `/cardconnect/rest/...`. */
  CARDPOINTE_URL: z.url().default('http://127.0.0.1:3101'),
  CARDPOINTE_MERCHANT_ID: z.string().regex(/^\d{1,16}$/, 'must be 1 to 16 digits').default('496160873888'),
  CARDPOINTE_USERNAME: z.string().min(1).default('testing'),
  CARDPOINTE_PASSWORD: z.string().min(1).default('testing123'),
  /** NOTE: must stay above the gateway's own 32 s "Timed out" mark [doc: external-apis.md A8]. */
  CARDPOINTE_READ_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(40_000),
  CARDPOINTE_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3101),
})

export type CardPointeEnv = z.infer<typeof CardPointeEnvSchema>

/** Parses the CardPointe variables; throws one readable error naming every bad one. */
export function readCardPointeEnv(source: Record<string, string | undefined> = process.env): CardPointeEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('CARDPOINTE_') && v !== undefined && v !== ''))
  const parsed = CardPointeEnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid CardPointe configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

/** The client settings (see `CardPointeClientConfig`) from parsed variables; wired in main.ts. */
export function cardPointeClientSettings(env: CardPointeEnv) {
  return {
    baseUrl: env.CARDPOINTE_URL,
    merchantId: env.CARDPOINTE_MERCHANT_ID,
    username: env.CARDPOINTE_USERNAME,
    password: env.CARDPOINTE_PASSWORD,
    readTimeoutMs: env.CARDPOINTE_READ_TIMEOUT_MS,
  }
}
