import { IdParams } from '../../contracts/common.ts'
import { QuoteInput, QuoteListQuery, RevisionQuery, SendQuoteInput } from '../../contracts/quotes.ts'
import { quoteLabel } from '../../domain/quote-text.ts'
import { listAuditEvents } from '../../services/audit/record-audit-event.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { createQuote, expireDueQuotes, reviseQuote, updateQuote } from '../../services/quotes/manage-quotes.ts'
import { loadQuote, searchQuotes } from '../../services/quotes/quote-repository.ts'
import { quotePdf, sendQuote } from '../../services/quotes/send-quote.ts'
import { pageOf } from '../paging.ts'
import { defineRoute, OFFICE } from '../route.ts'

export const quotesRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/quotes',
    summary: 'List quotes (newest first, or by sent date, expiry, number or customer) with the amount per bill and sent date; filter by status, search by customer, title or number; paginated',
    tag: 'quotes',
    access: OFFICE,
    query: QuoteListQuery,
    handler: async ({ query }) => {
      await expireDueQuotes(deps)
      return pageOf(query, (opts) => searchQuotes(deps.db, opts))
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quotes/:id',
    summary: 'One quote with its current revision (or ?revision=n), options and totals',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    query: RevisionQuery,
    handler: async ({ params, query }) => {
      await expireDueQuotes(deps)
      return loadQuote(deps.db, params.id, query.revision)
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quotes/:id/history',
    summary: "A quote's audit trail",
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      await loadQuote(deps.db, params.id)
      return { items: await listAuditEvents(deps.db, 'quote', params.id) }
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quotes/:id/pdf',
    summary: 'The quote as a PDF (current revision or ?revision=n)',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    query: RevisionQuery,
    handler: async ({ params, query, reply }) => {
      const quote = await loadQuote(deps.db, params.id, query.revision)
      const pdf = await quotePdf(deps, quote)
      const name = `quote-${quoteLabel(quote.number)}-rev${quote.revision.revision}.pdf`
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}"`).send(pdf)
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quotes',
    summary: 'Create a draft quote with up to three options',
    tag: 'quotes',
    access: OFFICE,
    body: QuoteInput,
    status: 201,
    handler: async ({ body, auth }) => createQuote(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/quotes/:id',
    summary: 'Replace a draft quote (a sent quote changes only by a new revision)',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    body: QuoteInput,
    handler: async ({ params, body, auth }) => updateQuote(deps, params.id, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quotes/:id/send',
    summary: 'Send a draft quote: freeze the revision, email the PDF and a secure sign-up link',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    body: SendQuoteInput,
    handler: async ({ params, body, auth }) => sendQuote(deps, params.id, { ...(body.to ? { to: body.to } : {}) }, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quotes/:id/resend',
    summary: 'Email a fresh sign-up link for the sent revision; earlier links stop working',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    body: SendQuoteInput,
    handler: async ({ params, body, auth }) => sendQuote(deps, params.id, { ...(body.to ? { to: body.to } : {}), resend: true }, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quotes/:id/revise',
    summary: 'Start a new draft revision of a sent, viewed, declined or expired quote',
    tag: 'quotes',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => reviseQuote(deps, params.id, auth.user.id),
  }),
]
