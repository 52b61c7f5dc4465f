import { PlanInput, PlanListQuery } from '../../contracts/plans.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { createPlan, getPlan, listPlans, setPlanArchived, updatePlan } from '../../services/plans/manage-plans.ts'
import { pageOf } from '../paging.ts'
import { defineRoute, OFFICE } from '../route.ts'
import { ArchiveInput } from './customers.routes.ts'
import { IdParams } from '../../contracts/common.ts'

export const plansRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/plans',
    summary: 'List agreement plan templates; paginated',
    tag: 'plans',
    access: OFFICE,
    query: PlanListQuery,
    // listPlans takes the page number itself rather than limit/offset.
    handler: async ({ query }) => pageOf(query, ({ q }) => listPlans(deps, { q, archived: query.archived === 'true', page: query.page, pageSize: query.pageSize })),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/plans/:id',
    summary: 'One plan template',
    tag: 'plans',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => getPlan(deps, params.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/plans',
    summary: 'Create a plan template',
    tag: 'plans',
    access: OFFICE,
    body: PlanInput,
    status: 201,
    handler: async ({ body, auth }) => createPlan(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/plans/:id',
    summary: 'Replace a plan template',
    tag: 'plans',
    access: OFFICE,
    params: IdParams,
    body: PlanInput,
    handler: async ({ params, body, auth }) => updatePlan(deps, params.id, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/plans/:id/archive',
    summary: 'Archive or restore a plan template',
    tag: 'plans',
    access: OFFICE,
    params: IdParams,
    body: ArchiveInput,
    handler: async ({ params, body, auth }) => setPlanArchived(deps, params.id, body.archived, auth.user.id),
  }),
]
