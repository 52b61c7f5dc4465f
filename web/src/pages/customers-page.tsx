import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { CustomerSummaryDto } from '../../../src/contracts/customers.ts'
import { PagedTable, SearchToolbar, ShowArchived, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { Link, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'

/** Customer list: search as you type (debounced), archived toggle and pages, all kept in the URL. */
export function CustomersPage() {
  const { q, archived, page, text, setText, go } = useListQuery('/customers', { q: '', archived: false })
  const loaded = useLoad<PageOf<CustomerSummaryDto>>(withQuery('/api/customers', { q, archived, page, pageSize: 25 }))
  return (
    <Page title="Customers" actions={<Link to="/customers/new" className="button primary">New customer</Link>}>
      <SearchToolbar id="customer-search" label="Search customers" placeholder="Name, company, contact, phone, email or address" text={text} onText={setText}>
        <ShowArchived checked={archived} onChange={(checked) => go({ archived: checked, page: 1 })} />
      </SearchToolbar>
      <PagedTable
        loaded={loaded}
        caption={archived ? 'Archived customers' : 'Customers'}
        columns={['Name', 'Company', 'City', 'Locations', 'Email', 'Phone']}
        empty={q ? `No customers match “${q}”.` : 'No customers yet.'}
        noun="customers"
        onPage={(p) => go({ page: p })}
      >
        {(c) => (
          <>
            <td>
              <Link to={`/customers/${c.id}`}>{c.name}</Link>
            </td>
            <td>{c.companyName}</td>
            <td>{c.city}</td>
            <td>{c.locationCount}</td>
            <td>{c.primaryEmail}</td>
            <td>{c.primaryPhone}</td>
          </>
        )}
      </PagedTable>
    </Page>
  )
}
