import type { CustomerDto } from '../../contracts/customers.ts'
import type { PlanDto } from '../../contracts/plans.ts'
import type { QuoteInput, QuoteOptionInput } from '../../contracts/quotes.ts'
import { AppError } from '../../domain/errors.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { approveAgreement } from '../agreements/approve-agreement.ts'
import type { ServiceDeps } from '../deps.ts'
import { acceptSignup } from '../quotes/accept-quote.ts'
import { createQuote } from '../quotes/manage-quotes.ts'
import { companyToday } from '../settings/company-settings.ts'
import { declineSignup, openSignup } from '../quotes/public-signup.ts'
import { loadQuote } from '../quotes/quote-repository.ts'
import { sendQuote } from '../quotes/send-quote.ts'

/**
 * The demo's quotes and agreements, made the way the office and its customers make them: quotes
 * through the quote services, sign-ups through the hosted sign-up flow (card tokenized at the
 * gateway's CardSecure tokenizer, stored by a $0 verification through `deps.gateway`), and the
 * office's approval, which creates the work orders. Start dates lie in the past months, so
 * Bill all has due periods; one commercial agreement bills $1,116.00, an amount the CardPointe
 * UAT (and the local sandbox) declines (RPCT 116, insufficient funds), so a run has a failure.
 */

/** The hosted page's request details recorded with each demo e-signature. */
const SIGNUP_META = { ip: '203.0.113.10', userAgent: 'Servicebook demo data' }

export interface DemoWorkflowCounts {
  quotes: number
  /** Approved (active) agreements. */
  agreements: number
  /** Signed up, waiting for the office's approval. */
  awaitingApproval: number
  /** Why no (or not all) agreements were made: the gateway could not be reached, … */
  agreementsSkipped?: string
  /** An unexpected error that stopped the quotes (the start goes on). */
  quotesFailed?: string
}

interface AgreementSpec {
  customer: number
  plan: number | 'commercial'
  startDaysAgo: number
  pan: string
}

/** The 10 active agreements: customer index, plan, start (days before today), card. */
const AGREEMENTS: AgreementSpec[] = [
  { customer: 1, plan: 0, startDaysAgo: 160, pan: '4788250000121443' },
  { customer: 2, plan: 1, startDaysAgo: 145, pan: '5454545454545454' },
  { customer: 3, plan: 2, startDaysAgo: 130, pan: '4788250000121443' },
  { customer: 4, plan: 3, startDaysAgo: 115, pan: '371449635398431' },
  { customer: 5, plan: 0, startDaysAgo: 96, pan: '6011000995500000' },
  { customer: 7, plan: 1, startDaysAgo: 75, pan: '4111111111111111' },
  { customer: 8, plan: 2, startDaysAgo: 60, pan: '5454545454545454' },
  { customer: 9, plan: 0, startDaysAgo: 41, pan: '4788250000121443' },
  { customer: 10, plan: 1, startDaysAgo: 12, pan: '5454545454545454' },
  // $1,116.00 a month: the gateway's UAT declines it (insufficient funds) at every charge.
  { customer: 16, plan: 'commercial', startDaysAgo: 20, pan: '4111111111111111' },
]

const COMMERCIAL: QuoteOptionInput = {
  name: 'Commercial Rooftop Care – 12 units',
  description: 'Monthly filter changes and coil cleaning on 12 rooftop units, quarterly inspections, 4-hour response.',
  planId: null,
  priceCents: 111_600,
  isTaxable: false,
  billingFrequency: 'monthly',
  billingIntervalMonths: undefined,
  termMonths: 12,
  visitsPerTerm: 4,
  visitMonths: [],
  extraLines: [],
}

const TERMS = 'Service as described for the term shown. Billed automatically to the payment method on file. Cancel with 30 days notice.'


