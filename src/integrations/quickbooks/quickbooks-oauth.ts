import { randomBytes } from 'node:crypto'

/**
 * Intuit's OAuth 2.0 authorization-code flow [doc: external-apis.md B2; intuit/oauth-jsclient]:
 * the consent URL with a `state` we check on return, the code exchange and the refresh, both
 * form-encoded with HTTP Basic client auth, and revoke. URLs come from configuration
 * (`quickBooksHosts`), so the same code talks to Intuit or to the local sandbox.
 *
 * Refresh tokens rotate: every refresh may return a new one and the one used stops working
 * (`invalid_grant`). Always store the newest, and never run two refreshes of one connection
 * at once (`MemoryTokenSource` serializes them in one process; the app must do it across
 * processes).
 */
export interface QuickBooksOAuthConfig {
  clientId: string
  clientSecret: string
  redirectUri: string
  hosts: { authorizeUrl: string; tokenUrl: string; revokeUrl: string }
  readTimeoutMs?: number
  fetch?: typeof fetch
}

export interface TokenSet {
  realmId: string
  accessToken: string
  refreshToken: string
  accessExpiresAt: Date
  refreshExpiresAt: Date
  /** The connection's hard end (Intuit's 5-year cap), when Intuit says it. */
  refreshHardExpiresAt: Date | null
}

export type TokenOutcome =
  | { status: 'ok'; tokens: TokenSet }
  /** The code or refresh token is used, superseded, revoked or expired: the company must reconnect. */
  | { status: 'invalid_grant'; message: string }
  /** Client id/secret or redirect URI are wrong (invalid_client, invalid_request). */
  | { status: 'misconfigured'; message: string }
  /** Intuit did not answer usefully; nothing changed. Try again. */
  | { status: 'retryable'; message: string }

export type CallbackResult =
  | { status: 'ok'; code: string; realmId: string }
  /** The person pressed Cancel, or Intuit refused (error=access_denied, invalid_scope…). */
  | { status: 'denied'; error: string }
  /** `state` missing or not ours: a forged or stale callback. */
  | { status: 'bad_state' }

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting'

export class QuickBooksOAuth {
  readonly #config: QuickBooksOAuthConfig
  readonly #fetch: typeof fetch

  constructor(config: QuickBooksOAuthConfig) {
    this.#config = config
    this.#fetch = config.fetch ?? fetch
  }

  /** A fresh unguessable `state`; keep it (session, short-lived row) and check it on return. */
  static newState(): string {
    return randomBytes(32).toString('base64url')
  }

  authorizeUrl({ state, scopes = [ACCOUNTING_SCOPE] }: { state: string; scopes?: string[] }): string {
    const url = new URL(this.#config.hosts.authorizeUrl)
    url.search = new URLSearchParams({ client_id: this.#config.clientId, response_type: 'code', scope: scopes.join(' '), redirect_uri: this.#config.redirectUri, state }).toString()
    return url.toString()
  }

  /** Reads the redirect back (`code`, `state`, `realmId`, or `error`), checking `state`. */
  parseCallback(query: URLSearchParams | Record<string, string | undefined>, expectedState: string): CallbackResult {
    const get = (k: string) => (query instanceof URLSearchParams ? query.get(k) : query[k]) ?? ''
    if (!expectedState || get('state') !== expectedState) return { status: 'bad_state' }
    if (get('error')) return { status: 'denied', error: get('error') }
    if (!get('code') || !get('realmId')) return { status: 'denied', error: 'missing_code' }
    return { status: 'ok', code: get('code'), realmId: get('realmId') }
  }

  exchangeCode({ code, realmId }: { code: string; realmId: string }): Promise<TokenOutcome> {
    return this.#tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: this.#config.redirectUri }, realmId)
  }

  refresh({ refreshToken, realmId }: { refreshToken: string; realmId: string }): Promise<TokenOutcome> {
    return this.#tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, realmId)
  }

  /** Ends the connection at Intuit (revoking either token revokes the grant). */
  async revoke(token: string): Promise<{ status: 'ok' } | { status: 'retryable' | 'misconfigured'; message: string }> {
    const answer = await this.#post(this.#config.hosts.revokeUrl, JSON.stringify({ token }), 'application/json')
    if ('error' in answer) return { status: 'retryable', message: answer.error }
    if (answer.status === 200) return { status: 'ok' }
    return { status: answer.status === 401 ? 'misconfigured' : 'retryable', message: `revoke answered HTTP ${answer.status}: ${answer.text.slice(0, 200)}` }
  }

  async #tokenRequest(form: Record<string, string>, realmId: string): Promise<TokenOutcome> {
    const sentAt = Date.now()
    const answer = await this.#post(this.#config.hosts.tokenUrl, new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded')
    if ('error' in answer) return { status: 'retryable', message: answer.error }
    let body: Record<string, unknown> = {}
    try {
      body = JSON.parse(answer.text) as Record<string, unknown>
    } catch {
      // not JSON: judged by status below
    }
    if (answer.status === 200 && typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
      const seconds = (k: string) => (typeof body[k] === 'number' ? (body[k] as number) : null)
      const hard = seconds('x_refresh_token_hard_expires_in')
      return {
        status: 'ok',
        tokens: {
          realmId,
          accessToken: body.access_token,
          refreshToken: body.refresh_token,
          accessExpiresAt: new Date(sentAt + (seconds('expires_in') ?? 3600) * 1000),
          refreshExpiresAt: new Date(sentAt + (seconds('x_refresh_token_expires_in') ?? 8_726_400) * 1000),
          refreshHardExpiresAt: hard === null ? null : new Date(sentAt + hard * 1000),
        },
      }
    }
    const error = typeof body.error === 'string' ? body.error : ''
    const message = `token endpoint answered HTTP ${answer.status}${error ? ` ${error}` : ''}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`
    if (error === 'invalid_grant') return { status: 'invalid_grant', message }
    if (answer.status === 401 || error === 'invalid_client' || error === 'invalid_request' || error === 'unsupported_grant_type') return { status: 'misconfigured', message }
    return { status: 'retryable', message }
  }

  async #post(url: string, body: string, contentType: string): Promise<{ status: number; text: string } | { error: string }> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.#config.readTimeoutMs ?? 30_000)
    try {
      const res = await this.#fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.#config.clientId}:${this.#config.clientSecret}`).toString('base64')}`,
          'content-type': contentType,
          accept: 'application/json',
          'x-include-refresh-token-hard-expires-in': 'true',
        },
        body,
        signal: controller.signal,
      })
      return { status: res.status, text: await res.text() }
    } catch (error) {
      return { error: controller.signal.aborted ? 'timeout' : error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error) }
    } finally {
      clearTimeout(timer)
    }
  }
}

