import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import { AgreementExportQuery, AgreementListQuery, AutoRenewInput, CloseAgreementInput, ClosePreviewQuery, RejectAgreementInput } from '../../contracts/agreements.ts'
import { IdParams } from '../../contracts/common.ts'
import { formatUsd } from '../../domain/money.ts'
import { listAuditEvents } from '../../services/audit/record-audit-event.ts'
import { listAgreements, streamAgreements, type ExportRow } from '../../services/agreements/agreement-list.ts'
import { loadAgreement } from '../../services/agreements/agreement-repository.ts'
import { approveAgreement, rejectAgreement } from '../../services/agreements/approve-agreement.ts'
import { closeAgreement, planClose } from '../../services/agreements/close-agreement.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { setAutoRenew } from '../../services/renewals/auto-renewal.ts'
import { agreementRenewals } from '../../services/renewals/bulk-renewals.ts'
import { companyToday } from '../../services/settings/company-settings.ts'
import { defineRoute, OFFICE } from '../route.ts'

/** A spreadsheet must not run a cell as a formula (CSV injection): text starting with = + - @ or a control gets a leading '. */
const cell = (v: string | null) => (v && /^[=+\-@\t\r]/.test(v) ? `'${v}` : (v ?? ''))

const CSV_COLUMNS: [string, (r: ExportRow) => string | number][] = [
  ['number', (r) => r.number],
  ['status', (r) => r.status],
  ['customer', (r) => cell(r.customerName)],
  ['agreement', (r) => cell(r.name)],
  ['plan', (r) => cell(r.planName)],
  ['location', (r) => cell(r.location)],
  ['start_date', (r) => r.startDate],
  ['end_date', (r) => r.endDate ?? ''],
  ['billing_interval_months', (r) => r.billingIntervalMonths],
  ['per_bill', (r) => formatUsd(r.perPeriodCents)],
  ['per_bill_cents', (r) => r.perPeriodCents],
  ['next_bill_date', (r) => r.nextBillDate ?? ''],
  ['auto_renew', (r) => (r.autoRenew ? 'yes' : 'no')],
  ['closes_on', (r) => r.closeOn ?? ''],
  ['id', (r) => r.id],
]

export const agreementsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/agreements',
    summary: 'List agreements: filter (expiring within N days, status, plan, billing interval, next bill dates, auto-renew, customer search), sort, keyset paging',
    description: 'Answers `{ items, total, nextCursor }`; pass `cursor=<nextCursor>` with the same filters and order for the next page (fast at any depth). `page` still works for short lists.',
    tag: 'agreements',
    access: OFFICE,
    query: AgreementListQuery,
    handler: async ({ query }) => listAgreements(deps.db, query, await companyToday(deps)),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/agreements/export.csv',
    summary: 'The filtered agreements list as CSV, streamed (every matching row, in the list order)',
    tag: 'agreements',
    access: OFFICE,
    query: AgreementExportQuery,
    handler: async ({ query, reply }) => {
      const today = await companyToday(deps)
      const rows = Readable.from(
        (async function* () {
          for await (const batch of streamAgreements(deps.db, query, today)) for (const r of batch) yield CSV_COLUMNS.map(([, f]) => f(r))
        })(),
      )
      const csv = rows.pipe(stringify({ header: true, columns: CSV_COLUMNS.map(([name]) => name) }))
      rows.on('error', (err) => csv.destroy(err))
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="agreements-${today}.csv"`).send(csv)
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/agreements/:id',
    summary: 'One agreement: lines and totals, payment method (brand and last four), signature record, work orders, renewal and closing state',
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
    method: 'GET',
    url: '/api/agreements/:id/renewals',
    summary: "An agreement's renewal timeline: notices, renewal quotes and reminders sent, opened and accepted",
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      await loadAgreement(deps.db, params.id)
      return { items: await agreementRenewals(deps.db, params.id, deps.clock.now()) }
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/agreements/:id/close-preview',
    summary: 'What closing would do: the last day of service, each refund (prorated, in cents), invoices voided, visits cancelled',
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    query: ClosePreviewQuery,
    handler: async ({ params, query }) => planClose(deps, params.id, query),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/close',
    summary: 'Close an agreement now (optionally refunding the unused days, prorated) or at the end of the current period; visits cancelled, customer emailed',
    description: 'Answers what was done (see close-preview). A second click while the first is closing gets 409 and changes nothing.',
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    body: CloseAgreementInput,
    errors: { 409: 'agreement_close_not_allowed (not running) or agreement_closing (a closing is under way)' },
    handler: async ({ params, body, auth }) => closeAgreement(deps, params.id, body, auth.user.id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/agreements/:id/auto-renew',
    summary: "Turn automatic renewal off (any time) or on (only with the customer's consent), and set the next renewal's price change",
    tag: 'agreements',
    access: OFFICE,
    params: IdParams,
    body: AutoRenewInput,
    errors: { 409: 'auto_renew_needs_consent: the customer has not agreed (or turned it off themselves)' },
    handler: async ({ params, body, auth }) => setAutoRenew(deps, params.id, body, auth.user.id),
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
