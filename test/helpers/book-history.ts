import { deliverDueEmails } from '../../src/services/email/outbox.ts'
import { billingAttachmentRenderers } from '../../src/services/billing/billing-emails.ts'
import { refundPayment, voidPayment } from '../../src/services/billing/office-actions.ts'
import type { SandboxHarness } from '../../src/integrations/cardpointe/test-sandbox.ts'
import { aCardPayment } from './billing-fixtures.ts'
import type { MailCapture } from './mail-capture.ts'
import { createCustomer, quoteBody, tokenFrom } from './quote-fixtures.ts'
import { loginHeaders, type TestApp } from './test-app.ts'

/** The test card a customer types on the sign-up page; it must never be stored anywhere. */
export const SIGNUP_CARD = '4111111111111111'

/**
 * A book with some history, for tests that move or back up a whole database: an office user; a
 * quote sent, signed up with a card through the hosted page and approved (work orders, schedule
 * changes, signatures); three agreements billed by billing runs and charged at the sandbox; one
 * payment partly refunded and one voided (reversals, money ledger); every queued email delivered.
 */
export async function buildBookHistory(t: TestApp, h: Pick<SandboxHarness, 'tokenize' | 'settle'>, mail: MailCapture) {
  const officeEmail = await t.addUser('office')
  const office = await loginHeaders(t.app, officeEmail)
  const call = async (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = office) => {
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const customer = await createCustomer(t.app, office, 'Ada Lovelace', 'ada@example.com')
  const quote = await call('POST', '/api/quotes', quoteBody(customer))
  await call('POST', `/api/quotes/${quote.id}/send`, {})
  const sent = await t.deps.db.selectFrom('emailOutbox').select('textBody').where('relatedId', '=', quote.id).executeTakeFirstOrThrow()
  const token = tokenFrom(sent.textBody)
  const view = await call('GET', `/api/signup/${token}`, undefined, {})
  const card = { kind: 'card', token: await h.tokenize(SIGNUP_CARD), expiry: '1230' }
  await call('POST', `/api/signup/${token}/accept`, { optionId: view.revision.options[0].id, signerName: 'Ada Lovelace', consent: true, paymentMethod: card }, {})
  const signedUp = await t.deps.db.selectFrom('agreements').select('id').where('quoteId', '=', quote.id).executeTakeFirstOrThrow()
  await call('POST', `/api/agreements/${signedUp.id}/approve`, {})

  const payments = []
  // The last one stays unsettled at the gateway, so it can be voided (a settled one is refunded).
  for (const [name, cents, settled] of [['Grace Hopper', 5000, true], ['Alan Turing', 7000, true], ['Edsger Dijkstra', 9000, false]] as const)
    payments.push(await aCardPayment(t.deps, h, name, cents, { settled }))
  await refundPayment(t.deps, payments[0]!.id, { amountCents: 1500, reason: 'Goodwill' }, null)
  await voidPayment(t.deps, payments[2]!.id, 'Charged by mistake', null)
  const delivered = await deliverDueEmails({ db: t.deps.db, clock: t.deps.clock, mailer: mail.mailer, from: '"Servicebook" <no-reply@servicebook.local>', renderers: billingAttachmentRenderers })
  return { officeEmail, agreementId: signedUp.id, payments, delivered }
}
