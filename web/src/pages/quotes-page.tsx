import { Anchor, Button, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { QUOTE_STATUSES, type QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import { dateText, quoteLabel } from '../../../src/domain/quote-text.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { SearchToolbar, StatusFilter, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { Link, withQuery } from '../router.tsx'
import { StatusBadge } from '../status-badge.tsx'

const COLUMNS: Column<QuoteSummaryDto>[] = [
  {
    header: 'Quote',
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
  { header: 'Customer', cell: (x) => x.customerName },
  { header: 'Title', cell: (x) => x.title },
  { header: 'Options', cell: (x) => x.optionCount, numeric: true },
  { header: 'Status', cell: (x) => <StatusBadge status={x.status} label={QUOTE_STATUS_LABELS[x.status]} /> },
  { header: 'Valid until', cell: (x) => dateText(x.expiresOn) },
]

const newQuote = (
  <Button component={Link} to="/quotes/new" leftSection={<IconPlus size={16} aria-hidden />}>
    New quote
  </Button>
)

/** Quotes: status filter, search by customer, title or number, pages; all in the URL. */
export function QuotesPage() {
  const { q, status, page, text, setText, go } = useListQuery('/quotes', { q: '', status: '' })
  const list = useApiQuery<PageOf<QuoteSummaryDto>>(withQuery('/api/quotes', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Quotes" actions={newQuote}>
      <SearchToolbar id="quote-search" label="Search quotes" placeholder="Customer, title or number" text={text} onText={setText}>
        <StatusFilter id="quote-status" statuses={QUOTE_STATUSES} labels={QUOTE_STATUS_LABELS} value={status} onChange={(s) => go({ status: s, page: 1 })} />
      </SearchToolbar>
      <DataTable
        caption="Quotes"
        columns={COLUMNS}
        rowKey={(x) => x.id}
        {...pageRows(list.data, 'quotes', (p) => go({ page: p }))}
        loading={list.isFetching}
        error={list.error?.message}
        empty={q || status ? { text: 'No quotes match.' } : { text: 'No quotes yet. Quote a customer from a plan or from scratch.', action: <Button component={Link} to="/quotes/new" variant="default">Write the first quote</Button> }}
      />
    </Page>
  )
}
