import type { Db } from '../db/database.ts'
import type { Clock } from '../ports/clock.ts'
import type { PaymentGateway } from '../ports/payment-gateway.ts'
import type { QuickBooksRuntime } from './quickbooks/quickbooks-runtime.ts'

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

/** Who is acting, for the audit trail. `null` for the system itself. */
export type ActorId = string | null
