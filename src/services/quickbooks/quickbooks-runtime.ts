import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../domain/errors.ts'
import { QuickBooksClient } from '../../integrations/quickbooks/quickbooks-client.ts'
import { QuickBooksLedger } from '../../integrations/quickbooks/quickbooks-ledger.ts'
import { QuickBooksOAuth as QuickBooksOAuthImpl, type AccessTokenSource, type QuickBooksOAuth, type TokenLease, type TokenSet } from '../../integrations/quickbooks/quickbooks-oauth.ts'
import { QuickBooksThrottle as QuickBooksThrottleImpl } from '../../integrations/quickbooks/quickbooks-throttle.ts'
import { openToken, sealToken } from '../../integrations/quickbooks/token-crypto.ts'
import { loadBrand } from '../email/brand.ts'
import type { EmailContent } from '../email/layout.tsx'
import { enqueueEmail } from '../email/outbox.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import type { QuickBooksRuntime, ServiceDeps } from '../deps.ts'

export type { QuickBooksRuntime }

export function runtimeOf(deps: ServiceDeps): QuickBooksRuntime {
  if (!deps.quickbooks) throw new AppError('not_allowed', 'quickbooks_not_configured', 'QuickBooks is not configured on this server (see docs/quickbooks.md)')
  return deps.quickbooks
}

export function sealTokens(rt: QuickBooksRuntime, t: TokenSet) {
  return {
    accessTokenSealed: sealToken(t.accessToken, rt.tokenKey, t.realmId),
    refreshTokenSealed: sealToken(t.refreshToken, rt.tokenKey, t.realmId),
    accessExpiresAt: t.accessExpiresAt,
    refreshExpiresAt: t.refreshExpiresAt,
  }
}

/**
 * The connection's tokens as kept in the database. A refresh runs inside a transaction holding
 * the connection row (`select … for update`), re-reads it once the lock is held and uses the
 * token another process may have just stored, so one refresh is in flight across all
 * processes and the newest refresh token is always the stored one. `invalid_grant` marks the
 * connection `needs_reconnect` and tells the office (bell and e-mail) in that transaction.
 */
export class DbTokenSource implements AccessTokenSource {
  readonly #deps: ServiceDeps
  readonly #rt: QuickBooksRuntime
  readonly #realmId: string
  #cached: { token: string; expiresAt: number } | null = null
  #refreshing: Promise<TokenLease> | null = null

  constructor(deps: ServiceDeps, rt: QuickBooksRuntime, realmId: string) {
    this.#deps = deps
    this.#rt = rt
    this.#realmId = realmId
  }

  get #margin() {
    return this.#rt.refreshMarginMs ?? 5 * 60_000
  }

  async accessToken(): Promise<TokenLease> {
    const now = Date.now()
    if (this.#cached && this.#cached.expiresAt - now > this.#margin) return { status: 'ok', accessToken: this.#cached.token }
    const row = await this.#deps.db.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).executeTakeFirst()
    if (!row || row.realmId !== this.#realmId) return { status: 'unauthorized', needsReconnect: true, message: 'QuickBooks is not connected' }
    if (row.status === 'needs_reconnect') return { status: 'unauthorized', needsReconnect: true, message: row.statusMessage ?? 'QuickBooks needs reconnecting' }
    if (row.accessExpiresAt.getTime() - now > this.#margin) {
      this.#cached = { token: openToken(row.accessTokenSealed, this.#rt.tokenKey, row.realmId), expiresAt: row.accessExpiresAt.getTime() }
      return { status: 'ok', accessToken: this.#cached.token }
    }
    return this.#refresh(null)
  }

  refreshAfterRejection(rejected: string): Promise<TokenLease> {
    return this.#refresh(rejected)
  }

  #refresh(rejected: string | null): Promise<TokenLease> {
    this.#refreshing ??= this.#refreshLocked(rejected).finally(() => (this.#refreshing = null))
    return this.#refreshing
  }

  async #refreshLocked(rejected: string | null): Promise<TokenLease> {
    const { db } = this.#deps
    const rt = this.#rt
    return db.transaction().execute(async (tx): Promise<TokenLease> => {
      const row = await tx.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).forUpdate().executeTakeFirst()
      if (!row || row.realmId !== this.#realmId) return { status: 'unauthorized', needsReconnect: true, message: 'QuickBooks is not connected' }
      if (row.status === 'needs_reconnect') return { status: 'unauthorized', needsReconnect: true, message: row.statusMessage ?? 'QuickBooks needs reconnecting' }
      const stored = openToken(row.accessTokenSealed, rt.tokenKey, row.realmId)
      // Another process (or an earlier call) refreshed while we waited for the lock: use its token.
      if (stored !== rejected && row.accessExpiresAt.getTime() - Date.now() > this.#margin) {
        this.#cached = { token: stored, expiresAt: row.accessExpiresAt.getTime() }
        return { status: 'ok', accessToken: stored }
      }
      const out = await rt.oauth.refresh({ refreshToken: openToken(row.refreshTokenSealed, rt.tokenKey, row.realmId), realmId: row.realmId })
      if (out.status === 'ok') {
        await tx.updateTable('quickbooksConnections').set({ ...sealTokens(rt, out.tokens), refreshedAt: new Date(), updatedAt: new Date() }).where('id', '=', 1).execute()
        this.#cached = { token: out.tokens.accessToken, expiresAt: out.tokens.accessExpiresAt.getTime() }
        return { status: 'ok', accessToken: out.tokens.accessToken }
      }
      if (out.status === 'retryable') return { status: 'retryable', message: out.message }
      this.#cached = null
      await markNeedsReconnect(tx, rt, out.message)
      return { status: 'unauthorized', needsReconnect: true, message: out.message }
    })
  }
}

