import type { ServiceDeps } from '../../services/deps.ts'
import { getDashboard } from '../../services/dashboard/dashboard.ts'
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
]
