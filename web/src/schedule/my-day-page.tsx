import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core'
import type { MyVisitsDto, VisitDto } from '../../../src/contracts/scheduling.ts'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { dayLabel, timeText, VISIT_STATUS_LABELS } from './visit-text.ts'

/** The technician's home (phone width): today's visits in order, then the coming days. */
export function MyDayPage() {
  const mine = useApiQuery<MyVisitsDto>('/api/my/visits?days=7', { refetchInterval: 60_000 })
  const data = mine.data
  return (
    <Page title="Your visits">
      <LoadState loading={mine.isLoading} error={mine.error?.message ?? null} />
      {data?.days.map((d) => (
        <Stack key={d.date} gap="xs" component="section" aria-label={d.date === data.today ? 'Today' : dayLabel(d.date)}>
          <Title order={2} size="h4">
            {d.date === data.today ? `Today, ${dayLabel(d.date)}` : dayLabel(d.date)}
          </Title>
          {d.visits.length === 0 ? (
            <Text c="dimmed" size="sm">
              No visits.
            </Text>
          ) : (
            d.visits.map((v) => <VisitCard key={v.id} visit={v} tz={data.timeZone} />)
          )}
        </Stack>
      ))}
      <Anchor component={Link} to="/settings/password" size="sm">
        Change your password
      </Anchor>
    </Page>
  )
}

function VisitCard({ visit: v, tz }: { visit: VisitDto; tz: string }) {
  return (
    <Card withBorder padding="sm" data-visit={v.id}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Anchor component={Link} to={`/visits/${v.id}`} fw={600}>
          {v.scheduledStart && v.scheduledEnd ? `${timeText(v.scheduledStart, tz)}–${timeText(v.scheduledEnd, tz)} ` : ''}
          {v.customerName}
        </Anchor>
        <Badge variant="light" tt="none" color={v.status === 'completed' ? 'gray' : 'blue'}>
          {VISIT_STATUS_LABELS[v.status]}
        </Badge>
      </Group>
      <Text size="sm">
        {v.location.line1}
        {v.location.line2 ? `, ${v.location.line2}` : ''}, {v.location.city} {v.location.postalCode}
      </Text>
      <Text size="sm">{v.description}</Text>
      {v.notes && (
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
          {v.notes}
        </Text>
      )}
    </Card>
  )
}
