import { Anchor, Button, Stack, Text, Title } from '@mantine/core'
import { IconPlayerPlay } from '@tabler/icons-react'
import { useState } from 'react'
import type { AgreementPage, AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import type { PaymentPage, PaymentRowDto, ReversalRowDto, RunDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { errorMessage } from '../api.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { formatUsd } from '../money.ts'
import { toast } from '../notice.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { FailedPayments } from './billing-failed-payments.tsx'
import { BillingFrame } from './billing-frame.tsx'
import { InvoiceDetail, Invoices } from './billing-invoices.tsx'
import { RUN_STATUS } from './billing-page.tsx'
import { BillingSettingsForm } from './billing-settings-form.tsx'

/** Billing → Failed payments: retry, collect by hand, or ask the customer for new details. */
export function BillingFailedPage() {
  return (
    <BillingFrame>
      <FailedPayments />
    </BillingFrame>
  )
}

/** Billing → Invoices: all invoices, searchable; `?run=` narrows to one run's, `?status=` to a status. */
export function BillingInvoicesPage() {
  const { query } = useLocation()
  const runId = query.get('run')
  const run = useApiQuery<RunDto>(runId ? `/api/billing/runs/${encodeURIComponent(runId)}` : null)
  const label = run.data ? `of ${formatDateTime(run.data.startedAt)}` : '…'
  return (
    <BillingFrame>
      <Invoices
        key={`${runId ?? ''}:${query.get('createdFrom') ?? ''}:${query.get('createdTo') ?? ''}`}
        initialStatus={query.get('status') ?? ''}
        {...(query.get('createdFrom') && query.get('createdTo') ? { created: { from: query.get('createdFrom')!, to: query.get('createdTo')!, billed: query.get('billed') === 'true' } } : {})}
        onClearCreated={() => navigate('/billing/invoices')}
        {...(runId ? { run: { id: runId, label } } : {})}
        onClearRun={() => navigate('/billing/invoices')}
      />
    </BillingFrame>
  )
}

const PAYMENT_STATUS: Record<PaymentRowDto['status'], string> = { approved: 'Received', voided: 'Voided', refunded: 'Refunded', partially_refunded: 'Partly refunded' }
const PAYMENT_METHOD: Record<PaymentRowDto['method'], string> = { card: 'Card', ach: 'Bank account', offline: 'Recorded by hand' }

/** The customer and invoice columns, linked, of a row about one payment (the payments list, the voids and refunds). */
function linkColumns<T extends { customerId: string; customerName: string; invoiceId: string; invoiceNumber: number }>(): Column<T>[] {
  return [
    {
      header: 'Customer',
      cell: (r) => (
        <Anchor component={Link} to={`/customers/${encodeURIComponent(r.customerId)}`}>
          {r.customerName}
        </Anchor>
      ),
    },
    {
      header: 'Invoice',
      cell: (r) => (
        <Anchor component={Link} to={`/billing/invoices/${encodeURIComponent(r.invoiceId)}`}>
          {r.invoiceNumber}
        </Anchor>
      ),
    },
  ]
}

const PAYMENT_COLUMNS: Column<PaymentRowDto>[] = [
  { header: 'Received', cell: (p) => formatDateTime(p.receivedAt) },
  ...linkColumns<PaymentRowDto>(),
  { header: 'Method', cell: (p) => `${PAYMENT_METHOD[p.method]}${p.reference ? ` (${p.reference})` : ''}` },
  { header: 'Amount', cell: (p) => formatUsd(p.amountCents), numeric: true },
  { header: 'Status', cell: (p) => `${PAYMENT_STATUS[p.status]}${p.refundedCents > 0 ? `, ${formatUsd(p.refundedCents)} back` : ''}` },
  { header: 'Collected', cell: (p) => formatUsd(p.keptCents), numeric: true },
]

const REVERSAL_COLUMNS: Column<ReversalRowDto>[] = [
  { header: 'Made', cell: (r) => formatDateTime(r.resolvedAt) },
  { header: 'Kind', cell: (r) => (r.kind === 'void' ? 'Void' : 'Refund') },
  ...linkColumns<ReversalRowDto>(),
  { header: 'Payment received', cell: (r) => formatDateTime(r.paymentReceivedAt) },
  { header: 'Reason', cell: (r) => r.reason },
  { header: 'Amount', cell: (r) => `−${formatUsd(r.amountCents)}`, numeric: true },
]

/** Billing → Payments: payments received, newest first; `?receivedFrom=&receivedTo=` (the dashboard's collected tile) narrows to those dates. */
export function BillingPaymentsPage() {
  const { query } = useLocation()
  const [from, to] = [query.get('receivedFrom') ?? '', query.get('receivedTo') ?? '']
  return (
    <BillingFrame>
      <Payments key={`${from}:${to}`} from={from} to={to} />
    </BillingFrame>
  )
}

/** The payments received on these company-local dates (either may be empty), with what they collected over every page. */
function Payments({ from, to }: { from: string; to: string }) {
  const [page, setPage] = useState(1)
  const list = useApiQuery<PaymentPage>(withQuery('/api/billing/payments', { pageSize: 25, page, receivedFrom: from, receivedTo: to }))
  return (
    <Stack component="section" aria-labelledby="payments-heading" gap="sm">
      <Title order={2} id="payments-heading">
        Payments
      </Title>
      {(from || to) && (
        <p className="filter-chip">
          Received{from && ` from ${from}`}
          {to && ` to ${to}`}{' '}
          <button type="button" onClick={() => navigate('/billing/payments')}>
            Show all payments
          </button>
        </p>
      )}
      {list.data && (
        <Text data-testid="payments-collected">
          Collected{from || to ? ' on these dates' : ''}: <strong>{formatUsd(list.data.collectedCents)}</strong> ({formatUsd(list.data.receivedCents)} received in {list.data.total}{' '}
          {list.data.total === 1 ? 'payment' : 'payments'}
          {list.data.reversals.total > 0 ? `, less ${formatUsd(list.data.reversals.cents)} voided or refunded${from || to ? ' on these dates' : ''}` : ''}). The dashboard counts money on
          the day it comes in and the day it goes back.
        </Text>
      )}
      <DataTable
        caption="Payments"
        columns={PAYMENT_COLUMNS}
        rowKey={(p) => p.id}
        {...pageRows(list.data, 'payments', setPage)}
        loading={list.isFetching}
        error={list.error ? errorMessage(list.error) : null}
        minWidth={860}
        empty={{ text: from || to ? 'No payments received on these dates.' : 'No payments yet.' }}
      />
      {list.data && list.data.reversals.total > 0 && (
        <>
          <Title order={3} id="reversals-heading">
            Voids and refunds made{from || to ? ' on these dates' : ''}
          </Title>
          <DataTable
            caption="Voids and refunds"
            columns={REVERSAL_COLUMNS}
            rowKey={(r) => r.id}
            rows={list.data.reversals.items}
            minWidth={860}
            empty={{ text: 'No voids or refunds.' }}
          />
          {list.data.reversals.total > list.data.reversals.items.length && (
            <Text size="sm">
              The newest {list.data.reversals.items.length} of {list.data.reversals.total} are shown; each is on its invoice.
            </Text>
          )}
        </>
      )}
    </Stack>
  )
}

/** Billing → one invoice: its attempts, payments, voids and refunds (QuickBooks' sync errors link here). */
export function BillingInvoicePage({ id }: { id: string }) {
  return (
    <BillingFrame>
      <Anchor component={Link} to="/billing/invoices">
        All invoices
      </Anchor>
      <InvoiceDetail id={id} onChange={() => {}} />
    </BillingFrame>
  )
}

/** Billing → Settings: automatic billing, billing ahead, retries, suspension. */
export function BillingSettingsPage() {
  return (
    <BillingFrame>
      <BillingSettingsForm />
    </BillingFrame>
  )
}

const RUN_COLUMNS: Column<RunDto>[] = [
  {
    header: 'Started',
    cell: (r) => (
      <>
        {formatDateTime(r.startedAt)}
        <Text size="xs" c="dimmed">
          {r.startedByName ? `by ${r.startedByName}` : r.automatic ? 'automatic, daily' : ''}
        </Text>
      </>
    ),
  },
  { header: 'Through', cell: (r) => r.throughDate },
  {
    header: 'Status',
    cell: (r) => (
      <>
        {RUN_STATUS[r.status] ?? r.status}
        {r.error && (
          <Text size="xs" c="dimmed">
            {r.error}
          </Text>
        )}
      </>
    ),
  },
  { header: 'Invoices', cell: (r) => r.invoicesCreated, numeric: true },
  { header: 'Approved', cell: (r) => r.approved, numeric: true },
  { header: 'Declined', cell: (r) => r.declined, numeric: true },
  { header: 'Errors', cell: (r) => r.errors, numeric: true },
  { header: 'Collected', cell: (r) => formatUsd(r.collectedCents), numeric: true },
  {
    header: 'Invoices of the run',
    hideHeader: true,
    cell: (r) => (
      <Anchor component={Link} to={`/billing/invoices?run=${encodeURIComponent(r.id)}`}>
        Invoices<span className="visually-hidden"> of the run of {formatDateTime(r.startedAt)}</span>
      </Anchor>
    ),
  },
]

const billAll = (
  <Button component={Link} to="/billing" variant="default" leftSection={<IconPlayerPlay size={16} aria-hidden />}>
    Bill all
  </Button>
)

/** Billing → Runs: every run, newest first, each with its invoices. */
export function BillingRunsPage() {
  const [page, setPage] = useState(1)
  const runs = useApiQuery<PageOf<RunDto>>(`/api/billing/runs?pageSize=25&page=${page}`)
  return (
    <BillingFrame>
      <Stack component="section" aria-labelledby="runs-heading" gap="sm">
        <Title order={2} id="runs-heading">
          Past runs
        </Title>
        <DataTable
          caption="Billing runs"
          columns={RUN_COLUMNS}
          rowKey={(r) => r.id}
          {...pageRows(runs.data, 'runs', setPage)}
          loading={runs.isFetching}
          error={runs.error ? errorMessage(runs.error) : null}
          minWidth={860}
          empty={{ text: 'No billing run yet.', action: billAll }}
        />
      </Stack>
    </BillingFrame>
  )
}

/** Billing → Suspended: agreements stopped after a failed payment, to reactivate once the customer has paid. */
export function BillingSuspendedPage() {
  return (
    <BillingFrame>
      <SuspendedAgreements />
    </BillingFrame>
  )
}

/** Suspended agreements; one click brings one back with its work orders. */
export function SuspendedAgreements() {
  const [page, setPage] = useState(1)
  const list = useApiQuery<AgreementPage>(`/api/agreements?status=suspended&pageSize=25&page=${page}`)
  const reactivate = useApiMutation<unknown, AgreementSummaryDto>('POST', (a) => `/api/agreements/${encodeURIComponent(a.id)}/reactivate`)
  const act = (a: AgreementSummaryDto) =>
    reactivate.mutateAsync(a).then(
      () => toast.success(`${a.name} and its work orders are active again.`),
      (err: unknown) => toast.failure(errorMessage(err), `${a.name} was not reactivated`),
    )
  const columns: Column<AgreementSummaryDto>[] = [
    { header: 'Agreement', cell: (a) => <Anchor component={Link} to={`/agreements/${a.id}`}>{a.name}</Anchor> },
    { header: 'Customer', cell: (a) => <Anchor component={Link} to={`/customers/${a.customerId}`}>{a.customerName}</Anchor> },
    { header: 'Each bill', cell: (a) => formatUsd(a.perPeriodCents), numeric: true },
    {
      header: 'Actions',
      hideHeader: true,
      cell: (a) => (
        <Button size="xs" variant="light" loading={reactivate.isPending && reactivate.variables?.id === a.id} onClick={() => void act(a)}>
          Reactivate<span className="visually-hidden"> {a.name}</span>
        </Button>
      ),
    },
  ]
  return (
    <Stack component="section" aria-labelledby="suspended-heading" gap="sm">
      <Title order={2} id="suspended-heading">
        Suspended agreements
      </Title>
      <Text c="dimmed">Suspended after a failed payment (Billing settings). Once the customer has paid, reactivate the agreement and its work orders.</Text>
      <DataTable
        caption="Suspended agreements list"
        columns={columns}
        rowKey={(a) => a.id}
        {...pageRows(list.data, 'suspended agreements', setPage)}
        loading={list.isFetching}
        error={list.error ? errorMessage(list.error) : null}
        minWidth={520}
        empty={{ text: 'No agreement is suspended.' }}
      />
    </Stack>
  )
}
