import type { Db } from '../db/database.ts'
import type { Clock } from '../ports/clock.ts'
import type { PaymentGateway } from '../ports/payment-gateway.ts'
import type { QuickBooksOAuth } from '../integrations/quickbooks/quickbooks-oauth.ts'
import type { QuickBooksThrottle } from '../integrations/quickbooks/quickbooks-throttle.ts'

/** What every use case may need; built once in `main.ts` (the composition root). */
export interface ServiceDeps {
  db: Db
  clock: Clock
  /** CardPointe in production, the local sandbox in development and tests. */
  gateway: PaymentGateway
  /** Where the gateway lives, for the browser: the hosted sign-up page loads its iFrame tokenizer from here. */
  gatewayBrowserUrl: string
  /** The base URL customers reach Servicebook at (links in emails), without a trailing slash. */
  publicUrl: string
  /**
   * Asks the email outbox worker to deliver now rather than at its next poll; call it after the
   * transaction that queued mail (`enqueueEmail`) has committed. Absent where no worker runs (tests).
   */
  kickOutbox?: () => void
  /** QuickBooks Online (Intuit or the local sandbox); absent: nothing is pushed and the queue waits. */
  quickbooks?: QuickBooksRuntime
  /** Asks the QuickBooks push worker to run now (after a transaction that queued work committed). */
  kickQuickBooks?: () => void
}

/**
 * What the QuickBooks use cases need, built once in the composition root: the OAuth helper
 * (Intuit's hosts or the local sandbox's), the API root, the key that seals tokens at rest and
 * the process's throttle (500 requests a minute, 10 in flight per company).
 */
export interface QuickBooksRuntime {
  oauth: QuickBooksOAuth
  apiBaseUrl: string
  tokenKey: Buffer
  throttle: QuickBooksThrottle
  minorVersion?: number
  readTimeoutMs?: number
  /** Where the office is e-mailed when the connection needs it (else: every active admin). */
  officeEmail?: string | null
  /** Refresh this long before the access token expires (default 5 minutes). */
  refreshMarginMs?: number
  /** Where people reach Servicebook (the e-mail's logo and links). */
  publicUrl?: string
  /** The fetch for API calls (main.ts passes one that is timed for /metrics). */
  fetch?: typeof fetch
}

/** Who is acting, for the audit trail. `null` for the system itself. */
export type ActorId = string | null
