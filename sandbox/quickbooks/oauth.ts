import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Books } from './books.ts'
import type { Store } from './store.ts'
import { authFault, type Json, type Reply } from './wire.ts'

/**
 * Intuit's OAuth 2.0 authorization-code flow as the sandbox serves it [doc: external-apis.md B2;
 * intuit/oauth-jsclient]: the consent page at `/connect/oauth2` (Connect redirects back with
 * `code`, `state` and `realmId`), the token endpoint `/oauth2/v1/tokens/bearer` (form-encoded,
 * HTTP Basic client auth; `authorization_code` and `refresh_token` grants) and revoke at
 * `/v2/oauth2/tokens/revoke`.
 *
 * Access tokens live one hour. Every refresh returns a NEW refresh token and supersedes the
 * one used: presenting a superseded, revoked or expired refresh token answers 400
 * `{"error":"invalid_grant"}`, so two processes refreshing at once lose one of them. Revoking
 * either token ends the whole connection (grant).
 */
export interface OAuthApp {
  clientId: string
  clientSecret: string
  /** Registered redirect URIs; empty = any http://localhost, http://127.0.0.1 or https URI. */
  redirectUris: string[]
}

export interface OAuthOptions {
  accessTokenTtlSeconds: number
  /** Rolling lifetime of a refresh token (Intuit: about 100 days). */
  refreshTokenTtlSeconds: number
  /** Hard maximum life of a connection's refresh tokens (Intuit: 5 years, from 2025). */
  refreshTokenMaxLifeSeconds: number
}

export const OAUTH_DEFAULTS: OAuthOptions = {
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 8_726_400,
  refreshTokenMaxLifeSeconds: 5 * 365 * 24 * 3600,
}

type TokenRecord =
  | { kind: 'code'; clientId: string; redirectUri: string; realmId: string; scope: string; expiresAt: number; used: boolean }
  | { kind: 'access'; clientId: string; realmId: string; grantId: string; issuedAt: number; expiresAt: number }
  | { kind: 'refresh'; clientId: string; realmId: string; grantId: string; expiresAt: number; hardExpiresAt: number; status: 'active' | 'superseded' }

const ACCOUNTING_SCOPES = ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment']

export class OAuth {
  readonly #store: Store
  readonly #books: Books
  readonly #app: OAuthApp
  readonly #options: OAuthOptions
  readonly #now: () => number
  /** Access tokens issued before this instant count as expired (the forced-expiry fault). */
  expiredBefore = 0

  constructor(store: Store, books: Books, app: OAuthApp, options: OAuthOptions, now: () => number = Date.now) {
    this.#store = store
    this.#books = books
    this.#app = app
    this.#options = options
    this.#now = now
  }

