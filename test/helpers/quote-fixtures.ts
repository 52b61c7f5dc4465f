import type { FastifyInstance } from 'fastify'

/** Builders for quote tests: a customer with a location and contact, and a two-option quote body. */

export interface TestCustomer {
  id: string
  locationId: string
  email: string
}

export async function createCustomer(app: FastifyInstance, headers: Record<string, string>, name = 'Ada Lovelace', email = 'ada@example.com'): Promise<TestCustomer> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/customers',
    headers,
    payload: {
      name,
      locations: [{ label: 'Home', line1: '12 Elm Street', city: 'Springfield', region: 'IL', postalCode: '62701' }],
      contacts: [{ name, email, isPrimary: true }],
    },
  })
  if (res.statusCode !== 201) throw new Error(`customer: ${res.statusCode} ${res.body}`)
  const c = res.json()
  return { id: c.id, locationId: c.locations[0].id, email }
}

/** ISO date `days` from today (UTC; the tests' company zone default is close enough a day either side). */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

export function quoteBody(c: TestCustomer, over: Record<string, unknown> = {}) {
  return {
    customerId: c.id,
    locationId: c.locationId,
    title: 'HVAC maintenance',
    startDate: inDays(7),
    expiresOn: inDays(30),
    taxRatePpm: 82_500,
    termsText: 'Twice-yearly tune-ups. Cancel any time with 30 days notice.',
    options: [
      {
        name: 'Basic',
        priceCents: 2999,
        isTaxable: true,
        billingFrequency: 'monthly',
        termMonths: 12,
        visitsPerTerm: 2,
        visitMonths: [],
        extraLines: [{ description: 'Setup fee', amountCents: 4900, recurring: false, taxable: false }],
      },
      {
        name: 'Premium',
        priceCents: 14900,
        isTaxable: true,
        billingFrequency: 'quarterly',
        termMonths: 24,
        visitsPerTerm: 4,
        visitMonths: [],
        extraLines: [],
      },
    ],
    ...over,
  }
}

/** The sign-up token in a quote email body. */
export function tokenFrom(text: string): string {
  const m = /\/q\/([A-Za-z0-9_-]{43})/.exec(text)
  if (!m) throw new Error(`no sign-up link in: ${text.slice(0, 300)}`)
  return m[1]
}
