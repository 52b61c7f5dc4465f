import { Anchor, Button } from '@mantine/core'
import { AGREEMENT_STATUSES, type AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { dateText, usd } from '../../../src/domain/quote-text.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { SearchToolbar, StatusFilter, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { AGREEMENT_STATUS_LABELS } from '../quote-strings.ts'
import { Link, withQuery } from '../router.tsx'
import { StatusBadge } from '../status-badge.tsx'

const every = (months: number) => (months === 1 ? 'per month' : months === 12 ? 'per year' : `every ${months} months`)

const COLUMNS: Column<AgreementSummaryDto>[] = [
  {
    header: 'Agreement',
    cell: (a) => (
      <Anchor component={Link} to={`/agreements/${a.id}`}>
        #{a.number} {a.name}
      </Anchor>
    ),
  },
  { header: 'Customer', cell: (a) => a.customerName },
  { header: 'Status', cell: (a) => <StatusBadge status={a.status} label={AGREEMENT_STATUS_LABELS[a.status]} /> },
  { header: 'Starts', cell: (a) => dateText(a.startDate) },
  { header: 'Ends', cell: (a) => (a.endDate ? dateText(a.endDate) : 'No end date') },
  { header: 'Each bill', cell: (a) => `${usd(a.perPeriodCents)} ${every(a.billingIntervalMonths)}`, numeric: true },
]

/** Agreements: status filter (pending approval first in mind), search, pages; all in the URL. */
export function AgreementsPage() {
  const { q, status, page, text, setText, go } = useListQuery('/agreements', { q: '', status: '' })
  const list = useApiQuery<PageOf<AgreementSummaryDto>>(withQuery('/api/agreements', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Agreements">
      <SearchToolbar id="agreement-search" label="Search agreements" placeholder="Customer, agreement name or number" text={text} onText={setText}>
        <StatusFilter id="agreement-status" statuses={AGREEMENT_STATUSES} labels={AGREEMENT_STATUS_LABELS} value={status} onChange={(s) => go({ status: s, page: 1 })} />
      </SearchToolbar>
      <DataTable
        caption="Agreements"
        columns={COLUMNS}
        rowKey={(a) => a.id}
        {...pageRows(list.data, 'agreements', (p) => go({ page: p }))}
        loading={list.isFetching}
        error={list.error?.message}
        empty={
          q || status
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
    </Page>
  )
}
