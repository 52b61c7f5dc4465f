import { Anchor, Paper, SimpleGrid, Text } from '@mantine/core'
import type { DashboardDto } from '../../../src/contracts/settings.ts'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { useUser } from '../session.tsx'

/** The counts from `GET /api/dashboard`, each linking to where the things are. */
export function DashboardPage() {
  const user = useUser()
  const { data, error, isFetching } = useApiQuery<DashboardDto>('/api/dashboard')
  const tiles = data
    ? [
        { label: 'Sign-ups awaiting approval', value: data.pendingApprovals, to: '/agreements?status=pending_approval' },
        { label: 'Failed payments', value: data.failedInvoices, to: '/billing' },
        { label: 'Quotes out with customers', value: data.openQuotes, to: '/quotes' },
        { label: 'Active agreements', value: data.activeAgreements, to: '/agreements?status=active' },
        { label: 'Suspended agreements', value: data.suspendedAgreements, to: '/agreements?status=suspended' },
        { label: 'Customers', value: data.customers, to: '/customers' },
        { label: 'Service locations', value: data.locations, to: '/customers' },
        { label: 'Archived customers', value: data.archivedCustomers, to: '/customers?archived=true' },
        { label: 'Plans', value: data.plans, to: '/plans' },
        { label: 'Active users', value: data.users, to: user.role === 'admin' ? '/settings/users' : null },
      ]
    : []
  return (
    <Page title="Dashboard">
      <LoadState loading={isFetching && !data} error={error?.message ?? null} />
      <SimpleGrid component="ul" cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" className="plain-list">
        {tiles.map((t) => (
          <Paper component="li" key={t.label} withBorder p="md" radius="md">
            <Text fz={30} fw={700} lh={1.1}>
              {t.value}
            </Text>
            {t.to ? (
              <Anchor component={Link} to={t.to} size="sm">
                {t.label}
              </Anchor>
            ) : (
              <Text size="sm">{t.label}</Text>
            )}
          </Paper>
        ))}
      </SimpleGrid>
    </Page>
  )
}
