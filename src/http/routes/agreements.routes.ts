import { AgreementListQuery, RejectAgreementInput } from '../../contracts/agreements.ts'
import { IdParams } from '../../contracts/common.ts'
import { listAuditEvents } from '../../services/audit/record-audit-event.ts'
import { loadAgreement, searchAgreements } from '../../services/agreements/agreement-repository.ts'
import { approveAgreement, rejectAgreement } from '../../services/agreements/approve-agreement.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { pageOf } from '../paging.ts'
import { defineRoute, OFFICE } from '../route.ts'

export const agreementsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/agreements',
    summary: 'List agreements, newest first; filter by status, search by customer, name or number; paginated',
    tag: 'agreements',
    access: OFFICE,
    query: AgreementListQuery,
    // q, status and customerId pass straight through: the search skips the empty ones.
    handler: async ({ query }) => pageOf(query, (opts) => searchAgreements(deps.db, opts)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/agreements/:id',
    summary: 'One agreement: lines and totals, payment method (brand and last four), signature record, work orders',
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => loadAgreement(deps.db, params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/agreements/:id/history',
    summary: "An agreement's audit trail: every status change with who and when",
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      await loadAgreement(deps.db, params.id)
      return { items: await listAuditEvents(deps.db, 'agreement', params.id) }
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/approve',
    summary: 'Approve a signed-up agreement: it becomes active and its visits become work orders',
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => approveAgreement(deps, params.id, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/reject',
    summary: 'Reject a signed-up agreement with a reason (the customer is emailed)',
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    body: RejectAgreementInput,
    handler: async ({ params, body, auth }) => rejectAgreement(deps, params.id, body.reason, auth.user.id),
  }),
]
