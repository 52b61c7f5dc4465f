import { EmailListQuery, type SystemDto } from '../../contracts/emails.ts'
import { IdParams } from '../../contracts/common.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { listOutbox, outboxCounts, retryEmail } from '../../services/email/outbox.ts'
import { ANY_ROLE, defineRoute, OFFICE } from '../route.ts'

export interface SystemRouteOptions {
  /** The local mail capture's page, when one is in use (no SMTP_URL). */
  mailboxUrl?: string | null
}

export const emailsRoutes = (deps: ServiceDeps, opts: SystemRouteOptions) => [
  defineRoute({
    method: 'GET',
    url: '/api/emails',
    summary: 'The email outbox, newest first; filter by status (pending, sent, failed); paginated',
    tag: 'emails',
    access: OFFICE,
    query: EmailListQuery,
    handler: async ({ query }) => listOutbox(deps.db, { ...(query.status ? { status: query.status } : {}), page: query.page, pageSize: query.pageSize }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/emails/:id/retry',
    summary: 'Queue a failed email again with a fresh set of attempts',
    tag: 'emails',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      const email = await retryEmail(deps.db, params.id, deps.clock.now())
      deps.kickOutbox?.()
      return email
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/system',
    summary: 'Installation facts for the office app: the local mailbox link, outbox counts',
    tag: 'system',
    access: ANY_ROLE,
    handler: async (): Promise<SystemDto> => ({ mailboxUrl: opts.mailboxUrl ?? null, emailOutbox: await outboxCounts(deps.db) }),
  }),
]
