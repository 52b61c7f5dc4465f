import {
  BillingSettingsInput,
  BillingThroughQuery,
  InvoiceListQuery,
  OfflinePaymentInput,
  PaymentListQuery,
  PaymentUpdateInput,
  PaymentUpdateParams,
  ReasonInput,
  RefundInput,
  StartRunInput,
  type ReversalConfirmDto,
} from '../../contracts/billing.ts'
import { IdParams, PageQuery } from '../../contracts/common.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { getBillingSettings, updateBillingSettings } from '../../services/billing/billing-settings.ts'
import { getInvoice, getRun, invoicePdfFor, listFailedPayments, listInvoices, listPayments, listRuns, quickBooksQueueSummary } from '../../services/billing/billing-queries.ts'
import { chargeInvoiceNow, reactivateAgreement, recordOfflinePayment, refundPayment, confirmReversal, suspendAgreement, voidInvoice, voidPayment } from '../../services/billing/office-actions.ts'
import { openPaymentUpdate, submitPaymentUpdate } from '../../services/billing/payment-update.ts'
import { previewBilling } from '../../services/billing/preview-billing.ts'
import { sendAgreementPaymentLink, sendPaymentLink } from '../../services/billing/send-payment-link.ts'
import { startBillingRun } from '../../services/billing/run-billing.ts'
import { ADMIN, defineRoute, OFFICE } from '../route.ts'

const byIp = ({ ip }: { ip: string }) => `pay|${ip}`
const byIpAndLink = ({ ip, params }: { ip: string; params: { token: string } }) => `pay-submit|${ip}|${params.token}`

