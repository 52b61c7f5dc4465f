import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { QUOTE_STATUSES, type QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import { dateText, quoteLabel } from '../../../src/domain/quote-text.ts'
import { PagedTable, SearchToolbar, StatusFilter, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { Link, withQuery } from '../router.tsx'
import { QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { useLoad } from '../use-load.ts'

/** Quotes: status filter, search by customer, title or number, pages; all in the URL. */
export function QuotesPage() {
  const { q, status, page, text, setText, go } = useListQuery('/quotes', { q: '', status: '' })
  const loaded = useLoad<PageOf<QuoteSummaryDto>>(withQuery('/api/quotes', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Quotes" actions={<Link to="/quotes/new" className="button primary">New quote</Link>}>
      <SearchToolbar id="quote-search" label="Search quotes" placeholder="Customer, title or number" text={text} onText={setText}>
        <StatusFilter id="quote-status" statuses={QUOTE_STATUSES} labels={QUOTE_STATUS_LABELS} value={status} onChange={(s) => go({ status: s })} />
      </SearchToolbar>
      <PagedTable
        loaded={loaded}
        caption="Quotes"
        columns={['Quote', 'Customer', 'Title', 'Options', 'Status', 'Valid until']}
        empty={`No quotes${q || status ? ' match' : ' yet'}.`}
        noun="quotes"
        onPage={(p) => go({ page: p })}
      >
        {(x) => (
          <>
            <td>
              <Link to={`/quotes/${x.id}`}>{quoteLabel(x.number)}</Link>
              {x.currentRevision > 1 && <span className="muted"> rev {x.currentRevision}</span>}
            </td>
            <td>{x.customerName}</td>
            <td>{x.title}</td>
            <td>{x.optionCount}</td>
            <td>
              <span className={`badge status-${x.status}`}>{QUOTE_STATUS_LABELS[x.status]}</span>
            </td>
            <td>{dateText(x.expiresOn)}</td>
          </>
        )}
      </PagedTable>
    </Page>
  )
}
