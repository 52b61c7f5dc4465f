import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { PlanDto } from '../../../src/contracts/plans.ts'
import { PagedTable, ShowArchived, useListQuery } from '../list-page.tsx'
import { formatUsd } from '../money.ts'
import { Page } from '../page.tsx'
import { Link, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'
import { describeBilling, describeTax, describeTerm, describeVisits } from './plan-text.ts'

/** Agreement plan templates: the starting point for quotes. */
export function PlansPage() {
  const { archived, page, go } = useListQuery('/plans', { archived: false })
  const loaded = useLoad<PageOf<PlanDto>>(withQuery('/api/plans', { archived, page, pageSize: 25 }))
  return (
    <Page title="Plans" actions={<Link to="/plans/new" className="button primary">New plan</Link>}>
      <p className="muted">Agreement plan templates: price, billing frequency, term, included visits and terms text.</p>
      <div className="toolbar">
        <ShowArchived checked={archived} onChange={(checked) => go({ archived: checked, page: 1 })} />
      </div>
      <PagedTable
        loaded={loaded}
        columns={['Plan', 'Price', 'Billing', 'Term', 'Visits', 'Tax']}
        empty={archived ? 'No archived plans.' : 'No plans yet.'}
        noun="plans"
        onPage={(p) => go({ page: p })}
      >
        {(p) => (
          <>
            <td>
              <Link to={`/plans/${p.id}`}>{p.name}</Link>
            </td>
            <td>{formatUsd(p.priceCents)}</td>
            <td>{describeBilling(p)}</td>
            <td>{describeTerm(p.termMonths)}</td>
            <td>{describeVisits(p)}</td>
            <td>{describeTax(p)}</td>
          </>
        )}
      </PagedTable>
    </Page>
  )
}
