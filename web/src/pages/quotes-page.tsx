import { useEffect, useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { QUOTE_STATUSES, type QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import { dateText, quoteLabel } from '../../../src/domain/quote-text.ts'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { useLoad } from '../use-load.ts'

/** Quotes: status filter, search by customer, title or number, pages; all in the URL. */
export function QuotesPage() {
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const status = query.get('status') ?? ''
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [text, setText] = useState(q)
  useEffect(() => setText((current) => (current.trim() === q ? current : q)), [q])
  useEffect(() => {
    if (text.trim() === q) return
    const timer = setTimeout(() => navigate(withQuery('/quotes', { q: text.trim(), status }), { replace: true }), 300)
    return () => clearTimeout(timer)
  }, [text, q, status])
  const { data, error, loading } = useLoad<PageOf<QuoteSummaryDto>>(withQuery('/api/quotes', { q, status, page, pageSize: 25 }))
  return (
    <Page title="Quotes" actions={<Link to="/quotes/new" className="button primary">New quote</Link>}>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="quote-search">Search quotes</label>
        <input id="quote-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Customer, title or number" />
        <label htmlFor="quote-status">Status</label>
        <select id="quote-status" value={status} onChange={(e) => navigate(withQuery('/quotes', { q, status: e.target.value }))}>
          <option value="">All</option>
          {QUOTE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {QUOTE_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </form>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <table aria-busy={loading || undefined}>
            <caption className="visually-hidden">Quotes</caption>
            <thead>
              <tr>
                <th scope="col">Quote</th>
                <th scope="col">Customer</th>
                <th scope="col">Title</th>
                <th scope="col">Options</th>
                <th scope="col">Status</th>
                <th scope="col">Valid until</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((x) => (
                <tr key={x.id}>
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
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">No quotes{q || status ? ' match' : ' yet'}.</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="quotes" onPage={(p) => navigate(withQuery('/quotes', { q, status, page: p }))} />
        </>
      )}
    </Page>
  )
}
