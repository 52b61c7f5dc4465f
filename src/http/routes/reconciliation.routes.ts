import { ReconcileInput, type ReconciliationDto } from '../../contracts/reconciliation.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { connectedLedger } from '../../services/quickbooks/quickbooks-runtime.ts'
import { reconcileDays, settlementReportsOf } from '../../services/reconciliation/reconcile.ts'
import { defineRoute, OFFICE } from '../route.ts'

/** Three-way reconciliation (issue 10). */
export const reconciliationRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'POST',
    url: '/api/reconciliation',
    summary:
      "Reconciles company-local days (default the last 7): the gateway's settlements, our payments and QuickBooks' payments side by side, every mismatch with a link. Applies bank returns found in the gateway's funding reports (once). POST because of that",
    tag: 'billing',
    access: OFFICE,
    body: ReconcileInput,
    handler: async ({ body }): Promise<ReconciliationDto> => reconcileDays(deps, { reports: settlementReportsOf(deps.gateway), ledger: await connectedLedger(deps) }, body),
  }),
]
