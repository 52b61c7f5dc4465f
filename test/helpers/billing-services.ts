import type { DatabaseHandle } from '../../src/db/database.ts'
import { startHarness, type SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import type { CardPointeClientConfig } from '../../src/integrations/cardpointe/cardpointe-client.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import type { getInvoice } from '../../src/services/billing/billing-queries.ts'
import { createDueInvoices, streamDueAgreements } from '../../src/services/billing/due-invoices.ts'
import type { PaymentMethodOnFile } from '../../src/services/billing/charge-types.ts'
import { aCard, aCustomer, anAgreement, monthly } from './billing-fixtures.ts'
import { createTestDatabase } from './test-db.ts'
import { loginHeaders, startTestApp, type TestApp } from './test-app.ts'

/**
 * Billing tests' setups: the CardPointe sandbox with a fresh test database, either as service
 * deps or as the office's HTTP API. (Kept apart from billing-fixtures.ts, whose builders the
 * benchmark and PGlite-only tests use too: npm test reruns on PostgreSQL the files that reach
 * test-db.ts.)
 */

/** The CardPointe sandbox, a fresh test database and the service deps on them, with a clock you control. */
export interface BillingServices {
  h: SandboxHarness
  database: DatabaseHandle
  deps: ServiceDeps
  close(): Promise<void>
}

/**
 * `client` overrides the gateway client's settings (e.g. a short `readTimeoutMs`).
 * @example
 * let h: SandboxHarness, deps: ServiceDeps, s: BillingServices
 * before(async () => void ({ h, deps } = s = await startBillingServices(() => now)))
 * after(() => s.close())
 */
export async function startBillingServices(now: () => Date, client: Partial<CardPointeClientConfig> = {}): Promise<BillingServices> {
  const h = await startHarness({ client })
  const database = await createTestDatabase()
  const deps: ServiceDeps = { db: database.db, clock: { now }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
  return {
    h,
    database,
    deps,
    close: async () => {
      await database.close()
      await h.close()
    },
  }
}

/**
 * A customer with a card on file (the sandbox's token of `pan`, its default Visa unless given) and
 * a monthly agreement of `amountCents` from `start`, invoiced through `through`: the agreement,
 * its invoices (oldest first) and the card as the charge path reads it.
 */
export async function invoicedOnCard(
  { h, deps }: BillingServices,
  name: string,
  amountCents: number,
  { start = '2026-03-01', through = '2026-03-10', email = null, pan }: { start?: string; through?: string; email?: string | null; pan?: string } = {},
) {
  const c = await aCustomer(deps, name, email)
  const pmId = await aCard(deps.db, deps.gateway, h.tokenize, c.id, pan)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pmId, startDate: start, lines: monthly(amountCents) })
  for await (const batch of streamDueAgreements(deps.db, through)) await createDueInvoices(deps.db, batch, through, null)
  const invoices = await deps.db.selectFrom('invoices').select(['id', 'totalCents']).where('agreementId', '=', agr).orderBy('periodStart').execute()
  const pm = await deps.db.selectFrom('paymentMethods').select(['id', 'kind', 'profileId', 'acctId', 'brand', 'last4', 'isActive']).where('id', '=', pmId).executeTakeFirstOrThrow()
  return { agr, invoices: invoices.map((i) => ({ id: i.id, cents: Number(i.totalCents) })), pm: pm as PaymentMethodOnFile }
}

/** The sandbox and the test app on it, with an office user logged in. */
export interface BillingApi {
  h: SandboxHarness
  t: TestApp
  /** Request headers of the logged-in office user (session cookie and CSRF token). */
  office: Record<string, string>
  /** A request as the office user, its status and parsed JSON body. */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<{ status: number; body: any }>
  /** `GET /api/billing/invoices/:id` as the office, asserted 200. */
  invoice(id: string): Promise<NonNullable<Awaited<ReturnType<typeof getInvoice>>>>
  close(): Promise<void>
}

export async function startBillingApi(now: () => Date): Promise<BillingApi> {
  const h = await startHarness()
  const t = await startTestApp({ clock: { now }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
  const office = await loginHeaders(t.app, await t.addUser('office'))
  const api: BillingApi['api'] = async (method, url, payload) => {
    const res = await t.app.inject({ method, url, headers: office, ...(payload !== undefined ? { payload } : {}) })
    return { status: res.statusCode, body: res.json() }
  }
  return {
    h,
    t,
    office,
    api,
    invoice: async (id) => {
      const res = await api('GET', `/api/billing/invoices/${id}`)
      if (res.status !== 200) throw new Error(`GET invoice ${id}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    close: async () => {
      await t.close()
      await h.close()
    },
  }
}
