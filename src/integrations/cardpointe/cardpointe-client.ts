import type { WireResult } from './cardpointe-mapper.ts'

/**
 * Thin typed HTTP calls to the CardPointe Gateway REST API: URLs, Basic auth, the merchant id
 * and the read timeout live here and nowhere else. It never interprets answers (see the
 * mapper) and never retries.
 * [doc: CP-REPO CardPointeGatewayAPI.md, OpenAPI; external-apis.md A2–A3]
 */
export interface CardPointeClientConfig {
  /** Host root, e.g. `https://<site>-uat.cardconnect.com` or the local sandbox. */
  baseUrl: string
  merchantId: string
  username: string
  password: string
  /** NOTE: keep above 32 s, when the gateway itself answers "Timed out" [doc: A8]. */
  readTimeoutMs: number
  fetch?: typeof fetch
}

/** Request fields as CardPointe names them; all strings. `merchid` is added by the client. */
export type AuthRequest = Partial<
  Record<
    | 'account' | 'expiry' | 'amount' | 'currency' | 'capture' | 'orderid' | 'profile' | 'defaultacct'
    | 'cofpermission' | 'cof' | 'cofscheduled' | 'ecomind' | 'cvv2' | 'accttype' | 'bankaba' | 'name'
    | 'address' | 'city' | 'region' | 'country' | 'postal' | 'phone' | 'email' | 'receipt',
    string
  >
> & { amount: string }

export type ProfileRequest = Partial<
  Record<
    | 'account' | 'expiry' | 'profile' | 'defaultacct' | 'profileupdate' | 'accttype' | 'bankaba' | 'name'
    | 'address' | 'city' | 'region' | 'country' | 'postal' | 'phone' | 'email' | 'cofpermission' | 'auoptout',
    string
  >
>

const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])

export class CardPointeClient {
  readonly #config: CardPointeClientConfig
  readonly #fetch: typeof fetch
  readonly #auth: string

  constructor(config: CardPointeClientConfig) {
    this.#config = { ...config, baseUrl: config.baseUrl.replace(/\/+$/, '') }
    this.#fetch = config.fetch ?? fetch
    this.#auth = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`
  }

  get merchantId(): string {
    return this.#config.merchantId
  }

  /** `PUT /` — answers "CardConnect REST Servlet" when the credentials are good. */
  testCredentials(): Promise<WireResult> {
    return this.#send('PUT', '', { merchid: this.#config.merchantId })
  }

  auth(request: AuthRequest): Promise<WireResult> {
    return this.#write('auth', request)
  }

  capture(request: { retref: string; amount?: string }): Promise<WireResult> {
    return this.#write('capture', request)
  }

  void(request: { retref: string; amount?: string }): Promise<WireResult> {
    return this.#write('void', request)
  }

  /** NOTE: path casing is the vendor's: `voidByOrderId` but `inquireByOrderid`. */
  voidByOrderId(request: { orderid: string; amount?: string }): Promise<WireResult> {
    return this.#write('voidByOrderId', request)
  }

  refund(request: { retref: string; amount?: string; orderid?: string }): Promise<WireResult> {
    return this.#write('refund', request)
  }

  inquire(retref: string): Promise<WireResult> {
    return this.#send('GET', `inquire/${seg(retref)}/${seg(this.#config.merchantId)}`)
  }

  /** With `set` the search is limited to this merchant id (`/1`). Answers one object or an array. */
  inquireByOrderid(orderid: string, { set = true }: { set?: boolean } = {}): Promise<WireResult> {
    return this.#send('GET', `inquireByOrderid/${seg(orderid)}/${seg(this.#config.merchantId)}${set ? '/1' : ''}`)
  }

  /** `GET /settlestat`: the batches of a settlement date (`MMDD`) or one batch by id. */
  settlestat(query: { date: string } | { batchid: string }): Promise<WireResult> {
    return this.#send('GET', `settlestat?${new URLSearchParams({ merchid: this.#config.merchantId, ...query })}`)
  }

  /** `GET /funding`: deposits and ACH returns of a date (`MMDD` this year, `YYYYMMDD` before). */
  funding(date: string): Promise<WireResult> {
    return this.#send('GET', `funding?${new URLSearchParams({ merchid: this.#config.merchantId, date })}`)
  }

  saveProfile(request: ProfileRequest): Promise<WireResult> {
    return this.#write('profile', request)
  }

  /** An empty `acctid` (`/profile/<pid>//<mid>`) means every account of the profile. */
  getProfile(profileid: string, acctid = ''): Promise<WireResult> {
    return this.#send('GET', `profile/${seg(profileid)}/${seg(acctid)}/${seg(this.#config.merchantId)}`)
  }

  deleteProfile(profileid: string, acctid = ''): Promise<WireResult> {
    return this.#send('DELETE', `profile/${seg(profileid)}/${seg(acctid)}/${seg(this.#config.merchantId)}`)
  }

  #write(endpoint: string, fields: Record<string, string | undefined>): Promise<WireResult> {
    const body: Record<string, string> = { merchid: this.#config.merchantId }
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) body[k] = v
    return this.#send('PUT', endpoint, body)
  }

  async #send(method: string, path: string, body?: Record<string, string>): Promise<WireResult> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.#config.readTimeoutMs)
    try {
      const response = await this.#fetch(`${this.#config.baseUrl}/cardconnect/rest/${path}`, {
        method,
        headers: {
          authorization: this.#auth,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: controller.signal,
      })
      const text = await response.text()
      const retryAfter = Number(response.headers.get('x-rate-limit-retry-after-seconds'))
      return { kind: 'http', status: response.status, body: parseJson(text), retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null }
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'no_answer', message: `read timeout after ${this.#config.readTimeoutMs} ms` }
      const code = errorCode(error)
      if (code && UNSENT_CODES.has(code)) return { kind: 'not_sent', message: code }
      // fetch refuses some URLs before connecting (e.g. "bad port"): nothing was sent.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : ''
      if (/^(bad port|invalid url)/i.test(cause)) return { kind: 'not_sent', message: cause }
      return { kind: 'no_answer', message: code ?? (error instanceof Error ? error.message : String(error)) }
    } finally {
      clearTimeout(timer)
    }
  }
}

function seg(value: string): string {
  return encodeURIComponent(value)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The system error code behind a fetch failure (undici wraps it in `cause`). */
function errorCode(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return null
}
