import { Anchor, Button, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { QUOTE_STATUSES, type QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import type { SettingsDto } from '../../../src/contracts/settings.ts'
import { perPeriodText, quoteLabel, usd } from '../../../src/domain/quote-text.ts'
import { formatDay } from '../strings.ts'
import { localDate } from '../../../src/domain/time-zone.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { SearchToolbar, StatusFilter, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { Link, withQuery } from '../router.tsx'
import { StatusBadge } from '../status-badge.tsx'

/** Each bill of the accepted or cheapest option: "from $32.46 a month". */
const amountText = (a: QuoteSummaryDto['amount']) => (a ? `${a.from ? 'from ' : ''}${usd(a.perPeriodCents)} ${perPeriodText(a)}` : '—')

const columns = (timeZone: string | undefined): Column<QuoteSummaryDto>[] => [
  {
    header: 'Quote',
    sort: 'number',
    cell: (x) => (
      <>
        <Anchor component={Link} to={`/quotes/${x.id}`}>
          {quoteLabel(x.number)}
        </Anchor>
        {x.currentRevision > 1 && (
          <Text span c="dimmed" size="sm">
            {' '}
            rev {x.currentRevision}
          </Text>
        )}
      </>
    ),
  },
  { header: 'Customer', sort: 'customer', cell: (x) => x.customerName },
  { header: 'Title', cell: (x) => x.title },
  { header: 'Amount', cell: (x) => amountText(x.amount), numeric: true },
  { header: 'Options', cell: (x) => x.optionCount, numeric: true },
  { header: 'Status', cell: (x) => <StatusBadge status={x.status} label={QUOTE_STATUS_LABELS[x.status]} /> },
  // The company's date of the last send (dates shown to people are the company's).
  { header: 'Sent', sort: 'sentAt', cell: (x) => (x.sentAt && timeZone ? formatDay(localDate(new Date(x.sentAt), timeZone)) : x.sentAt ? '…' : 'Not sent') },
  { header: 'Valid until', sort: 'expiresOn', cell: (x) => formatDay(x.expiresOn) },
]

const newQuote = (
  <Button component={Link} to="/quotes/new" leftSection={<IconPlus size={16} aria-hidden />}>
    New quote
  </Button>
)

/** Quotes: status filter, search by customer, title or number, sort, pages; all in the URL. */
export function QuotesPage() {
  const { q, status, sort, dir, page, text, setText, go } = useListQuery('/quotes', { q: '', status: '', sort: 'createdAt', dir: 'desc' })
  const list = useApiQuery<PageOf<QuoteSummaryDto>>(withQuery('/api/quotes', { q, status, sort, dir, page, pageSize: 25 }))
  const settings = useApiQuery<SettingsDto>('/api/settings', { staleTime: 60_000 })
  return (
    <Page title="Quotes" actions={newQuote}>
      <SearchToolbar id="quote-search" label="Search quotes" placeholder="Customer, title or number" text={text} onText={setText}>
        <StatusFilter id="quote-status" statuses={QUOTE_STATUSES} labels={QUOTE_STATUS_LABELS} value={status} onChange={(s) => go({ status: s, page: 1 })} />
      </SearchToolbar>
      <DataTable
        caption="Quotes"
        columns={columns(settings.data?.timeZone)}
        sort={{ by: sort, desc: dir === 'desc', onSort: (by, desc) => go({ sort: by, dir: desc ? 'desc' : 'asc', page: 1 }) }}
        minWidth={900}
        rowKey={(x) => x.id}
        {...pageRows(list.data, 'quotes', (p) => go({ page: p }))}
        loading={list.isFetching}
        error={list.error?.message}
        empty={q || status ? { text: 'No quotes match.' } : { text: 'No quotes yet. Quote a customer from a plan or from scratch.', action: <Button component={Link} to="/quotes/new" variant="default">Write the first quote</Button> }}
      />
    </Page>
  )
}
