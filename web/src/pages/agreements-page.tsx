import { useEffect, useState } from 'react'
import { AGREEMENT_STATUSES, type AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { dateText, usd } from '../../../src/domain/quote-text.ts'
import { LoadState, Page, Pager } from '../page.tsx'
import { AGREEMENT_STATUS_LABELS } from '../quote-strings.ts'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'

const every = (months: number) => (months === 1 ? 'per month' : months === 12 ? 'per year' : `every ${months} months`)

/** Agreements: status filter (pending approval first in mind), search, pages; all in the URL. */
export function AgreementsPage() {
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const status = query.get('status') ?? ''
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [text, setText] = useState(q)
  useEffect(() => setText((current) => (current.trim() === q ? current : q)), [q])
  useEffect(() => {
    if (text.trim() === q) return
    const timer = setTimeout(() => navigate(withQuery('/agreements', { q: text.trim(), status }), { replace: true }), 300)
    return () => clearTimeout(timer)
  }, [text, q, status])
  const { data, error, loading } = useLoad<PageOf<AgreementSummaryDto>>(withQuery('/api/agreements', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Agreements">
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="agreement-search">Search agreements</label>
        <input id="agreement-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Customer, agreement name or number" />
        <label htmlFor="agreement-status">Status</label>
        <select id="agreement-status" value={status} onChange={(e) => navigate(withQuery('/agreements', { q, status: e.target.value }))}>
          <option value="">All</option>
          {AGREEMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {AGREEMENT_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </form>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <table aria-busy={loading || undefined}>
            <caption className="visually-hidden">Agreements</caption>
            <thead>
              <tr>
                <th scope="col">Agreement</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Each bill</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((a) => (
                <tr key={a.id}>
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
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">No agreements{q || status ? ' match' : ' yet'}.</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="agreements" onPage={(p) => navigate(withQuery('/agreements', { q, status, page: p }))} />
        </>
      )}
    </Page>
  )
}
