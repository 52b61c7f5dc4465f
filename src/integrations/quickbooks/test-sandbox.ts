import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QUICKBOOKS_SANDBOX_DEFAULTS, startQuickBooksSandbox, type QuickBooksSandboxOptions, type RunningQuickBooksSandbox } from '../../../sandbox/quickbooks/server.ts'
import { quickBooksHosts } from '../../config/quickbooks.ts'
import { QuickBooksClient, type QuickBooksClientConfig } from './quickbooks-client.ts'
import { MemoryTokenSource, QuickBooksOAuth, type TokenSet } from './quickbooks-oauth.ts'

/**
 * Test helper: the QuickBooks sandbox on 127.0.0.1:0 with a temp journal, a company connected
 * through the consent page (as a person would: Connect, follow the redirect), and a client on it.
 */
export interface QuickBooksHarness {
  sandbox: RunningQuickBooksSandbox
  oauth: QuickBooksOAuth
  redirectUri: string
  /** The company connected at start. */
  realmId: string
  tokens: MemoryTokenSource
  client: QuickBooksClient
  /** Connects a new company (or `realmId`) through the consent page and exchanges the code. */
  connect(realmId?: string): Promise<TokenSet>
  clientFor(tokens: MemoryTokenSource, extra?: Partial<QuickBooksClientConfig>): QuickBooksClient
  entities(realmId?: string): Promise<Record<string, Record<string, unknown>[]>>
  faults(body: Record<string, unknown>): Promise<void>
  /** Runs `fn` with these faults on and resets them afterwards whatever happens. */
  withFaults<T>(faults: Record<string, unknown>, fn: () => Promise<T>): Promise<T>
  /**
   * Restarts the sandbox on the same journal: on a new port, or on the same one with `samePort`
   * (clients and runtimes built on its URL keep working); `sandbox` changes its options (limits).
   */
  restart(opts?: { samePort?: boolean; sandbox?: QuickBooksSandboxOptions }): Promise<void>
  close(): Promise<void>
}

export async function startQuickBooksHarness(options: { sandbox?: QuickBooksSandboxOptions; client?: Partial<QuickBooksClientConfig> } = {}): Promise<QuickBooksHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'qbo-sandbox-'))
  const dataFile = join(dir, 'quickbooks.jsonl')
  const redirectUri = 'http://localhost:3000/api/quickbooks/callback'
  const h = { redirectUri } as QuickBooksHarness
  const attach = (sandbox: RunningQuickBooksSandbox) => {
    h.sandbox = sandbox
    h.oauth = new QuickBooksOAuth({ clientId: QUICKBOOKS_SANDBOX_DEFAULTS.clientId, clientSecret: QUICKBOOKS_SANDBOX_DEFAULTS.clientSecret, redirectUri, hosts: quickBooksHosts('local', sandbox.url) })
  }
  attach(await startQuickBooksSandbox({ port: 0, dataFile, ...options.sandbox }))
  h.clientFor = (tokens, extra = {}) => new QuickBooksClient({ apiBaseUrl: h.sandbox.url, realmId: tokens.tokens.realmId, tokens, readTimeoutMs: 5_000, ...options.client, ...extra })
  h.connect = async (realmId) => {
    const state = QuickBooksOAuth.newState()
    const res = await fetch(h.oauth.authorizeUrl({ state }), { method: 'POST', body: new URLSearchParams({ action: 'connect', company: realmId ?? 'new' }), redirect: 'manual' })
    const back = h.oauth.parseCallback(new URL(res.headers.get('location') ?? 'http://x/').searchParams, state)
    if (back.status !== 'ok') throw new Error(`consent failed: ${JSON.stringify(back)}`)
    const out = await h.oauth.exchangeCode(back)
    if (out.status !== 'ok') throw new Error(`code exchange failed: ${JSON.stringify(out)}`)
    return out.tokens
  }
  const first = await h.connect()
  h.realmId = first.realmId
  h.tokens = new MemoryTokenSource(h.oauth, first)
  h.client = h.clientFor(h.tokens)
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${h.sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  }
  h.faults = (body) => post('/_sandbox/faults', body)
  h.withFaults = async (faults, fn) => {
    await h.faults(faults)
    try {
      return await fn()
    } finally {
      await h.faults({ reset: true })
    }
  }
  h.entities = async (realmId = h.realmId) => {
    const res = await fetch(`${h.sandbox.url}/_sandbox/companies/${realmId}/entities`)
    return ((await res.json()) as { entities: Record<string, Record<string, unknown>[]> }).entities
  }
  h.restart = async ({ samePort = false, sandbox = {} } = {}) => {
    const port = samePort ? Number(new URL(h.sandbox.url).port) : 0
    await h.sandbox.close()
    attach(await startQuickBooksSandbox({ port, dataFile, ...options.sandbox, ...sandbox }))
    // The token source keeps its tokens; clients built from now on use the new port.
    h.tokens = new MemoryTokenSource(h.oauth, h.tokens.tokens)
    h.client = h.clientFor(h.tokens)
  }
  h.close = async () => {
    await h.sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return h
}
