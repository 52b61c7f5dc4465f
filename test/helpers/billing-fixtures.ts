import { sql } from 'kysely'
import type { Db } from '../../src/db/database.ts'
import { newId } from '../../src/domain/ids.ts'
import type { PricedLine } from '../../src/domain/pricing.ts'
import type { PaymentGateway } from '../../src/ports/payment-gateway.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { startBillingRun } from '../../src/services/billing/run-billing.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { createCustomer } from '../../src/services/customers/manage-customers.ts'

/**
 * Builders for billing tests: customers, cards stored at the (sandbox) gateway, and agreements
 * inserted directly (the quote/sign-up flow is another issue's; billing only needs the rows).
 */

export async function aCustomer(deps: ServiceDeps, name = 'Pat Customer', email: string | null = 'pat@example.com') {
  const c = await createCustomer(
    deps,
    {
      name,
      notes: '',
      locations: [{ label: 'Home', line1: '1 Main St', line2: '', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US', accessNotes: '' }],
      contacts: [{ name, email, phone: null, isPrimary: true }],
    },
    null,
  )
  return { id: c.id, locationId: c.locations[0]!.id }
}

/** Stores a card at the gateway (`tokenize` from the sandbox harness) and records the payment method. */
export async function aCard(
  db: Db,
  gateway: PaymentGateway,
  tokenize: (pan: string, expiry?: string) => Promise<string>,
  customerId: string,
  pan = '4788250000121443',
  expiry = '1230',
): Promise<string> {
  const token = await tokenize(pan)
  const stored = await gateway.verifyAndStoreCard({ token, expiry, orderId: gateway.newOrderId() })
  if (stored.status !== 'approved' || !stored.profileId || !stored.accountId) throw new Error(`storing the card failed: ${JSON.stringify(stored)}`)
  const id = newId('pm')
  await db
    .insertInto('paymentMethods')
    .values({ id, customerId, kind: 'card', profileId: stored.profileId, acctId: stored.accountId, token, last4: pan.slice(-4), brand: 'VISA', accountType: null, expiry })
    .execute()
  return id
}

export interface AgreementSpec {
  customerId: string
  locationId: string
  paymentMethodId: string | null
  startDate: string
  intervalMonths?: number
  termMonths?: number | null
  endDate?: string | null
  lines?: PricedLine[]
  taxRatePpm?: number
  status?: 'active' | 'pending_approval' | 'suspended' | 'closed'
  name?: string
}

export const monthly = (amountCents: number): PricedLine[] => [{ description: 'Maintenance plan', amountCents, recurring: true, taxable: true }]

export async function anAgreement(db: Db, spec: AgreementSpec): Promise<string> {
  const id = newId('agr')
  await db
    .insertInto('agreements')
    .values({
      id,
      customerId: spec.customerId,
      locationId: spec.locationId,
      name: spec.name ?? 'Maintenance agreement',
      status: spec.status ?? 'active',
      billingIntervalMonths: spec.intervalMonths ?? 1,
      startDate: spec.startDate,
      termMonths: spec.termMonths ?? null,
      endDate: spec.endDate ?? null,
      lines: JSON.stringify(spec.lines ?? monthly(5000)),
      taxRatePpm: spec.taxRatePpm ?? 0,
      paymentMethodId: spec.paymentMethodId,
      quoteId: null,
      planId: null,
      approvedAt: null,
      approvedBy: null,
      closedAt: null,
    })
    .execute()
  return id
}

/**
 * Many agreements at once (crash test, benchmark): `count` customers each with one monthly
 * agreement, sharing the given payment methods round-robin, amounts varied per agreement.
 * Multi-row inserts, 1,000 rows per statement.
 */
export async function seedAgreements(
  db: Db,
  opts: {
    count: number
    paymentMethods: { id: string; customerId: string }[]
    paymentMethod?: (i: number) => { id: string }
    startDate: (i: number) => string; amountCents: (i: number) => number; intervalMonths?: (i: number) => number },
): Promise<void> {
  for (let from = 0; from < opts.count; from += 1000) {
    const n = Math.min(1000, opts.count - from)
    const customers = Array.from({ length: n }, (_, k) => ({ id: newId('cus'), name: `Customer ${from + k}` }))
    const locations = customers.map((c) => ({ id: newId('loc'), customerId: c.id, line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701' }))
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('customers').values(customers.map((c) => ({ ...c, companyName: null, archivedAt: null, searchText: c.name.toLowerCase() }))).execute()
      await tx.insertInto('customerLocations').values(locations.map((l) => ({ ...l, archivedAt: null }))).execute()
      await tx
        .insertInto('customerContacts')
        .values(customers.map((c, k) => ({ id: newId('con'), customerId: c.id, name: c.name, email: `c${from + k}@example.com`, phone: null, isPrimary: true })))
        .execute()
      await tx
        .insertInto('agreements')
        .values(
          customers.map((c, k) => {
            const i = from + k
            const pm = opts.paymentMethod?.(i) ?? opts.paymentMethods[i % opts.paymentMethods.length]!
            return {
              id: newId('agr'),
              customerId: c.id,
              locationId: locations[k]!.id,
              name: `Agreement ${i}`,
              status: 'active' as const,
              billingIntervalMonths: opts.intervalMonths?.(i) ?? 1,
              startDate: opts.startDate(i),
              termMonths: null,
              endDate: null,
              lines: JSON.stringify(monthly(opts.amountCents(i))),
              taxRatePpm: 0,
              paymentMethodId: pm.id,
              quoteId: null,
              planId: null,
              approvedAt: null,
              approvedBy: null,
              closedAt: null,
            }
          }),
        )
        .execute()
    })
  }
  await sql`analyze`.execute(db)
}

/**
 * A card payment of `amountCents`: a customer with a card and a monthly agreement from
 * `startDate`, billed and charged by a run through `through`; settled at the gateway unless told.
 */
export async function aCardPayment(
  deps: ServiceDeps,
  h: Pick<SandboxHarness, 'tokenize' | 'settle'>,
  name: string,
  amountCents: number,
  opts: { startDate?: string; through?: string; settled?: boolean } = {},
) {
  const c = await aCustomer(deps, name, null)
  const pm = await aCard(deps.db, deps.gateway, h.tokenize, c.id)
  const agr = await anAgreement(deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: pm, startDate: opts.startDate ?? '2026-03-01', lines: monthly(amountCents) })
  await (await startBillingRun(deps, { through: opts.through ?? '2026-03-15', actor: null, settleWindowMs: 1000 })).done
  const inv = await deps.db.selectFrom('invoices').select('id').where('agreementId', '=', agr).executeTakeFirstOrThrow()
  const pay = await deps.db.selectFrom('payments').selectAll().where('invoiceId', '=', inv.id).executeTakeFirstOrThrow()
  if (opts.settled ?? true) await h.settle()
  return pay
}
