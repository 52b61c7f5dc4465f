import { Alert, Anchor, Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { IconScale } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import type { MismatchKindDto, ReconcileInput, ReconciliationDto } from '../../../src/contracts/reconciliation.ts'
import { ApiError, errorMessage } from '../api.ts'
import { DataTable, type Column } from '../data-table.tsx'
import { formatUsd } from '../money.ts'
import { ErrorNote } from '../page.tsx'
import { useApiMutation } from '../query.ts'
import { Link } from '../router.tsx'
import { BillingFrame } from './billing-frame.tsx'

const KIND: Record<MismatchKindDto, { label: string; color: string }> = {
  charged_not_recorded: { label: 'Charged, not recorded', color: 'red' },
  recorded_not_charged: { label: 'Recorded, not charged', color: 'red' },
  amount_differs: { label: 'Amounts differ', color: 'orange' },
  not_in_ledger: { label: 'Not in QuickBooks', color: 'yellow' },
  ledger_not_in_books: { label: 'Only in QuickBooks', color: 'yellow' },
  bank_payment_returned: { label: 'Bank payment returned', color: 'grape' },
}

type Day = ReconciliationDto['days'][number]
type Mismatch = ReconciliationDto['mismatches'][number]
const side = (s: Day['gateway']) => (s ? `${s.count} · ${formatUsd(s.cents)}` : '—')

const DAY_COLUMNS: Column<Day>[] = [
  { header: 'Day', cell: (d) => d.day },
  { header: 'Gateway settled', cell: (d) => side(d.gateway), numeric: true },
  { header: 'Servicebook', cell: (d) => side(d.books), numeric: true },
  { header: 'QuickBooks', cell: (d) => side(d.ledger), numeric: true },
  { header: 'Mismatches', cell: (d) => (d.mismatches ? <Badge color="red">{d.mismatches}</Badge> : <Text c="dimmed">0</Text>), numeric: true },
]

const MISMATCH_COLUMNS: Column<Mismatch>[] = [
  { header: 'Day', cell: (m) => m.day },
  { header: 'What', cell: (m) => <Badge color={KIND[m.kind].color} variant="light">{KIND[m.kind].label}</Badge> },
  { header: 'Details', cell: (m) => m.message },
  {
    header: 'Act on it',
    cell: (m) => (
      <Anchor component={Link} to={m.link.href}>
        {m.link.label}
      </Anchor>
    ),
  },
]

/**
 * Billing → Reconciliation: pick company-local days (default the last 7), reconcile, and read the
 * gateway, Servicebook and QuickBooks side by side per day, then every mismatch with its link.
 * Reconciling applies bank returns found at the gateway (once), so it is a button, not a page load.
 */
export function ReconciliationPage() {
  return (
    <BillingFrame>
      <ReconciliationPanel />
    </BillingFrame>
  )
}

export function ReconciliationPanel() {
  const [range, setRange] = useState<ReconcileInput>({})
  const run = useApiMutation<ReconciliationDto, ReconcileInput>('POST', '/api/reconciliation')
  const fields = run.error instanceof ApiError && Object.keys(run.error.fields).length > 0 ? run.error.fields : undefined
  const report = run.data
  const submit = (e: FormEvent) => {
    e.preventDefault()
    run.mutate(range)
  }
  return (
    <Stack component="section" aria-labelledby="reconciliation-heading" gap="md">
      <Title order={2} id="reconciliation-heading">
        Reconciliation
      </Title>
      <Text>The gateway's settled transactions, Servicebook's payments and QuickBooks' payments for each day, side by side.</Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput label="From" type="date" value={range.from ?? ''} onChange={(e) => setRange({ ...range, from: e.currentTarget.value || undefined })} error={fields?.from} />
          <TextInput label="To" type="date" value={range.to ?? ''} onChange={(e) => setRange({ ...range, to: e.currentTarget.value || undefined })} error={fields?.to} />
          <Button type="submit" loading={run.isPending} leftSection={<IconScale size={16} aria-hidden />}>
            Reconcile
          </Button>
        </Group>
      </form>
      {run.error && !fields && <ErrorNote>{errorMessage(run.error)}</ErrorNote>}
      {report && (
        <>
          {report.warnings.map((w) => (
            <Alert key={w} color="yellow" role="status">
              {w}
            </Alert>
          ))}
          {!report.ledgerConnected && <Text c="dimmed">QuickBooks is not connected: its column is empty.</Text>}
          <Text role="status" fw={600}>
            {report.mismatches.length === 0 ? `No mismatches from ${report.from} to ${report.to}.` : `${report.mismatches.length} mismatch${report.mismatches.length === 1 ? '' : 'es'} from ${report.from} to ${report.to}.`}
            {report.returnsApplied > 0 && ` ${report.returnsApplied} returned bank payment${report.returnsApplied === 1 ? ' was' : 's were'} reversed and sent to the failed-payment flow.`}
          </Text>
          <DataTable caption="Days side by side" columns={DAY_COLUMNS} rows={report.days} rowKey={(d) => d.day} empty={{ text: 'No days.' }} />
          <Title order={3}>Mismatches</Title>
          <DataTable caption="Mismatches" columns={MISMATCH_COLUMNS} rows={report.mismatches} rowKey={(m) => `${m.kind}:${m.paymentId ?? m.gatewayRef ?? m.ledgerId}:${m.day}`} empty={{ text: 'Nothing to act on: the three sides agree.' }} minWidth={760} />
        </>
      )}
    </Stack>
  )
}