  /** GET or POST `/connect/oauth2`: the consent page, and the Connect/Cancel answer. */
  consent(method: string, params: URLSearchParams): Reply {
    const clientId = params.get('client_id') ?? ''
    const redirectUri = params.get('redirect_uri') ?? ''
    const state = params.get('state')
    if (clientId !== this.#app.clientId) return page(400, 'Unknown app', `No app with client_id "${escapeHtml(clientId)}" is registered with this sandbox.`)
    if (!this.#redirectAllowed(redirectUri)) return page(400, 'Redirect URI not registered', `The redirect_uri "${escapeHtml(redirectUri)}" is not registered for this app.`)
    const back = (query: Record<string, string>) => redirect(redirectUri, { ...query, ...(state !== null ? { state } : {}) })
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' })
    const scopes = (params.get('scope') ?? '').split(/[\s+]+/).filter(Boolean)
    if (!scopes.some((s) => ACCOUNTING_SCOPES.includes(s))) return back({ error: 'invalid_scope' })
    if (method !== 'POST') return consentPage(params, this.#books)
    if (params.get('action') === 'cancel') return back({ error: 'access_denied' })
    const chosen = params.get('company') ?? 'new'
    const company =
      chosen !== 'new' && this.#books.company(chosen)
        ? this.#books.company(chosen)!
        : this.#books.createCompany((params.get('company_name') ?? '').trim() || `Sandbox Company US ${this.#books.companies().length + 1}`)
    const code = `AB11${this.#now()}${token(24)}`
    this.#put(code, { kind: 'code', clientId, redirectUri, realmId: company.realmId, scope: scopes.join(' '), expiresAt: this.#now() + 10 * 60_000, used: false })
    return back({ code, realmId: company.realmId })
  }

  /** POST `/oauth2/v1/tokens/bearer`. */
  token(headers: Record<string, string | string[] | undefined>, rawBody: string): Reply {
    if (!this.#clientAuthenticated(headers.authorization)) return oauthError(401, 'invalid_client')
    const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/x-www-form-urlencoded') return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    const form = new URLSearchParams(rawBody)
    const now = this.#now()
    const withHardExpiry = String(headers['x-include-refresh-token-hard-expires-in'] ?? '').toLowerCase() === 'true'
    switch (form.get('grant_type')) {
      case 'authorization_code': {
        const code = form.get('code') ?? ''
        const record = this.#get(code)
        if (!record || record.kind !== 'code' || record.used || record.expiresAt < now || record.clientId !== this.#app.clientId) return oauthError(400, 'invalid_grant')
        if ((form.get('redirect_uri') ?? '') !== record.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request')
        this.#put(code, { ...record, used: true })
        const grantId = token(12)
        this.#store.put(`grant/${grantId}`, { realmId: record.realmId, clientId: record.clientId, createdAt: now, revoked: false })
        return this.#issue(record.realmId, grantId, now + this.#options.refreshTokenMaxLifeSeconds * 1000, withHardExpiry)
      }
      case 'refresh_token': {
        const presented = form.get('refresh_token') ?? ''
        const record = this.#get(presented)
        if (!record || record.kind !== 'refresh' || record.status !== 'active' || record.clientId !== this.#app.clientId) return oauthError(400, 'invalid_grant')
        if (record.expiresAt < now || record.hardExpiresAt < now || this.#grantRevoked(record.grantId)) return oauthError(400, 'invalid_grant')
        this.#put(presented, { ...record, status: 'superseded' })
        return this.#issue(record.realmId, record.grantId, record.hardExpiresAt, withHardExpiry)
      }
      default:
        return oauthError(400, 'unsupported_grant_type')
    }
  }

  /** POST `/v2/oauth2/tokens/revoke` with `{"token": …}` (JSON, as Intuit documents) or a form. */
  revoke(headers: Record<string, string | string[] | undefined>, rawBody: string): Reply {
    if (!this.#clientAuthenticated(headers.authorization)) return oauthError(401, 'invalid_client')
    let value = ''
    try {
      const json = JSON.parse(rawBody) as Json
      value = typeof json.token === 'string' ? json.token : ''
    } catch {
      value = new URLSearchParams(rawBody).get('token') ?? ''
    }
    if (!value) return oauthError(400, 'invalid_request', 'token is required')
    const record = this.#get(value)
    if (record && record.kind !== 'code') {
      const grant = this.#store.get(`grant/${record.grantId}`) as Json | undefined
      if (grant) this.#store.put(`grant/${record.grantId}`, { ...grant, revoked: true })
    }
    return { status: 200, text: '', contentType: 'text/plain' }
  }

  /** Checks `Authorization: Bearer …` for an API call on `realmId`; null when it may proceed. */
  authorize(header: string | undefined, realmId: string): Reply | null {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]
    if (!bearer) return authFault(401, 'Token validation failed: no Bearer token in the Authorization header')
    const record = this.#get(bearer)
    if (!record || record.kind !== 'access') return authFault(401, 'Token validation failed: unknown token')
    if (record.expiresAt <= this.#now() || record.issuedAt < this.expiredBefore) return authFault(401, 'Token expired: the access token has expired; refresh it')
    if (this.#grantRevoked(record.grantId)) return authFault(401, 'Token revoked: the connection was revoked; reconnect')
    if (record.realmId !== realmId) return authFault(403, `The token is for another company (realm ${record.realmId})`)
    return null
  }

  /** Drops expired access tokens and used or expired codes from the books (kept small across restarts). */
  sweep(): void {
    const now = this.#now()
    for (const key of this.#store.keys('token/')) {
      const record = this.#store.get(key) as TokenRecord
      if ((record.kind === 'access' || record.kind === 'code') && record.expiresAt < now - 3600_000) this.#store.put(key, null)
    }
  }

  #issue(realmId: string, grantId: string, hardExpiresAt: number, withHardExpiry: boolean): Reply {
    const now = this.#now()
    const access = `eyJ${token(48)}`
    const refresh = `RT1-${now}-${token(24)}`
    this.#put(access, { kind: 'access', clientId: this.#app.clientId, realmId, grantId, issuedAt: now, expiresAt: now + this.#options.accessTokenTtlSeconds * 1000 })
    const refreshExpiresAt = Math.min(now + this.#options.refreshTokenTtlSeconds * 1000, hardExpiresAt)
    this.#put(refresh, { kind: 'refresh', clientId: this.#app.clientId, realmId, grantId, expiresAt: refreshExpiresAt, hardExpiresAt, status: 'active' })
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      json: {
        token_type: 'bearer',
        access_token: access,
        refresh_token: refresh,
        expires_in: this.#options.accessTokenTtlSeconds,
        x_refresh_token_expires_in: Math.round((refreshExpiresAt - now) / 1000),
        ...(withHardExpiry ? { x_refresh_token_hard_expires_in: Math.round((hardExpiresAt - now) / 1000) } : {}),
      },
    }
  }

  #grantRevoked(grantId: string): boolean {
    return (this.#store.get(`grant/${grantId}`) as { revoked?: boolean } | undefined)?.revoked !== false
  }

  #redirectAllowed(uri: string): boolean {
    if (this.#app.redirectUris.length) return this.#app.redirectUris.includes(uri)
    try {
      const url = new URL(uri)
      return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
    } catch {
      return false
    }
  }

  #clientAuthenticated(header: string | string[] | undefined): boolean {
    const value = Array.isArray(header) ? header[0] : (header ?? '')
    if (!value.startsWith('Basic ')) return false
    const given = Buffer.from(value.slice(6).trim(), 'base64')
    const expected = Buffer.from(`${this.#app.clientId}:${this.#app.clientSecret}`)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  #get(value: string): TokenRecord | undefined {
    return value ? (this.#store.get(`token/${value}`) as TokenRecord | undefined) : undefined
  }

  #put(value: string, record: TokenRecord): void {
    this.#store.put(`token/${value}`, record)
  }
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url')
}

function oauthError(status: number, error: string, description?: string): Reply {
  return { status, headers: { 'cache-control': 'no-store' }, json: { error, ...(description ? { error_description: description } : {}) } }
}

function redirect(uri: string, query: Record<string, string>): Reply {
  const url = new URL(uri)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  return { status: 302, headers: { location: url.toString() }, text: '', contentType: 'text/plain' }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function page(status: number, title: string, body: string): Reply {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    text: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${body}</p></body></html>`,
  }
}

function consentPage(params: URLSearchParams, books: Books): Reply {
  const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
    .filter((k) => params.has(k))
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k)!)}">`)
    .join('')
  const companies = books.companies()
  const options = companies
    .map((c) => `<label><input type="radio" name="company" value="${escapeHtml(c.realmId)}"> ${escapeHtml(c.CompanyName)} <small>(realm ${escapeHtml(c.realmId)})</small></label><br>`)
    .join('')
  const next = `Sandbox Company US ${companies.length + 1}`
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { 'cache-control': 'no-store' },
    text: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect to QuickBooks (sandbox)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;color:#222}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}fieldset{margin:1rem 0}</style></head>
<body>
<h1>Connect to QuickBooks</h1>
<p>An app wants to read and write your QuickBooks Online company (scopes: ${escapeHtml(params.get('scope') ?? '')}).</p>
<p><em>This is the local QuickBooks Online sandbox, not Intuit.</em></p>
<form method="post" action="/connect/oauth2">${hidden}
<fieldset><legend>Company</legend>${options}
<label><input type="radio" name="company" value="new" checked> A new company named <input name="company_name" value="${escapeHtml(next)}" aria-label="New company name"></label>
</fieldset>
<button type="submit" name="action" value="connect">Connect</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</body></html>`,
  }
}
