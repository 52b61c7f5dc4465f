import { AcceptQuoteInput, DeclineQuoteInput, SignupTokenParams } from '../../contracts/signup.ts'
import { quoteLabel } from '../../domain/quote-text.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { acceptSignup } from '../../services/quotes/accept-quote.ts'
import { declineSignup, openSignup, resolveLink } from '../../services/quotes/public-signup.ts'
import { loadQuote } from '../../services/quotes/quote-repository.ts'
import { quotePdf } from '../../services/quotes/send-quote.ts'
import { defineRoute } from '../route.ts'

/** Per client address: a person signs up in a handful of requests; guessing tokens gets nowhere fast. */
const byIp = ({ ip }: { ip: string }) => `signup|${ip}`
/** Accepting is limited per link and address: card testing through one link stops after a few tries. */
const byIpAndLink = ({ ip, params }: { ip: string; params: { token: string } }) => `signup-accept|${ip}|${params.token}`

/** The customer's hosted sign-up page API: no login, authorized by the link's token only. */
export const signupRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/signup/:token',
    summary: 'The quote behind a sign-up link (marks it viewed); 404 for unknown, replaced or expired links',
    tag: 'signup',
    access: 'public',
    params: SignupTokenParams,
    rateLimit: { max: 60, key: byIp },
    handler: async ({ params, req }) => openSignup(deps, params.token, { ip: req.ip }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/signup/:token/pdf',
    summary: 'The quote PDF for the customer',
    tag: 'signup',
    access: 'public',
    params: SignupTokenParams,
    rateLimit: { max: 20, key: byIp },
    handler: async ({ params, reply }) => {
      const { link } = await resolveLink(deps, params.token)
      const quote = await loadQuote(deps.db, link.quoteId, link.revision)
      const pdf = await quotePdf(deps, quote)
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="quote-${quoteLabel(quote.number)}.pdf"`).send(pdf)
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/signup/:token/accept',
    summary: 'Accept: choose an option, sign, and put a card (gateway token) or bank account on file',
    tag: 'signup',
    access: 'public',
    params: SignupTokenParams,
    body: AcceptQuoteInput,
    rateLimit: { max: 10, key: byIpAndLink },
    handler: async ({ params, body, req }) =>
      acceptSignup(deps, params.token, body, { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/signup/:token/decline',
    summary: 'Decline the quote, optionally with a reason',
    tag: 'signup',
    access: 'public',
    params: SignupTokenParams,
    body: DeclineQuoteInput,
    rateLimit: { max: 10, key: byIp },
    handler: async ({ params, body, req }) => declineSignup(deps, params.token, body.reason, { ip: req.ip }),
  }),
]