const optionFrom = (p: PlanDto, over: Partial<QuoteOptionInput> = {}): QuoteOptionInput => ({
  name: p.name,
  description: p.description,
  planId: p.id,
  priceCents: p.priceCents,
  isTaxable: p.isTaxable,
  billingFrequency: p.billingFrequency,
  billingIntervalMonths: p.billingFrequency === 'every_n_months' ? p.billingIntervalMonths : undefined,
  termMonths: p.termMonths,
  visitsPerTerm: p.visitsPerTerm,
  visitMonths: p.visitMonths,
  extraLines: [],
  ...over,
})

const quoteFor = (c: CustomerDto, title: string, startDate: string, expiresOn: string, options: QuoteOptionInput[]): QuoteInput => ({
  customerId: c.id,
  locationId: c.locations[0]!.id,
  title,
  startDate,
  expiresOn,
  taxRatePpm: 72_500,
  termsText: TERMS,
  options,
})

async function createDemoQuote(deps: ServiceDeps, input: QuoteInput, out: DemoWorkflowCounts) {
  const q = await createQuote(deps, input, null)
  out.quotes++
  return q
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * Quotes in each state and, when the gateway answers, signed-up and approved agreements. Never
 * throws: what could not be made is left out and the reason returned.
 */
export async function seedDemoWorkflow(deps: ServiceDeps, customers: CustomerDto[], plans: PlanDto[]): Promise<DemoWorkflowCounts> {
  const out: DemoWorkflowCounts = { quotes: 0, agreements: 0, awaitingApproval: 0 }
  try {
    await seedQuotes(deps, customers, plans, out)
  } catch (err) {
    out.quotesFailed = message(err)
    out.agreementsSkipped = 'the demo quotes could not be made'
    return out
  }
  try {
    const unreachable = await gatewayProblem(deps)
    if (unreachable) out.agreementsSkipped = unreachable
    else await seedAgreements(deps, customers, plans, out)
  } catch (err) {
    out.agreementsSkipped = `stopped after ${out.agreements} agreements: ${err instanceof AppError ? `${err.code}: ${err.message}` : message(err)}`
  }
  return out
}

async function seedQuotes(deps: ServiceDeps, customers: CustomerDto[], plans: PlanDto[], out: DemoWorkflowCounts): Promise<void> {
  const today = await companyToday(deps)
  const [basic, premium, pest, water] = plans as [PlanDto, PlanDto, PlanDto, PlanDto]
  const newQuote = (input: QuoteInput) => createDemoQuote(deps, input, out)

  // Drafts: a good/better choice still being put together, and a pest quote.
  await newQuote(quoteFor(customers[12]!, 'Heating & cooling maintenance', addDays(today, 14), addDays(today, 30), [optionFrom(basic), optionFrom(premium)]))
  await newQuote(quoteFor(customers[13]!, 'Quarterly pest protection', addDays(today, 7), addDays(today, 30), [optionFrom(pest)]))
  // Sent, and sent then opened by the customer.
  const sent = await newQuote(quoteFor(customers[14]!, 'Water heater care', addDays(today, 10), addDays(today, 21), [optionFrom(water)]))
  await sendQuote(deps, sent.id, {}, null)
  const viewed = await newQuote(quoteFor(customers[15]!, 'HVAC Comfort Club', addDays(today, 5), addDays(today, 28), [optionFrom(basic), optionFrom(premium)]))
  await sendQuote(deps, viewed.id, {}, null)
  await openSignup(deps, await signupToken(deps, viewed.id), SIGNUP_META)
  // Declined by the customer.
  const declined = await newQuote(quoteFor(customers[17]!, 'Pest protection', addDays(today, 3), addDays(today, 20), [optionFrom(pest)]))
  await sendQuote(deps, declined.id, {}, null)
  await declineSignup(deps, await signupToken(deps, declined.id), 'We are going with a cheaper company for now.', SIGNUP_META)
}

async function seedAgreements(deps: ServiceDeps, customers: CustomerDto[], plans: PlanDto[], out: DemoWorkflowCounts): Promise<void> {
  const today = await companyToday(deps)
  const premium = plans[1]!
  const expiry = `12${String((Number(today.slice(0, 4)) + 4) % 100).padStart(2, '0')}`
  const signUp = async (customer: CustomerDto, input: QuoteInput, pan: string) => {
    const quote = await createDemoQuote(deps, input, out)
    await sendQuote(deps, quote.id, {}, null)
    const link = await signupToken(deps, quote.id)
    await openSignup(deps, link, SIGNUP_META)
    const cardToken = await tokenizeCard(deps.gatewayBrowserUrl, pan, expiry)
    const signer = customer.contacts[0]?.name ?? customer.name
    // Demo customers agree to automatic renewal where the plan offers it.
    const option = quote.revision.options[0]!
    await acceptSignup(deps, link, { optionId: option.id, signerName: signer, consent: true, autoRenewConsent: option.autoRenew, paymentMethod: { kind: 'card', token: cardToken, expiry } }, SIGNUP_META)
    const agreementId = (await loadQuote(deps.db, quote.id)).agreementId
    if (!agreementId) throw new Error(`the sign-up of quote ${quote.number} made no agreement`)
    return agreementId
  }
  for (const spec of AGREEMENTS) {
    const customer = customers[spec.customer]!
    const option = spec.plan === 'commercial' ? COMMERCIAL : optionFrom(plans[spec.plan]!)
    const startDate = addDays(today, -spec.startDaysAgo)
    const agreementId = await signUp(customer, quoteFor(customer, option.name, startDate, addDays(today, 30), [option]), spec.pan)
    await approveAgreement(deps, agreementId, null)
    out.agreements++
  }
  // Signed up on the hosted page, waiting for the office.
  await signUp(customers[11]!, quoteFor(customers[11]!, 'HVAC Comfort Club', addDays(today, 7), addDays(today, 30), [optionFrom(premium)]), '5454545454545454')
  out.awaitingApproval++
}

/** Why the gateway cannot store the demo cards, or null when it answers. */
async function gatewayProblem(deps: ServiceDeps): Promise<string | null> {
  const lookup = await deps.gateway.inquireByOrderId({ orderId: deps.gateway.newOrderId() })
  if (lookup.status === 'unavailable') return `the payment gateway at ${deps.gatewayBrowserUrl} did not answer (${lookup.cause.message}); start it (npm start runs the CardPointe sandbox) for demo agreements`
  return null
}

/**
 * The card token, as the hosted page's iFrame tokenizer would give it: CardSecure's tokenize
 * endpoint at the gateway's browser URL (the payment gateway port has no tokenizer of its own:
 * card numbers never reach Servicebook, except these public UAT test cards).
 */
async function tokenizeCard(gatewayBrowserUrl: string, pan: string, expiry: string): Promise<string> {
  const res = await fetch(`${gatewayBrowserUrl.replace(/\/$/, '')}/cardsecure/api/v1/ccn/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: pan, expiry }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json().catch(() => ({}))) as { token?: string; errorcode?: string; message?: string }
  if (!res.ok || body.errorcode !== '0' || !body.token) throw new Error(`tokenizing a test card failed: HTTP ${res.status} ${body.message ?? ''}`.trim())
  return body.token
}

/** The sign-up token, as the customer gets it: from the link in the quote email just queued. */
async function signupToken(deps: ServiceDeps, quoteId: string): Promise<string> {
  const mail = await deps.db
    .selectFrom('emailOutbox')
    .select('textBody')
    .where('kind', '=', 'quote.sent')
    .where('relatedId', '=', quoteId)
    .orderBy('createdAt', 'desc')
    .executeTakeFirstOrThrow()
  const m = /\/q\/([A-Za-z0-9_-]{43})/.exec(mail.textBody)
  if (!m) throw new Error(`no sign-up link in the email of quote ${quoteId}`)
  return m[1]!
}
