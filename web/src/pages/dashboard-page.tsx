import { Paper, SimpleGrid, Text, Title } from '@mantine/core'
import type { DashboardDto, DashboardTiles } from '../../../src/contracts/dashboard.ts'
import { formatDay } from '../strings.ts'
import { formatUsd } from '../money.ts'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { DashboardCharts } from './dashboard-charts.tsx'
import { TodayList } from './today-list.tsx'

interface Tile {
  key: keyof DashboardTiles
  label: string
  value: string
  note?: string
  /** Needs someone's attention when not zero. */
  alert?: boolean
}

/** The tiles in reading order: money and the book first, then what needs doing. */
function tilesOf(t: DashboardTiles): Tile[] {
  const n = (x: number) => x.toLocaleString('en-US')
  return [
    { key: 'activeAgreements', label: 'Active agreements', value: n(t.activeAgreements), note: 'in their term today' },
    { key: 'mrrCents', label: 'Monthly recurring revenue', value: formatUsd(t.mrrCents), note: 'before tax' },
    { key: 'billedThisMonthCents', label: 'Billed this month', value: formatUsd(t.billedThisMonthCents) },
    { key: 'collectedThisMonthCents', label: 'Collected this month', value: formatUsd(t.collectedThisMonthCents), note: 'less refunds' },
    { key: 'failedPayments', label: 'Failed payments', value: n(t.failedPayments), note: `${formatUsd(t.failedOwedCents)} owed`, alert: t.failedPayments > 0 },
    { key: 'pendingApprovals', label: 'Sign-ups to approve', value: n(t.pendingApprovals), alert: t.pendingApprovals > 0 },
    { key: 'expiring30', label: 'Expiring in 30 days', value: n(t.expiring30) },
    { key: 'expiring60', label: 'Expiring in 60 days', value: n(t.expiring60) },
    { key: 'expiring90', label: 'Expiring in 90 days', value: n(t.expiring90) },
    { key: 'suspendedAgreements', label: 'Suspended agreements', value: n(t.suspendedAgreements), alert: t.suspendedAgreements > 0 },
    { key: 'renewalsSentThisMonth', label: 'Renewals sent this month', value: n(t.renewalsSentThisMonth) },
    { key: 'renewalsAcceptedThisMonth', label: 'Renewals accepted this month', value: n(t.renewalsAcceptedThisMonth) },
    { key: 'todaysVisits', label: "Today's visits", value: n(t.todaysVisits) },
    { key: 'quickbooksErrors', label: 'QuickBooks sync errors', value: n(t.quickbooksErrors), alert: t.quickbooksErrors > 0 },
  ]
}

/**
 * What an office opens every morning: what needs doing today (`GET /api/today`), then the tiles of
 * `GET /api/dashboard`, each a link to the list behind it, then the charts with their tables.
 */
export function DashboardPage() {
  const { data, error, isFetching } = useApiQuery<DashboardDto>('/api/dashboard')
  return (
    <Page title="Dashboard">
      <LoadState loading={isFetching && !data} error={error?.message ?? null} />
      {data && (
        <>
          <Text c="dimmed" size="sm" mt={-8}>
            As of {formatDay(data.today)}
          </Text>
          <TodayList />
          <section aria-labelledby="tiles-heading">
            <Title order={2} id="tiles-heading" className="visually-hidden">
              Figures
            </Title>
            <SimpleGrid component="ul" cols={{ base: 2, sm: 3, lg: 4, xl: 5 }} spacing="sm" className="plain-list">
              {tilesOf(data.tiles).map((t) => (
                <li key={t.key} style={{ minWidth: 0 }}>
                  <Paper component={Link} to={data.links[t.key]} withBorder radius="md" p="sm" h="100%" display="block" className="dash-tile" data-alert={t.alert || undefined}>
                    <Text size="sm" fw={600} c={t.alert ? 'red.9' : 'dimmed'} lh={1.3}>
                      {t.label}
                    </Text>
                    <Text fz={{ base: 22, sm: 26 }} fw={700} lh={1.2} c="var(--mantine-color-text)" style={{ overflowWrap: 'anywhere' }}>
                      {t.value}
                    </Text>
                    {t.note && (
                      <Text size="xs" c="dimmed">
                        {t.note}
                      </Text>
                    )}
                  </Paper>
                </li>
              ))}
            </SimpleGrid>
          </section>
          <DashboardCharts series={data.series} />
        </>
      )}
    </Page>
  )
}
