import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { PlanDto } from '../../../src/contracts/plans.ts'
import { formatUsd } from '../money.ts'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'
import { describeBilling, describeTax, describeTerm, describeVisits } from './plan-text.ts'

/** Agreement plan templates: the starting point for quotes. */
export function PlansPage() {
  const { query } = useLocation()
  const archived = query.get('archived') === 'true'
  const page = Math.max(1, Number(query.get('page')) || 1)
  const { data, error, loading } = useLoad<PageOf<PlanDto>>(withQuery('/api/plans', { archived: archived ? 'true' : undefined, page, pageSize: 25 }))
  const go = (changes: { page?: number; archived?: boolean }) => navigate(withQuery('/plans', { archived: changes.archived ?? archived, page: changes.page }))
  return (
    <Page title="Plans" actions={<Link to="/plans/new" className="button primary">New plan</Link>}>
      <p className="muted">Agreement plan templates: price, billing frequency, term, included visits and terms text.</p>
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={archived} onChange={(e) => go({ archived: e.target.checked, page: 1 })} /> Show archived
        </label>
      </div>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Price</th>
                <th scope="col">Billing</th>
                <th scope="col">Term</th>
                <th scope="col">Visits</th>
                <th scope="col">Tax</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/plans/${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{formatUsd(p.priceCents)}</td>
                  <td>{describeBilling(p)}</td>
                  <td>{describeTerm(p.termMonths)}</td>
                  <td>{describeVisits(p)}</td>
                  <td>{describeTax(p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">{archived ? 'No archived plans.' : 'No plans yet.'}</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="plans" onPage={(p) => go({ page: p })} />
        </>
      )}
    </Page>
  )
}