/** What the API client needs from whoever keeps a connection's tokens. */
export interface AccessTokenSource {
  /** A usable access token (refreshed first when it is about to expire). */
  accessToken(): Promise<TokenLease>
  /**
   * QuickBooks refused `rejected` (401): refresh once and give the new token, or the one a
   * concurrent refresh already produced.
   */
  refreshAfterRejection(rejected: string): Promise<TokenLease>
}

export type TokenLease =
  | { status: 'ok'; accessToken: string }
  | { status: 'unauthorized'; needsReconnect: boolean; message: string }
  | { status: 'retryable'; message: string }

/**
 * Tokens of one connection held in memory, refreshed before expiry with one refresh in flight
 * at a time; `onRotate` is awaited with every new set so the caller can store it (encrypted)
 * before the new tokens are used.
 */
export class MemoryTokenSource implements AccessTokenSource {
  readonly #oauth: QuickBooksOAuth
  readonly #onRotate: (tokens: TokenSet) => Promise<void> | void
  readonly #marginMs: number
  #tokens: TokenSet
  #refreshing: Promise<TokenLease> | null = null
  #dead: string | null = null

  constructor(oauth: QuickBooksOAuth, tokens: TokenSet, options: { onRotate?: (tokens: TokenSet) => Promise<void> | void; refreshMarginMs?: number } = {}) {
    this.#oauth = oauth
    this.#tokens = tokens
    this.#onRotate = options.onRotate ?? (() => {})
    this.#marginMs = options.refreshMarginMs ?? 5 * 60_000
  }

  get tokens(): TokenSet {
    return this.#tokens
  }

  accessToken(): Promise<TokenLease> {
    if (this.#dead) return Promise.resolve({ status: 'unauthorized', needsReconnect: true, message: this.#dead })
    if (this.#tokens.accessExpiresAt.getTime() - Date.now() > this.#marginMs) return Promise.resolve({ status: 'ok', accessToken: this.#tokens.accessToken })
    return this.#refresh()
  }

  refreshAfterRejection(rejected: string): Promise<TokenLease> {
    if (this.#dead) return Promise.resolve({ status: 'unauthorized', needsReconnect: true, message: this.#dead })
    if (this.#tokens.accessToken !== rejected) return Promise.resolve({ status: 'ok', accessToken: this.#tokens.accessToken })
    return this.#refresh()
  }

  #refresh(): Promise<TokenLease> {
    this.#refreshing ??= (async (): Promise<TokenLease> => {
      try {
        const outcome = await this.#oauth.refresh({ refreshToken: this.#tokens.refreshToken, realmId: this.#tokens.realmId })
        if (outcome.status === 'ok') {
          await this.#onRotate(outcome.tokens)
          this.#tokens = outcome.tokens
          return { status: 'ok', accessToken: outcome.tokens.accessToken }
        }
        if (outcome.status === 'retryable') return { status: 'retryable', message: outcome.message }
        this.#dead = outcome.message
        return { status: 'unauthorized', needsReconnect: true, message: outcome.message }
      } finally {
        this.#refreshing = null
      }
    })()
    return this.#refreshing
  }
}
