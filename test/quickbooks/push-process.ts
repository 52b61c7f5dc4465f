/**
 * The pushing process of the QuickBooks chaos test (test/quickbooks/chaos.test.ts): opens the
 * database (QB_DATA_DIR PGlite folder or QB_DATABASE_URL), points the QuickBooks services at
 * the sandbox (QB_SANDBOX_URL, token key QB_TOKEN_KEY) and drains the queue, printing a line
 * per round, until nothing is left; exit 0. The test SIGKILLs it at random moments.
 */
import { QUICKBOOKS_SANDBOX_DEFAULTS } from '../../sandbox/quickbooks/server.ts'
import { quickBooksHosts } from '../../src/config/quickbooks.ts'
import { openDatabase } from '../../src/db/database.ts'
import { QuickBooksOAuth } from '../../src/integrations/quickbooks/quickbooks-oauth.ts'
import { QuickBooksThrottle } from '../../src/integrations/quickbooks/quickbooks-throttle.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { drainQuickBooksQueue } from '../../src/services/quickbooks/quickbooks-worker.ts'

const env = process.env
const database = env.QB_DATABASE_URL ? await openDatabase({ kind: 'postgres', url: env.QB_DATABASE_URL, poolSize: 4 }) : await openDatabase({ kind: 'pglite', dataDir: env.QB_DATA_DIR! })
const url = env.QB_SANDBOX_URL!
const deps: ServiceDeps = {
  db: database.db,
  clock: { now: () => new Date() },
  gateway: undefined as never,
  gatewayBrowserUrl: 'http://127.0.0.1:9',
  publicUrl: 'http://127.0.0.1',
  quickbooks: {
    oauth: new QuickBooksOAuth({ clientId: QUICKBOOKS_SANDBOX_DEFAULTS.clientId, clientSecret: QUICKBOOKS_SANDBOX_DEFAULTS.clientSecret, redirectUri: 'http://127.0.0.1/api/quickbooks/callback', hosts: quickBooksHosts('local', url) }),
    apiBaseUrl: url,
    tokenKey: Buffer.from(env.QB_TOKEN_KEY!, 'hex'),
    throttle: new QuickBooksThrottle({ perMinute: Number(env.QB_PER_MINUTE ?? 500) }),
    readTimeoutMs: 3_000,
  },
}
const round = await drainQuickBooksQueue(deps, {
  limit: 25,
  claimLeaseMs: 3_000,
  retryDelaysMs: [100, 300, 1_000],
  maxAttempts: 50,
  maxWaitMs: 10_000,
  onRound: (r) => process.stdout.write(`round ${JSON.stringify(r)}\n`),
})
process.stdout.write(`done ${JSON.stringify(round)}\n`)
await database.close()
process.exit(0)
