import { Anchor, Button, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { PlanDto } from '../../../src/contracts/plans.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { ShowArchived, useListQuery } from '../list-page.tsx'
import { formatUsd } from '../money.ts'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link, withQuery } from '../router.tsx'
import { describeBilling, describeTax, describeTerm, describeVisits } from './plan-text.ts'

const COLUMNS: Column<PlanDto>[] = [
  { header: 'Plan', cell: (p) => <Anchor component={Link} to={`/plans/${p.id}`}>{p.name}</Anchor> },
  { header: 'Price', cell: (p) => formatUsd(p.priceCents), numeric: true },
  { header: 'Billing', cell: describeBilling },
  { header: 'Term', cell: (p) => describeTerm(p.termMonths) },
  { header: 'Visits', cell: describeVisits },
  { header: 'Tax', cell: describeTax },
]

const newPlan = (
  <Button component={Link} to="/plans/new" leftSection={<IconPlus size={16} aria-hidden />}>
    New plan
  </Button>
)

/** Agreement plan templates: the starting point for quotes. */
export function PlansPage() {
  const { archived, page, go } = useListQuery('/plans', { archived: false })
  const list = useApiQuery<PageOf<PlanDto>>(withQuery('/api/plans', { archived, page, pageSize: 25 }))
  return (
    <Page title="Plans" actions={newPlan}>
      <Text c="dimmed">Agreement plan templates: price, billing frequency, term, included visits and terms text.</Text>
      <ShowArchived checked={archived} onChange={(checked) => go({ archived: checked, page: 1 })} />
      <DataTable
        caption={archived ? 'Archived plans' : 'Plans'}
        columns={COLUMNS}
        rowKey={(p) => p.id}
        {...pageRows(list.data, 'plans', (p) => go({ page: p }))}
        loading={list.isFetching}
        error={list.error?.message}
        empty={archived ? { text: 'No archived plans.' } : { text: 'No plans yet. A plan is the template a quote starts from.', action: <Button component={Link} to="/plans/new" variant="default">Create the first plan</Button> }}
      />
    </Page>
  )
}
