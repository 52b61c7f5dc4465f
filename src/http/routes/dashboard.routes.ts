import type { ServiceDeps } from '../../services/deps.ts'
import { getDashboard } from '../../services/dashboard/dashboard.ts'
import { getToday } from '../../services/dashboard/today.ts'
import { defineRoute, OFFICE } from '../route.ts'

export const dashboardRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/dashboard',
    summary: "The office's morning view: tiles (active agreements, recurring revenue, billed and collected this month, failed payments, approvals, expiring, suspended, renewals, today's visits, QuickBooks errors) with the list each opens, and 12 months of chart series",
    tag: 'dashboard',
    access: OFFICE,
    handler: async () => getDashboard(deps),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/today',
    summary: "What the office needs to do now, the most money at stake first: sign-ups to approve, failed payments, suspended agreements paid since (to reactivate), e-mails that failed; each with where it is acted on",
    tag: 'dashboard',
    access: OFFICE,
    handler: async () => getToday(deps),
  }),
]