/** Bill all, invoices, failed payments and the office's payment actions (issue 5). */
export const billingRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/billing/preview',
    summary: 'What a run through the date (default: today in the company time zone) would bill; charges nothing',
    tag: 'billing',
    access: OFFICE,
    query: BillingThroughQuery,
    handler: async ({ query }) => previewBilling(deps, { ...(query.through ? { through: query.through } : {}), limit: 200 }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/runs',
    summary: 'Start Bill all; 409 while a run is in progress. Poll GET /api/billing/runs/:id for progress',
    tag: 'billing',
    access: OFFICE,
    body: StartRunInput,
    status: 202,
    handler: async ({ body, auth, req }) => {
      const run = await startBillingRun(deps, { ...(body.through ? { through: body.through } : {}), actor: auth.user.id })
      void run.done.then(
        (s) => {
          deps.kickOutbox?.()
          req.log.info({ runId: s.runId, status: s.status, approved: s.approved, declined: s.declined }, 'billing run finished')
        },
        (err: unknown) => req.log.error({ err, runId: run.runId }, 'billing run crashed'),
      )
      return { runId: run.runId, through: run.through }
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/runs',
    summary: 'Past and current billing runs, newest first',
    tag: 'billing',
    access: OFFICE,
    query: PageQuery,
    handler: async ({ query }) => listRuns(deps.db, query.page, query.pageSize),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/runs/:id',
    summary: "A run's status, progress counts and summary",
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => getRun(deps.db, params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/invoices',
    summary: 'Invoices, newest first; filter by status or agreement',
    tag: 'billing',
    access: OFFICE,
    query: InvoiceListQuery,
    handler: async ({ query }) => listInvoices(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/invoices/:id',
    summary: 'One invoice with lines, charge attempts, payments, QuickBooks queue state and history',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => getInvoice(deps.db, params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/invoices/:id/pdf',
    summary: 'The invoice as a PDF',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, reply }) => {
      const { number, pdf } = await invoicePdfFor(deps, params.id)
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="invoice-${number}.pdf"`).send(pdf)
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/payments',
    summary: 'Payments received between company-local dates, newest first, with what they brought in (voided: nothing; else the amount less refunds) over every match',
    tag: 'billing',
    access: OFFICE,
    query: PaymentListQuery,
    handler: async ({ query }) => listPayments(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/failed-payments',
    summary: 'Unpaid invoices after a failed charge: customer, agreement, amount, reason, attempts, next retry',
    tag: 'billing',
    access: OFFICE,
    query: PageQuery,
    handler: async ({ query }) => listFailedPayments(deps.db, query.page, query.pageSize),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/invoices/:id/retry',
    summary: 'Charge an unpaid invoice now with the payment method on file',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => ({ result: (await chargeInvoiceNow(deps, params.id, auth.user.id, 'office')).kind, invoice: await getInvoice(deps.db, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/invoices/:id/payment-link',
    summary: 'Email the customer the secure link to update their payment method and pay this invoice (once per invoice in 10 minutes: a second request says when it went)',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => sendPaymentLink(deps, params.id, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/payment-link',
    summary: "Email the customer the secure payment-update link for the agreement's oldest invoice unpaid after a failure (the page collects all of them)",
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => sendAgreementPaymentLink(deps, params.id, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/invoices/:id/offline-payment',
    summary: 'Record a check, cash or transfer received for an invoice (marks it paid when covered)',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    body: OfflinePaymentInput,
    status: 201,
    handler: async ({ params, body, auth }) => ({ ...(await recordOfflinePayment(deps, params.id, body, auth.user.id)), invoice: await getInvoice(deps.db, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/invoices/:id/void',
    summary: 'Void an unpaid invoice with no payment left standing: nothing is owed and its retries stop',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    body: ReasonInput,
    handler: async ({ params, body, auth }) => ({ ...(await voidInvoice(deps, params.id, body.reason, auth.user.id)), invoice: await getInvoice(deps.db, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/payments/:id/void',
    summary: 'Void a payment (card: through the gateway, before settlement); its invoice owes that amount again',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    body: ReasonInput,
    handler: async ({ params, body, auth }) => voidPayment(deps, params.id, body.reason, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/payments/:id/refund',
    summary: 'Refund all or part of a settled payment through the gateway',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    body: RefundInput,
    handler: async ({ params, body, auth }) => refundPayment(deps, params.id, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/billing/reversals/:id/confirm',
    summary: "Check a void or refund whose gateway answer was lost against the gateway's records now; answers its status (still pending if the gateway cannot tell yet)",
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }): Promise<ReversalConfirmDto> => ({ id: params.id, status: await confirmReversal(deps, params.id, auth.user.id) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/quickbooks-queue',
    summary: 'Invoices and payments waiting for QuickBooks (queued until the QuickBooks integration delivers them)',
    tag: 'billing',
    access: OFFICE,
    handler: async () => quickBooksQueueSummary(deps.db),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/billing/settings',
    summary: 'Billing settings: suspension on failure, customer emails, retry schedule, concurrency',
    tag: 'billing',
    access: OFFICE,
    handler: async () => getBillingSettings(deps.db),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/billing/settings',
    summary: 'Change the billing settings',
    tag: 'billing',
    access: ADMIN,
    body: BillingSettingsInput,
    handler: async ({ body, auth }) => updateBillingSettings(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/suspend',
    summary: 'Suspend an agreement and its work orders',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    body: ReasonInput,
    handler: async ({ params, body, auth }) => suspendAgreement(deps, params.id, body.reason, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/agreements/:id/reactivate',
    summary: 'Reactivate a suspended agreement and its work orders (once nothing is unpaid)',
    tag: 'billing',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params, auth }) => reactivateAgreement(deps, params.id, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/pay/:token',
    summary: 'The hosted payment-update page: what is owed and why (from the secure link in the failure email)',
    tag: 'billing',
    access: 'public',
    params: PaymentUpdateParams,
    rateLimit: { max: 60, key: byIp },
    handler: async ({ params }) => openPaymentUpdate(deps, params.token),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/pay/:token',
    summary: 'Put a new card (iFrame tokenizer token) or bank account on file and charge what is owed at once',
    tag: 'billing',
    access: 'public',
    params: PaymentUpdateParams,
    body: PaymentUpdateInput,
    rateLimit: { max: 10, key: byIpAndLink },
    handler: async ({ params, body, req }) => submitPaymentUpdate(deps, params.token, body, { ip: req.ip }),
  }),
]
