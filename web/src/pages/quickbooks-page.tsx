import { Alert, Button, Group, NativeSelect, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconPlugConnected, IconRefresh } from '@tabler/icons-react'
import { useState } from 'react'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { DataTable, type Column } from '../data-table.tsx'
import { toast } from '../notice.tsx'
import { ErrorNote, LoadState, Page } from '../page.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { useUser } from '../session.tsx'
import { StatusBadge } from '../status-badge.tsx'
import { formatDateTime } from '../strings.ts'
import { SettingsNav } from './settings-nav.tsx'

interface Mapping {
  serviceItemId: string | null
  depositAccountId: string | null
  cardMethodId: string | null
  bankMethodId: string | null
  taxHandling: 'line' | 'none'
  taxItemId: string | null
}
interface Status {
  configured: boolean
  status: 'not_connected' | 'connected' | 'needs_reconnect'
  realmId: string | null
  companyName: string | null
  statusMessage: string | null
  connectedAt: string | null
  refreshedAt: string | null
  accessExpiresAt: string | null
  refreshExpiresAt: string | null
  lastPushAt: string | null
  mapping: Mapping | null
  queue: { queued: number; waiting: number; failed: number; sent: number }
}
interface Options {
  items: { id: string; name: string }[]
  accounts: { id: string; name: string }[]
  paymentMethods: { id: string; name: string }[]
}
interface SyncError {
  id: string
  entityType: string
  status: string
  attempts: number
  lastError: string | null
  fixHint: string | null
  invoiceId: string | null
  invoiceNumber: number | null
  customerName: string | null
}

const when = (iso: string | null) => (iso ? formatDateTime(iso) : '—')
const KIND: Record<string, string> = { invoice: 'Invoice', payment: 'Payment', void: 'Payment void', invoice_void: 'Invoice void', refund: 'Refund', customer: 'Customer' }
const STATUS_LABEL = { connected: 'Connected', needs_reconnect: 'Needs reconnecting', not_connected: 'Not connected' } as const

