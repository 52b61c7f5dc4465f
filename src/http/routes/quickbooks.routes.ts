import { PageQuery } from '../../contracts/common.ts'
import { QueueIdParams, QuickBooksCallbackQuery, QuickBooksMappingInput } from '../../contracts/quickbooks.ts'
import { AppError } from '../../domain/errors.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { disconnect, finishConnect, getQuickBooksStatus, mappingOptions, startConnect, updateMapping } from '../../services/quickbooks/quickbooks-connection.ts'
import { listSyncErrors, retryAllSyncErrors, retrySyncEntry } from '../../services/quickbooks/quickbooks-sync-errors.ts'
import { ADMIN, defineRoute, OFFICE } from '../route.ts'

/** Settings → QuickBooks (admins) and the sync errors list (office). */
export const quickbooksRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/quickbooks',
    summary: 'The QuickBooks connection: company, realm, health (token expiry, last push), mapping, queue counts',
    tag: 'quickbooks',
    access: OFFICE,
    handler: async () => ({ ...(await getQuickBooksStatus(deps)), configured: !!deps.quickbooks }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quickbooks/connect',
    summary: "Starts connecting: a `state` bound to this session and the consent page's URL to send the browser to",
    tag: 'quickbooks',
    access: ADMIN,
    handler: async ({ auth }) => startConnect(deps, auth.sessionId),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quickbooks/callback',
    summary: "Intuit's redirect after consent: checks `state` against this session, stores the tokens sealed, then redirects to Settings → QuickBooks",
    tag: 'quickbooks',
    access: ADMIN,
    query: QuickBooksCallbackQuery,
    handler: async ({ query, auth, reply, req }) => {
      try {
        await finishConnect(deps, query, auth.sessionId, auth.user.id)
        return reply.redirect('/settings/quickbooks?connected=1')
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        req.log.warn({ code: err.code }, 'quickbooks connect refused')
        return reply.redirect(`/settings/quickbooks?error=${encodeURIComponent(err.code)}&message=${encodeURIComponent(err.message)}`)
      }
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/quickbooks',
    summary: 'Disconnects: revokes the grant at Intuit and forgets the tokens; queued work waits for the next connection',
    tag: 'quickbooks',
    access: ADMIN,
    handler: async ({ auth }) => disconnect(deps, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quickbooks/mapping-options',
    summary: "The connected company's service items, deposit accounts and payment methods, for the mapping form",
    tag: 'quickbooks',
    access: ADMIN,
    handler: async () => mappingOptions(deps),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/quickbooks/mapping',
    summary: 'Sets the service item, deposit account, card and bank payment methods and how sales tax is sent',
    tag: 'quickbooks',
    access: ADMIN,
    body: QuickBooksMappingInput,
    handler: async ({ body, auth }) => updateMapping(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/quickbooks/sync-errors',
    summary: "What did not reach QuickBooks: QuickBooks' message, a fix hint, the invoice it is about",
    tag: 'quickbooks',
    access: OFFICE,
    query: PageQuery,
    handler: async ({ query }) => listSyncErrors(deps, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quickbooks/sync-errors/:id/retry',
    summary: 'Sends one entry to QuickBooks again now',
    tag: 'quickbooks',
    access: OFFICE,
    params: QueueIdParams,
    handler: async ({ params, auth }) => retrySyncEntry(deps, params.id, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/quickbooks/sync-errors/retry-all',
    summary: 'Sends every failed entry to QuickBooks again now',
    tag: 'quickbooks',
    access: OFFICE,
    handler: async ({ auth }) => retryAllSyncErrors(deps, auth.user.id),
  }),
]
