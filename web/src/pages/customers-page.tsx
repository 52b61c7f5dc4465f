import { Anchor, Button } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { CustomerSummaryDto } from '../../../src/contracts/customers.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { SearchToolbar, ShowArchived, useListQuery } from '../list-page.tsx'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link, withQuery } from '../router.tsx'

const COLUMNS: Column<CustomerSummaryDto>[] = [
  { header: 'Name', cell: (c) => <Anchor component={Link} to={`/customers/${c.id}`}>{c.name}</Anchor> },
  { header: 'Company', cell: (c) => c.companyName },
  { header: 'City', cell: (c) => c.city },
  { header: 'Locations', cell: (c) => c.locationCount, numeric: true },
  { header: 'Email', cell: (c) => c.primaryEmail },
  { header: 'Phone', cell: (c) => c.primaryPhone },
]

const newCustomer = (
  <Button component={Link} to="/customers/new" leftSection={<IconPlus size={16} aria-hidden />}>
    New customer
  </Button>
)

/** Customer list: search as you type (debounced), archived toggle and pages, all kept in the URL. */
export function CustomersPage() {
  const { q, archived, page, text, setText, go } = useListQuery('/customers', { q: '', archived: false })
  const list = useApiQuery<PageOf<CustomerSummaryDto>>(withQuery('/api/customers', { q, archived, page, pageSize: 25 }))
  return (
    <Page title="Customers" actions={newCustomer}>
      <SearchToolbar id="customer-search" label="Search customers" placeholder="Name, company, contact, phone, email or address" text={text} onText={setText}>
        <ShowArchived checked={archived} onChange={(checked) => go({ archived: checked, page: 1 })} />
      </SearchToolbar>
      <DataTable
        caption={archived ? 'Archived customers' : 'Customers'}
        columns={COLUMNS}
        rowKey={(c) => c.id}
        {...pageRows(list.data, 'customers', (p) => go({ page: p }))}
        loading={list.isFetching}
        error={list.error?.message}
        empty={
          q
            ? { text: `No customers match “${q}”.`, action: <Button variant="default" onClick={() => setText('')}>Clear the search</Button> }
            : archived
              ? { text: 'No archived customers.' }
              : { text: 'No customers yet. Add the first one to start quoting.', action: <Button component={Link} to="/customers/new" variant="default">Add the first customer</Button> }
        }
      />
    </Page>
  )
}