/** Settings → QuickBooks: connect, the company, health, mapping, and what did not sync. */
export function QuickBooksPage() {
  const user = useUser()
  const admin = user.role === 'admin'
  const status = useApiQuery<Status>('/api/quickbooks', { refetchInterval: 5_000 })
  const params = new URLSearchParams(window.location.search)
  const [error, setError] = useState<string | null>(params.get('error') ? (params.get('message') ?? params.get('error')) : null)
  const connect = async () => {
    setError(null)
    try {
      const { url } = await api<{ url: string }>('POST', '/api/quickbooks/connect')
      window.location.assign(url)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const disconnect = async () => {
    try {
      await api('DELETE', '/api/quickbooks')
      toast.success('QuickBooks is disconnected. Invoices and payments wait until it is connected again.')
      await status.refetch()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const s = status.data
  return (
    <Page title="Settings">
      <SettingsNav />
      <Title order={2}>QuickBooks</Title>
      <LoadState loading={status.isLoading} error={status.error?.message ?? null} />
      {error && <ErrorNote>{error}</ErrorNote>}
      {s && (
        <Stack gap="sm">
          <Group gap="sm">
            <StatusBadge status={s.status === 'connected' ? 'active' : s.status === 'needs_reconnect' ? 'failed' : 'closed'} label={STATUS_LABEL[s.status]} />
            {s.companyName && (
              <Text>
                <strong>{s.companyName}</strong> <Text span c="dimmed">(realm {s.realmId})</Text>
              </Text>
            )}
          </Group>
          {s.status === 'needs_reconnect' && (
            <Alert color="red" title="QuickBooks no longer accepts the connection">
              {s.statusMessage} Nothing is lost: {s.queue.queued + s.queue.waiting} entries wait and are sent once an admin reconnects.
            </Alert>
          )}
          {s.status !== 'not_connected' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              <Text>Connected: {when(s.connectedAt)}</Text>
              <Text>Last sent: {when(s.lastPushAt)}</Text>
              <Text>Access renewed: {when(s.refreshedAt)}</Text>
              <Text>Connection valid until: {when(s.refreshExpiresAt)}</Text>
              <Text>
                Waiting: {s.queue.queued + s.queue.waiting} · Sent: {s.queue.sent} · Failed: {s.queue.failed}
              </Text>
            </SimpleGrid>
          )}
          {admin && (
            <Group>
              {s.status !== 'connected' && (
                <Button leftSection={<IconPlugConnected size={16} aria-hidden />} onClick={() => void connect()} disabled={!s.configured}>
                  {s.status === 'needs_reconnect' ? 'Reconnect to QuickBooks' : 'Connect to QuickBooks'}
                </Button>
              )}
              {s.status !== 'not_connected' && (
                <ConfirmButton label="Disconnect" danger question="Disconnect QuickBooks? Invoices and payments are no longer sent until it is connected again." confirmLabel="Disconnect" onConfirm={disconnect} />
              )}
            </Group>
          )}
          {!admin && s.status !== 'connected' && <Text c="dimmed">An admin connects QuickBooks here.</Text>}
          {admin && s.status === 'connected' && s.mapping && <MappingForm mapping={s.mapping} onSaved={() => void status.refetch()} />}
        </Stack>
      )}
      <SyncErrors />
    </Page>
  )
}

function MappingForm({ mapping, onSaved }: { mapping: Mapping; onSaved: () => void }) {
  const options = useApiQuery<Options>('/api/quickbooks/mapping-options')
  const [m, setM] = useState(mapping)
  const save = useApiMutation<unknown, Partial<Mapping>>('PUT', '/api/quickbooks/mapping')
  const [error, setError] = useState<string | null>(null)
  if (!options.data) return <LoadState loading={options.isLoading} error={options.error?.message ?? null} />
  const o = options.data
  const pick = (label: string, key: keyof Mapping, list: { id: string; name: string }[], optional = false) => (
    <NativeSelect
      label={label}
      value={m[key] ?? ''}
      onChange={(e) => setM({ ...m, [key]: e.currentTarget.value || null })}
      data={[...(optional ? [{ value: '', label: 'None' }] : []), ...list.map((x) => ({ value: x.id, label: x.name }))]}
    />
  )
  const submit = async () => {
    setError(null)
    try {
      const { serviceItemId, depositAccountId, ...rest } = m
      await save.mutateAsync({ ...rest, ...(serviceItemId ? { serviceItemId } : {}), ...(depositAccountId ? { depositAccountId } : {}) })
      toast.success('Mapping saved.')
      onSaved()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <Stack gap="xs" maw={520}>
      <Title order={3}>Mapping</Title>
      {pick('Service item for agreement lines', 'serviceItemId', o.items)}
      {pick('Deposit account for payments', 'depositAccountId', o.accounts)}
      {pick('Payment method for cards', 'cardMethodId', o.paymentMethods, true)}
      {pick('Payment method for bank (ACH) payments', 'bankMethodId', o.paymentMethods, true)}
      <NativeSelect
        label="Sales tax"
        value={m.taxHandling}
        onChange={(e) => setM({ ...m, taxHandling: e.currentTarget.value as Mapping['taxHandling'] })}
        data={[
          { value: 'line', label: 'As its own line on the tax item (totals match Servicebook)' },
          { value: 'none', label: 'Not sent (QuickBooks automated sales tax decides)' },
        ]}
      />
      {m.taxHandling === 'line' && pick('Sales tax item', 'taxItemId', o.items)}
      {error && <ErrorNote>{error}</ErrorNote>}
      <Group>
        <Button onClick={() => void submit()} loading={save.isPending}>
          Save mapping
        </Button>
      </Group>
    </Stack>
  )
}

/** What did not reach QuickBooks, with QuickBooks' own message, a fix hint and Retry. */
function SyncErrors() {
  const list = useApiQuery<{ items: SyncError[]; total: number }>('/api/quickbooks/sync-errors?page=1&pageSize=100', { refetchInterval: 5_000 })
  const [error, setError] = useState<string | null>(null)
  const retry = async (path: string, done: string) => {
    setError(null)
    try {
      await api('POST', path)
      toast.success(done)
      await list.refetch()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const columns: Column<SyncError>[] = [
    {
      header: 'What',
      cell: (e) => (
        <>
          {KIND[e.entityType] ?? e.entityType}
          {e.invoiceId && (
            <>
              {' '}of <Link to={`/billing/invoices/${e.invoiceId}`}>invoice {e.invoiceNumber}</Link>
            </>
          )}
          {e.customerName && <Text size="sm" c="dimmed">{e.customerName}</Text>}
        </>
      ),
    },
    {
      header: "QuickBooks' message",
      cell: (e) => (
        <>
          {e.lastError}
          {e.fixHint && <Text size="sm" c="dimmed">{e.fixHint}</Text>}
        </>
      ),
    },
    { header: 'Status', cell: (e) => (e.status === 'failed' ? `Failed after ${e.attempts} tries` : e.status === 'waiting' ? 'Waits for reconnection' : 'Retrying by itself') },
    {
      header: 'Actions',
      hideHeader: true,
      cell: (e) => (
        <Button variant="default" size="xs" leftSection={<IconRefresh size={14} aria-hidden />} onClick={() => void retry(`/api/quickbooks/sync-errors/${encodeURIComponent(e.id)}/retry`, 'It will be sent again now.')}>
          Retry<span className="visually-hidden"> {KIND[e.entityType] ?? e.entityType} {e.invoiceNumber ?? ''}</span>
        </Button>
      ),
    },
  ]
  const failed = list.data?.items.filter((e) => e.status === 'failed').length ?? 0
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3}>Sync errors</Title>
        {failed > 0 && (
          <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => void retry('/api/quickbooks/sync-errors/retry-all', 'Every failed entry will be sent again now.')}>
            Retry all
          </Button>
        )}
      </Group>
      {error && <ErrorNote>{error}</ErrorNote>}
      <DataTable caption="Sync errors" columns={columns} rowKey={(e) => e.id} rows={list.data?.items ?? []} loading={list.isFetching} error={list.error?.message} empty={{ text: 'Nothing is stuck: every invoice and payment has reached QuickBooks or is on its way.' }} />
    </Stack>
  )
}
