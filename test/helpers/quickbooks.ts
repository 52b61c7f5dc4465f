import { randomBytes } from 'node:crypto'
import { QUICKBOOKS_SANDBOX_DEFAULTS } from '../../sandbox/quickbooks/server.ts'
import { quickBooksHosts } from '../../src/config/quickbooks.ts'
import { QuickBooksOAuth } from '../../src/integrations/quickbooks/quickbooks-oauth.ts'
import { QuickBooksThrottle } from '../../src/integrations/quickbooks/quickbooks-throttle.ts'
import { startQuickBooksHarness, type QuickBooksHarness } from '../../src/integrations/quickbooks/test-sandbox.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import type { QuickBooksRuntime } from '../../src/services/quickbooks/quickbooks-runtime.ts'
import { finishConnect, startConnect } from '../../src/services/quickbooks/quickbooks-connection.ts'

/**
 * QuickBooks for tests: the sandbox over HTTP (startQuickBooksHarness) and the runtime the
 * app's QuickBooks services use, pointed at it, with a fresh token key.
 */
export interface QuickBooksTestKit {
  q: QuickBooksHarness
  runtime: QuickBooksRuntime
  /** Connects the app (deps.quickbooks = runtime) through the sandbox's consent page as an admin would. */
  connect(deps: ServiceDeps, opts?: { company?: string; sessionId?: string }): Promise<{ realmId: string }>
  close(): Promise<void>
}

export async function startQuickBooksKit(opts: { redirectUri?: string; throttle?: QuickBooksThrottle; sandbox?: Parameters<typeof startQuickBooksHarness>[0] } = {}): Promise<QuickBooksTestKit> {
  const q = await startQuickBooksHarness(opts.sandbox)
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1/api/quickbooks/callback'
  const runtime: QuickBooksRuntime = {
    oauth: new QuickBooksOAuth({ clientId: QUICKBOOKS_SANDBOX_DEFAULTS.clientId, clientSecret: QUICKBOOKS_SANDBOX_DEFAULTS.clientSecret, redirectUri, hosts: quickBooksHosts('local', q.sandbox.url) }),
    apiBaseUrl: q.sandbox.url,
    tokenKey: randomBytes(32),
    throttle: opts.throttle ?? new QuickBooksThrottle(),
    readTimeoutMs: 5_000,
  }
  return {
    q,
    runtime,
    connect: async (deps, { company = 'new', sessionId = 'ses_test' } = {}) => {
      deps.quickbooks = runtime
      const { url } = await startConnect(deps, sessionId)
      const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'connect', company }), redirect: 'manual' })
      const back = new URL(res.headers.get('location') ?? 'http://x/')
      const status = await finishConnect(deps, Object.fromEntries(back.searchParams), sessionId, null)
      return { realmId: status.realmId! }
    },
    close: () => q.close(),
  }
}