/** The connection needs the office: status, bell, e-mail; queued work stays queued. Inside a transaction. */
export async function markNeedsReconnect(tx: Db, rt: QuickBooksRuntime, message: string): Promise<void> {
  const changed = await tx
    .updateTable('quickbooksConnections')
    .set({ status: 'needs_reconnect', statusMessage: message, updatedAt: new Date() })
    .where('id', '=', 1)
    .where('status', '=', 'connected')
    .returning('companyName')
    .executeTakeFirst()
  if (!changed) return
  const title = 'QuickBooks needs to be reconnected'
  const body = `QuickBooks no longer accepts Servicebook's connection to ${changed.companyName || 'the company'} (${message}). Invoices and payments wait in the queue and are sent once an admin reconnects under Settings → QuickBooks.`
  await notifyOffice(tx, { kind: 'quickbooks.needs_reconnect', title, body, link: '/settings/quickbooks' })
  const to = rt.officeEmail
    ? [rt.officeEmail]
    : (await tx.selectFrom('users').select('email').where('role', '=', 'admin').where('isActive', '=', true).execute()).map((u) => u.email)
  const content: EmailContent = {
    brand: await loadBrand(tx, rt.publicUrl ?? ''),
    preview: title,
    blocks: [{ p: [body] }, ...(rt.publicUrl ? [{ button: 'Reconnect QuickBooks', href: `${rt.publicUrl}/settings/quickbooks` }] : [])],
  }
  for (const address of to) {
    await enqueueEmail(tx, { kind: 'quickbooks.needs_reconnect', to: address, subject: title, content, relatedType: 'quickbooks', relatedId: 'connection' })
  }
}

/** One client per company per process (its token source caches the access token). */
const clients = new WeakMap<QuickBooksRuntime, Map<string, { client: QuickBooksClient; ledger: QuickBooksLedger }>>()

export function ledgerFor(deps: ServiceDeps, realmId: string): { client: QuickBooksClient; ledger: QuickBooksLedger } {
  const rt = runtimeOf(deps)
  let byRealm = clients.get(rt)
  if (!byRealm) clients.set(rt, (byRealm = new Map()))
  let entry = byRealm.get(realmId)
  if (!entry) {
    const client = new QuickBooksClient({
      apiBaseUrl: rt.apiBaseUrl,
      realmId,
      tokens: new DbTokenSource(deps, rt, realmId),
      throttle: rt.throttle,
      ...(rt.minorVersion ? { minorVersion: rt.minorVersion } : {}),
      ...(rt.readTimeoutMs ? { readTimeoutMs: rt.readTimeoutMs } : {}),
      ...(rt.fetch ? { fetch: rt.fetch } : {}),
    })
    entry = { client, ledger: new QuickBooksLedger(client) }
    byRealm.set(realmId, entry)
  }
  return entry
}

/** Forgets cached clients (after disconnect or reconnect: their cached tokens are gone). */
export function forgetClients(deps: ServiceDeps): void {
  if (deps.quickbooks) clients.delete(deps.quickbooks)
}


/**
 * The runtime from configuration (`quickBooksSettings`), for main.ts and the CLI. Without
 * QUICKBOOKS_TOKEN_KEY (local development only: configuration requires it for Intuit) a random
 * key is kept in `<dataDir>/quickbooks-token.key` (mode 0600).
 */
export function createQuickBooksRuntime(
  settings: ReturnType<typeof import('../../config/quickbooks.ts').quickBooksSettings>,
  opts: { publicUrl: string; dataDir: string; officeEmail?: string | null; fetch?: typeof fetch },
): QuickBooksRuntime {
  return {
    oauth: new QuickBooksOAuthImpl({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      redirectUri: settings.redirectUri ?? `${opts.publicUrl}/api/quickbooks/callback`,
      hosts: settings.hosts,
      readTimeoutMs: settings.readTimeoutMs,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    }),
    apiBaseUrl: settings.hosts.apiBaseUrl,
    tokenKey: settings.tokenKey ?? localTokenKey(opts.dataDir),
    throttle: new QuickBooksThrottleImpl(),
    minorVersion: settings.minorVersion,
    readTimeoutMs: settings.readTimeoutMs,
    officeEmail: opts.officeEmail ?? null,
    publicUrl: opts.publicUrl,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  }
}

function localTokenKey(dataDir: string): Buffer {
  const file = join(dataDir, 'quickbooks-token.key')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`)
  return key
}

/** The connected company's ledger, or null when QuickBooks is not configured, not connected or needs reconnecting (for reconciliation). */
export async function connectedLedger(deps: ServiceDeps): Promise<QuickBooksLedger | null> {
  if (!deps.quickbooks) return null
  const row = await deps.db.selectFrom('quickbooksConnections').select(['realmId', 'status']).where('id', '=', 1).executeTakeFirst()
  return row && row.status === 'connected' ? ledgerFor(deps, row.realmId).ledger : null
}
