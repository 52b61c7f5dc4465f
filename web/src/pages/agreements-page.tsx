import { formatDay } from '../strings.ts'
import { Anchor, Button, Checkbox, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core'
import { IconDownload, IconMail, IconRepeat } from '@tabler/icons-react'
import { useState } from 'react'
import { AGREEMENT_FILTER_STATUSES, type AgreementPage, type AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { PlanDto } from '../../../src/contracts/plans.ts'
import type { RenewalSelection } from '../../../src/contracts/renewals.ts'
import { usd } from '../../../src/domain/quote-text.ts'
import { DataTable, type Column } from '../data-table.tsx'
import { SearchToolbar, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { AGREEMENT_STATUS_LABELS } from '../quote-strings.ts'
import { Link, withQuery } from '../router.tsx'
import { StatusBadge } from '../status-badge.tsx'
import { RenewalDialog } from './renewal-dialog.tsx'

const every = (months: number) => (months === 1 ? 'per month' : months === 12 ? 'per year' : `every ${months} months`)
const STATUS_LABELS: Record<(typeof AGREEMENT_FILTER_STATUSES)[number], string> = { ...AGREEMENT_STATUS_LABELS, payment_failed: 'Payment failed' }
const INTERVALS = [
  { value: '', label: 'Any' },
  { value: '1', label: 'Monthly' },
  { value: '3', label: 'Quarterly' },
  { value: '6', label: 'Semi-annual' },
  { value: '12', label: 'Annual' },
]

/**
 * Agreements: find what expires (within 30/60/90 or any number of days) and what else the office
 * filters by, sorted, paged by cursor (fast at any depth); select some or all matching and send
 * renewal notices or renewal quotes; export the filtered list as CSV. Filters live in the URL, so
 * the dashboard's tiles link straight to their list.
 */
export function AgreementsPage() {
  const f = useListQuery('/agreements', { q: '', status: '', expiringWithin: '', planId: '', billingIntervalMonths: '', nextBillFrom: '', nextBillTo: '', autoRenew: '', inTerm: '', renewalSentFrom: '', renewalAcceptedFrom: '', sort: 'createdAt', dir: 'desc' })
  const filters = { q: f.q, status: f.status, expiringWithin: f.expiringWithin, planId: f.planId, billingIntervalMonths: f.billingIntervalMonths, nextBillFrom: f.nextBillFrom, nextBillTo: f.nextBillTo, autoRenew: f.autoRenew, inTerm: f.inTerm, renewalSentFrom: f.renewalSentFrom, renewalAcceptedFrom: f.renewalAcceptedFrom }
  const filterKey = JSON.stringify([filters, f.sort, f.dir])
  // Keyset paging: the cursors of the pages before this one (reset when the filters or order change).
  const [cursors, setCursors] = useState<{ key: string; stack: string[] }>({ key: filterKey, stack: [] })
  const stack = cursors.key === filterKey ? cursors.stack : []
  const [selected, setSelected] = useState<{ key: string; ids: Set<string>; all: boolean }>({ key: filterKey, ids: new Set(), all: false })
  const chosen = selected.key === filterKey ? selected : { key: filterKey, ids: new Set<string>(), all: false }
  const [dialog, setDialog] = useState<'notice' | 'quote' | null>(null)
  const list = useApiQuery<AgreementPage>(withQuery('/api/agreements', { ...filters, sort: f.sort, dir: f.dir, pageSize: 50, cursor: stack.at(-1) }))
  const plans = useApiQuery<PageOf<PlanDto>>('/api/plans?pageSize=200')
  const total = list.data?.total ?? 0
  const count = chosen.all ? total : chosen.ids.size
  const selection: RenewalSelection = chosen.all ? { filter: cleanFilter(filters) } : { ids: [...chosen.ids] }

  const toggle = (id: string, on: boolean) => {
    const ids = new Set(chosen.ids)
    if (on) ids.add(id)
    else ids.delete(id)
    setSelected({ key: filterKey, ids, all: false })
  }
  const rows = list.data?.items
  const pageIds = rows?.map((r) => r.id) ?? []
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => chosen.ids.has(id))
  const columns: Column<AgreementSummaryDto>[] = [
    {
      header: 'Select',
      hideHeader: true,
      cell: (a) => <Checkbox aria-label={`Select agreement #${a.number}`} checked={chosen.all || chosen.ids.has(a.id)} disabled={chosen.all} onChange={(e) => toggle(a.id, e.currentTarget.checked)} />,
    },
    {
      header: 'Agreement',
      sort: 'number',
      cell: (a) => (
        <Anchor component={Link} to={`/agreements/${a.id}`}>
          #{a.number} {a.name}
        </Anchor>
      ),
    },
    { header: 'Customer', sort: 'customer', cell: (a) => a.customerName },
    { header: 'Status', cell: (a) => <StatusBadge status={a.status} label={AGREEMENT_STATUS_LABELS[a.status]} /> },
    { header: 'Plan', cell: (a) => a.planName ?? '—' },
    { header: 'Ends', sort: 'endDate', cell: (a) => (a.endDate ? formatDay(a.endDate) : 'No end date') },
    { header: 'Auto-renew', cell: (a) => (a.autoRenew ? 'On' : 'Off') },
    { header: 'Next bill', sort: 'nextBillDate', cell: (a) => (a.nextBillDate ? formatDay(a.nextBillDate) : '—') },
    { header: 'Each bill', cell: (a) => `${usd(a.perPeriodCents)} ${every(a.billingIntervalMonths)}`, numeric: true },
  ]
  return (
    <Page
      title="Agreements"
      actions={
        <Button component="a" variant="default" leftSection={<IconDownload size={16} aria-hidden />} href={withQuery('/api/agreements/export.csv', { ...filters, sort: f.sort, dir: f.dir })} download>
          Export CSV
        </Button>
      }
    >
      <SearchToolbar id="agreement-search" label="Search agreements" placeholder="Customer, agreement name or number" text={f.text} onText={f.setText}>
        <NativeSelect id="agreement-status" label="Status" value={f.status} onChange={(e) => f.go({ status: e.currentTarget.value })}
          data={[{ value: '', label: 'All' }, ...AGREEMENT_FILTER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]} />
        <ExpiringFilter value={f.expiringWithin} onChange={(v) => f.go({ expiringWithin: v, ...(v ? { sort: 'endDate', dir: 'asc' } : {}) })} />
        <NativeSelect id="agreement-plan" label="Plan" value={f.planId} onChange={(e) => f.go({ planId: e.currentTarget.value })}
          data={[{ value: '', label: 'Any' }, ...(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))]} />
        <NativeSelect id="agreement-frequency" label="Billing" value={f.billingIntervalMonths} onChange={(e) => f.go({ billingIntervalMonths: e.currentTarget.value })} data={INTERVALS} />
        <NativeSelect id="agreement-auto-renew" label="Auto-renew" value={f.autoRenew} onChange={(e) => f.go({ autoRenew: e.currentTarget.value })}
          data={[{ value: '', label: 'Any' }, { value: 'true', label: 'On' }, { value: 'false', label: 'Off' }]} />
        <TextInput id="agreement-next-from" type="date" label="Next bill from" value={f.nextBillFrom} onChange={(e) => f.go({ nextBillFrom: e.currentTarget.value })} />
        <TextInput id="agreement-next-to" type="date" label="Next bill to" value={f.nextBillTo} onChange={(e) => f.go({ nextBillTo: e.currentTarget.value })} />
      </SearchToolbar>
      {(f.inTerm || f.renewalSentFrom || f.renewalAcceptedFrom) && (
        <p className="filter-chip">
          {[f.inTerm === 'true' ? 'In term today' : f.inTerm === 'false' ? 'Not in term today' : '', f.renewalSentFrom ? `Renewal sent since ${formatDay(f.renewalSentFrom)}` : '', f.renewalAcceptedFrom ? `Renewal accepted since ${formatDay(f.renewalAcceptedFrom)}` : '']
            .filter(Boolean)
            .join(' · ')}{' '}
          <button type="button" onClick={() => f.go({ inTerm: '', renewalSentFrom: '', renewalAcceptedFrom: '' })}>
            Clear
          </button>
        </p>
      )}
      <Group gap="sm" wrap="wrap" aria-label="Selection">
        <Checkbox
          label={`Select this page`}
          checked={allOnPage && !chosen.all}
          disabled={chosen.all || pageIds.length === 0}
          onChange={(e) => setSelected({ key: filterKey, ids: e.currentTarget.checked ? new Set([...chosen.ids, ...pageIds]) : new Set([...chosen.ids].filter((id) => !pageIds.includes(id))), all: false })}
        />
        <Checkbox label={`Select all ${total.toLocaleString('en-US')} matching`} checked={chosen.all} disabled={total === 0} onChange={(e) => setSelected({ key: filterKey, ids: new Set(), all: e.currentTarget.checked })} />
        <Text size="sm" c="dimmed" role="status">
          {count.toLocaleString('en-US')} selected
        </Text>
        <Button leftSection={<IconMail size={16} aria-hidden />} variant="default" disabled={count === 0} onClick={() => setDialog('notice')}>
          Send renewal notices…
        </Button>
        <Button leftSection={<IconRepeat size={16} aria-hidden />} disabled={count === 0} onClick={() => setDialog('quote')}>
          Create renewal quotes…
        </Button>
      </Group>
      <DataTable
        caption="Agreements"
        columns={columns}
        rows={rows}
        rowKey={(a) => a.id}
        loading={list.isFetching}
        error={list.error?.message}
        minWidth={960}
        sort={{ by: f.sort, desc: f.dir === 'desc', onSort: (by, desc) => f.go({ sort: by, dir: desc ? 'desc' : 'asc' }) }}
        empty={
          Object.values(filters).some(Boolean)
            ? { text: 'No agreements match.' }
            : {
                text: 'No agreements yet. An agreement starts when a customer signs a quote.',
                action: (
                  <Button component={Link} to="/quotes" variant="default">
                    Go to quotes
                  </Button>
                ),
              }
        }
      />
      {list.data && list.data.total > 0 && (
        <Group component="nav" aria-label="agreements pages" gap="xs" justify="flex-end">
          <Text size="sm" c="dimmed">
            {(stack.length * 50 + 1).toLocaleString('en-US')}–{(stack.length * 50 + (rows?.length ?? 0)).toLocaleString('en-US')} of {total.toLocaleString('en-US')}
          </Text>
          <Button variant="default" size="xs" disabled={stack.length === 0} onClick={() => setCursors({ key: filterKey, stack: stack.slice(0, -1) })}>
            Previous
          </Button>
          <Button variant="default" size="xs" disabled={!list.data.nextCursor} onClick={() => setCursors({ key: filterKey, stack: [...stack, list.data!.nextCursor!] })}>
            Next
          </Button>
        </Group>
      )}
      {dialog && (
        <RenewalDialog
          kind={dialog}
          selection={selection}
          count={count}
          onClose={(sent) => {
            setDialog(null)
            if (sent) setSelected({ key: filterKey, ids: new Set(), all: false })
          }}
        />
      )}
    </Page>
  )
}

/** Expiring within 30, 60, 90 days, or any number typed. */
function ExpiringFilter({ value, onChange }: { value: string; onChange(v: string): void }) {
  const preset = ['', '30', '60', '90'].includes(value)
  const [custom, setCustom] = useState(preset ? '' : value)
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <NativeSelect
          id="agreement-expiring"
          label="Expiring within"
          value={preset ? value : 'custom'}
          onChange={(e) => (e.currentTarget.value === 'custom' ? onChange(custom || '120') : onChange(e.currentTarget.value))}
          data={[{ value: '', label: 'Any time' }, { value: '30', label: '30 days' }, { value: '60', label: '60 days' }, { value: '90', label: '90 days' }, { value: 'custom', label: 'Other…' }]}
        />
        {!preset && (
          <TextInput
            id="agreement-expiring-days"
            label="Days"
            inputMode="numeric"
            w="6rem"
            value={custom}
            onChange={(e) => setCustom(e.currentTarget.value)}
            onBlur={() => /^\d{1,4}$/.test(custom) && onChange(custom)}
            onKeyDown={(e) => e.key === 'Enter' && /^\d{1,4}$/.test(custom) && onChange(custom)}
          />
        )}
      </Group>
    </Stack>
  )
}

/** The list filter as the API's bulk selection wants it (empty values left out). */
function cleanFilter(f: Record<string, string>) {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '')) as RenewalSelection extends infer S ? (S extends { filter: infer F } ? F : never) : never
}
