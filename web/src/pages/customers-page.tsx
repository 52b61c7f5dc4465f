import { useEffect, useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { CustomerSummaryDto } from '../../../src/contracts/customers.ts'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'

const PAGE_SIZE = 25

/** Customer list: search as you type (debounced), archived toggle and pages, all kept in the URL. */
export function CustomersPage() {
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const archived = query.get('archived') === 'true'
  const page = Math.max(1, Number(query.get('page')) || 1)
  const [text, setText] = useState(q)

  // Back/forward changes the URL's q: show it, unless it is just the trimmed form of the text.
  useEffect(() => setText((current) => (current.trim() === q ? current : q)), [q])
  useEffect(() => {
    if (text.trim() === q) return
    const timer = setTimeout(() => navigate(withQuery('/customers', { q: text.trim(), archived }), { replace: true }), 300)
    return () => clearTimeout(timer)
  }, [text, q, archived])

  const apiPath = withQuery('/api/customers', { q, archived: archived ? 'true' : undefined, page, pageSize: PAGE_SIZE })
  const { data, error, loading } = useLoad<PageOf<CustomerSummaryDto>>(apiPath)
  const go = (changes: { page?: number; archived?: boolean }) =>
    navigate(withQuery('/customers', { q, archived: changes.archived ?? archived, page: changes.page ?? undefined }))

  return (
    <Page title="Customers" actions={<Link to="/customers/new" className="button primary">New customer</Link>}>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="customer-search">Search customers</label>
        <input id="customer-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name, company, contact, phone, email or address" />
        <label className="inline">
          <input type="checkbox" checked={archived} onChange={(e) => go({ archived: e.target.checked, page: 1 })} /> Show archived
        </label>
      </form>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <table aria-busy={loading || undefined}>
            <caption className="visually-hidden">{archived ? 'Archived customers' : 'Customers'}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Company</th>
                <th scope="col">City</th>
                <th scope="col">Locations</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/customers/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>{c.companyName}</td>
                  <td>{c.city}</td>
                  <td>{c.locationCount}</td>
                  <td>{c.primaryEmail}</td>
                  <td>{c.primaryPhone}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">{q ? `No customers match “${q}”.` : 'No customers yet.'}</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="customers" onPage={(p) => go({ page: p })} />
        </>
      )}
    </Page>
  )
}
