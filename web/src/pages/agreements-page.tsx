import { AGREEMENT_STATUSES, type AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { dateText, usd } from '../../../src/domain/quote-text.ts'
import { PagedTable, SearchToolbar, StatusFilter, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { AGREEMENT_STATUS_LABELS } from '../quote-strings.ts'
import { Link, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'

const every = (months: number) => (months === 1 ? 'per month' : months === 12 ? 'per year' : `every ${months} months`)

/** Agreements: status filter (pending approval first in mind), search, pages; all in the URL. */
export function AgreementsPage() {
  const { q, status, page, text, setText, go } = useListQuery('/agreements', { q: '', status: '' })
  const loaded = useLoad<PageOf<AgreementSummaryDto>>(withQuery('/api/agreements', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Agreements">
      <SearchToolbar id="agreement-search" label="Search agreements" placeholder="Customer, agreement name or number" text={text} onText={setText}>
        <StatusFilter id="agreement-status" statuses={AGREEMENT_STATUSES} labels={AGREEMENT_STATUS_LABELS} value={status} onChange={(s) => go({ status: s })} />
      </SearchToolbar>
      <PagedTable
        loaded={loaded}
        caption="Agreements"
        columns={['Agreement', 'Customer', 'Status', 'Starts', 'Ends', 'Each bill']}
        empty={`No agreements${q || status ? ' match' : ' yet'}.`}
        noun="agreements"
        onPage={(p) => go({ page: p })}
      >
        {(a) => (
          <>
            <td>
              <Link to={`/agreements/${a.id}`}>
                #{a.number} {a.name}
              </Link>
            </td>
            <td>{a.customerName}</td>
            <td>
              <span className={`badge status-${a.status}`}>{AGREEMENT_STATUS_LABELS[a.status]}</span>
            </td>
            <td>{dateText(a.startDate)}</td>
            <td>{a.endDate ? dateText(a.endDate) : 'No end date'}</td>
            <td>
              {usd(a.perPeriodCents)} {every(a.billingIntervalMonths)}
            </td>
          </>
        )}
      </PagedTable>
    </Page>
  )
}
