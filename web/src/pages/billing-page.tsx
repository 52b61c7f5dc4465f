import { formatDay } from '../strings.ts'
import { Alert, Anchor, Button, Card, Group, Progress, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle, IconEye } from '@tabler/icons-react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { paymentMethodText } from '../../../src/domain/payment-method.ts'
import type { BillingPreview, PreviewRow } from '../../../src/services/billing/preview-billing.ts'
import type { RunDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { ApiError, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { DataTable, type Column } from '../data-table.tsx'
import { formatUsd } from '../money.ts'
import { ErrorNote, LoadState } from '../page.tsx'
import { queryClient, useApiMutation, useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { BillingFrame, useBillingCounts } from './billing-frame.tsx'

const PHASES: Record<string, string> = {
  starting: 'Starting',
  recover: 'Checking charges left unconfirmed',
  invoice: 'Creating invoices',
  charge: 'Charging',
  settle: 'Confirming the last charges',
  done: 'Finished',
}
export const RUN_STATUS: Record<string, string> = { completed: 'Completed', failed: 'Stopped with an error', running: 'Running', interrupted: 'Interrupted (resumed by the next run)' }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** Billing → Bill all: preview → confirm with the total → live progress → summary with what to do next. */
export function BillingPage() {
  // A run in progress is the newest: it is shown whoever started it.
  const newest = useApiQuery<PageOf<RunDto>>('/api/billing/runs?pageSize=1')
  const [started, setStarted] = useState<{ id: string; expected: number } | null>(null)
  const running = newest.data?.items.find((r) => r.status === 'running')
  const watching = started?.id ?? running?.id ?? null
  return (
    <BillingFrame>
      <Attention />
      <BillAll busy={running !== undefined || started !== null} onStarted={(id, expected) => setStarted({ id, expected })} />
      {watching && <RunProgress key={watching} runId={watching} expected={started?.id === watching ? started.expected : null} onDismiss={() => setStarted(null)} />}
    </BillingFrame>
  )
}

/** Failed payments and suspended agreements waiting for the office, each with its link. */
function Attention() {
  const { failed, suspended } = useBillingCounts()
  if (failed === 0 && suspended === 0) return null
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />} title="Waiting for you">
      <Group gap="md" wrap="wrap">
        {failed > 0 && (
          <Anchor component={Link} to="/billing/failed">
            {plural(failed, 'failed payment')} to retry or collect
          </Anchor>
        )}
        {suspended > 0 && (
          <Anchor component={Link} to="/billing/suspended">
            {plural(suspended, 'suspended agreement')} to reactivate
          </Anchor>
        )}
      </Group>
    </Alert>
  )
}

const PREVIEW_COLUMNS: Column<PreviewRow>[] = [
  { header: 'Customer', cell: (r) => <Anchor component={Link} to={`/customers/${r.customerId}`}>{r.customerName}</Anchor> },
  { header: 'Agreement', cell: (r) => <Anchor component={Link} to={`/agreements/${r.agreementId}`}>{r.agreementName}</Anchor> },
  { header: 'Period', cell: (r) => `${formatDay(r.periodStart)} – ${formatDay(r.periodLastDay)}` },
  {
    header: 'Pays with',
    cell: (r) => (
      <Text span c={r.warning ? 'red.8' : undefined} size="sm">
        {paymentMethodText(r.paymentMethod)}
        {r.warning === 'card_expired' && ' (expired)'}
      </Text>
    ),
  },
  { header: 'Subtotal', cell: (r) => formatUsd(r.subtotalCents), numeric: true },
  { header: 'Tax', cell: (r) => formatUsd(r.taxCents), numeric: true },
  { header: 'Total', cell: (r) => formatUsd(r.totalCents), numeric: true },
]

function BillAll({ busy, onStarted }: { busy: boolean; onStarted(runId: string, expected: number): void }) {
  const [through, setThrough] = useState('')
  // The date the shown preview was asked for; null before the first Preview.
  const [asked, setAsked] = useState<string | null>(null)
  const preview = useApiQuery<BillingPreview>(asked === null ? null : `/api/billing/preview${asked ? `?through=${encodeURIComponent(asked)}` : ''}`, { placeholderData: undefined, staleTime: Infinity })
  const start = useApiMutation<{ runId: string }, { through?: string }>('POST', '/api/billing/runs')
  const p = preview.data
  const fieldError = preview.error instanceof ApiError ? preview.error.fields.through : undefined
  const submit = (e: FormEvent) => {
    e.preventDefault()
    start.reset()
    if (asked === through) void preview.refetch()
    else setAsked(through)
  }
  const run = async () => {
    if (!p) return
    const r = await start.mutateAsync({ through: p.through }).catch(() => null)
    if (!r) return
    onStarted(r.runId, p.invoices + p.alreadyInvoiced.invoices)
    setAsked(null)
  }
  const count = p ? p.invoices + p.alreadyInvoiced.invoices : 0
  const total = p ? p.totalCents + p.alreadyInvoiced.totalCents : 0
  return (
    <Stack component="section" aria-labelledby="billall-heading" gap="sm">
      <Title order={2} id="billall-heading">
        Bill all
      </Title>
      <Text>Bills every active agreement for every period due by the date, and charges the cards and bank accounts on file. Preview first: nothing is charged until you confirm.</Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            type="date"
            label="Bill through"
            value={through}
            onChange={(e) => setThrough(e.currentTarget.value)}
            description="Empty: as far as a run may bill (today in the company's time zone, plus any days ahead set in Billing settings)."
            error={fieldError && `Bill through ${fieldError}`}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            maw={420}
          />
          <Button type="submit" mt={25} loading={preview.isFetching} leftSection={<IconEye size={16} aria-hidden />}>
            Preview
          </Button>
        </Group>
      </form>
      {preview.isFetching && !p && (
        <Text c="dimmed" role="status">
          Working out what is due…
        </Text>
      )}
      {preview.error && !fieldError && <ErrorNote>{errorMessage(preview.error)}</ErrorNote>}
      {start.error && <ErrorNote>{errorMessage(start.error)}</ErrorNote>}
      {p && asked !== null && (
        <Stack gap="sm">
          <Text>
            Through {p.through}: <strong>{p.invoices}</strong> new invoice{p.invoices === 1 ? '' : 's'} for {plural(p.agreements, 'agreement')}, {formatUsd(p.totalCents)}
            {p.alreadyInvoiced.invoices > 0 && (
              <>
                ; plus {plural(p.alreadyInvoiced.invoices, 'unpaid invoice')} to charge or retry, {formatUsd(p.alreadyInvoiced.totalCents)}
              </>
            )}
            .
          </Text>
          {(p.warnings.no_payment_method > 0 || p.warnings.card_expired > 0) && (
            <Alert color="yellow" role="status" icon={<IconAlertTriangle size={18} aria-hidden />}>
              {[
                p.warnings.no_payment_method > 0 && `${p.warnings.no_payment_method} agreement${p.warnings.no_payment_method === 1 ? ' has' : 's have'} no payment method on file`,
                p.warnings.card_expired > 0 && `${p.warnings.card_expired} card${p.warnings.card_expired === 1 ? ' has' : 's have'} expired`,
              ]
                .filter(Boolean)
                .join('; ')}
              : those charges will fail and go to Failed payments, where the customer can be asked for new details.
            </Alert>
          )}
          {p.rows.length > 0 && <DataTable caption="What the run would bill" columns={PREVIEW_COLUMNS} rows={p.rows} rowKey={(r) => `${r.agreementId}|${r.periodStart}`} empty={{ text: 'Nothing is due.' }} minWidth={760} />}
          {p.truncated && <Text c="dimmed">Showing the first {p.rows.length}.</Text>}
          {p.through > p.latestThrough ? (
            <Alert color="yellow" role="status">
              A run bills through {p.latestThrough} at most ({aheadText(p)}); this preview looks further, so it cannot be charged. Preview through {p.latestThrough} to bill.
            </Alert>
          ) : count > 0 ? (
            busy ? (
              <Text c="dimmed">A run is in progress; wait for it to finish.</Text>
            ) : (
              <Group>
                <ConfirmButton
                  label="Run billing…"
                  variant="filled"
                  question={`Charge ${plural(count, 'invoice')} for a total of ${formatUsd(total)}, for periods starting by ${p.through}${p.through > p.today ? ` (billing in advance: ${aheadText(p)})` : ''}?`}
                  confirmLabel={`Charge ${formatUsd(total)}`}
                  onConfirm={run}
                />
              </Group>
            )
          ) : (
            <Text c="dimmed">Nothing is due.</Text>
          )}
        </Stack>
      )}
    </Stack>
  )
}

/** "today, 2026-12-01, plus 5 days ahead (Billing settings)": how far a run may bill, for the preview and the confirmation. */
const aheadText = (p: BillingPreview) =>
  `today, ${p.today}${p.billAheadDays > 0 ? `, plus ${p.billAheadDays} day${p.billAheadDays === 1 ? '' : 's'} ahead as set in Billing settings` : ''}`

/** The run's counters, polled each second while it runs; when it ends, the summary says what to do next. */
function RunProgress({ runId, expected, onDismiss }: { runId: string; expected: number | null; onDismiss(): void }) {
  const { data: run, error } = useApiQuery<RunDto>(`/api/billing/runs/${encodeURIComponent(runId)}`, {
    refetchInterval: (q) => (q.state.error ? 3000 : q.state.data?.status === 'running' ? 1000 : false),
    retry: true,
  })
  const done = run !== undefined && run.status !== 'running'
  // The run changed invoices, payments and agreements: everything on screen is read again once it ends.
  useEffect(() => {
    if (done) void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== `/api/billing/runs/${encodeURIComponent(runId)}` })
  }, [done, runId])
  // The preview goes away when a run starts: bring the progress into view once.
  const shown = useRef(false)
  const showOnce = (el: HTMLElement | null) => {
    if (!el || shown.current) return
    shown.current = true
    el.scrollIntoView({ block: 'nearest' })
  }
  if (!run) return <LoadState loading={!error} error={error ? errorMessage(error) : null} />
  const max = Math.max(expected ?? 0, run.invoicesToCharge, run.charged)
  const failedNow = run.declined + run.errors
  return (
    <Card component="section" withBorder aria-labelledby="progress-heading" ref={showOnce}>
      <Stack gap="sm">
        <Title order={2} id="progress-heading">
          {done ? 'Billing run summary' : 'Billing in progress'}
        </Title>
        <Text>
          Through {run.throughDate} · {done ? (RUN_STATUS[run.status] ?? run.status) : (PHASES[run.phase] ?? run.phase)}
        </Text>
        {!done && (
          <Group gap="sm" wrap="nowrap">
            <Progress
              value={max ? (run.charged / max) * 100 : 0}
              animated={!max}
              striped
              flex={1}
              size="lg"
              aria-label="Charges done"
              aria-valuetext={max ? `${run.charged} of ${max}` : 'starting'}
            />
            <Text size="sm">{max ? `${Math.floor((run.charged / max) * 100)}%` : '…'}</Text>
          </Group>
        )}
        <SimpleGrid component="dl" cols={{ base: 2, sm: 4 }} spacing="sm" className="counts" aria-live="polite">
          <Count label="Invoices created" value={run.invoicesCreated} />
          <Count label="Charged" value={max > 0 ? `${run.charged} of ${max}` : run.charged} />
          <Count label="Approved" value={run.approved} />
          <Count label="Declined" value={run.declined} />
          <Count label="Errors" value={run.errors} />
          <Count label="Collected" value={formatUsd(run.collectedCents)} />
          {run.unresolved > 0 && <Count label="Still being confirmed with the gateway" value={run.unresolved} />}
        </SimpleGrid>
        {run.error && <ErrorNote>{run.error}</ErrorNote>}
        {done && (
          <Group gap="sm" wrap="wrap">
            {failedNow > 0 && (
              <Button component={Link} to="/billing/failed" color="red">
                Review {plural(failedNow, 'failed payment')}
              </Button>
            )}
            <Button component={Link} to={`/billing/invoices?run=${encodeURIComponent(run.id)}`} variant="default">
              Invoices of this run
            </Button>
            <Button variant="subtle" onClick={onDismiss}>
              Close summary
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  )
}

function Count({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" fw={600} size="lg" m={0}>
        {value}
      </Text>
    </div>
  )
}
