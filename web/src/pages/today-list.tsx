import { formatDay } from '../strings.ts'
import { Anchor, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconCircleCheck, IconMailX, IconPlayerPlay, IconUserCheck, type Icon } from '@tabler/icons-react'
import { TODAY_KINDS, type TodayDto, type TodayKind } from '../../../src/contracts/dashboard.ts'
import { formatUsd } from '../money.ts'
import { ErrorNote } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'

const KINDS: Record<TodayKind, { action: string; plural: (n: number) => string; amount: string; since: string; color: string; icon: Icon; all: string }> = {
  approve_signup: { action: 'Approve sign-up', plural: (n) => `${n} sign-up${n === 1 ? '' : 's'} to approve`, amount: 'each bill', since: 'signed', color: 'yellow', icon: IconUserCheck, all: '/agreements?status=pending_approval' },
  failed_payment: { action: 'Collect', plural: (n) => `${n} failed payment${n === 1 ? '' : 's'}`, amount: 'owed', since: 'failed', color: 'red', icon: IconAlertTriangle, all: '/billing/failed' },
  reactivate: { action: 'Reactivate', plural: (n) => `${n} suspended agreement${n === 1 ? '' : 's'} paid since`, amount: 'each bill', since: 'suspended', color: 'green', icon: IconPlayerPlay, all: '/billing/suspended' },
  email_failed: { action: 'Resend e-mail', plural: (n) => `${n} e-mail${n === 1 ? '' : 's'} not delivered`, amount: 'at stake', since: 'queued', color: 'orange', icon: IconMailX, all: '/settings/emails?status=failed' },
}

/**
 * "Today" at the top of the dashboard (`GET /api/today`): what needs doing now, the most money at
 * stake first, each a link to where it is done; a line of totals per kind with a link to the whole list.
 */
export function TodayList() {
  const { data, error } = useApiQuery<TodayDto>('/api/today')
  return (
    <Paper component="section" aria-labelledby="today-heading" withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Stack gap="sm">
        <Title order={2} id="today-heading">
          Today
        </Title>
        {error && <ErrorNote>{error.message}</ErrorNote>}
        {data && data.items.length === 0 && (
          <Group gap="xs" wrap="nowrap">
            <IconCircleCheck size={20} aria-hidden color="var(--mantine-color-green-9)" style={{ flex: 'none' }} />
            <Text>Nothing needs doing right now: no sign-ups to approve, failed payments, agreements to reactivate or undelivered e-mails.</Text>
          </Group>
        )}
        {data && data.items.length > 0 && (
          <>
            <Group component="ul" className="plain-list" gap="xs" aria-label="Totals" wrap="wrap">
              {TODAY_KINDS.filter((k) => data.totals[k].count > 0).map((k) => (
                <li key={k}>
                  <Anchor component={Link} to={KINDS[k].all} size="sm">
                    {KINDS[k].plural(data.totals[k].count)}
                    {data.totals[k].cents > 0 && ` (${formatUsd(data.totals[k].cents)})`}
                  </Anchor>
                </li>
              ))}
            </Group>
            <Stack component="ol" className="plain-list today-list" gap={0} aria-label="To do, most money at stake first">
              {data.items.map((i) => {
                const k = KINDS[i.kind]
                const Icon = k.icon
                return (
                  <Group component="li" key={`${i.kind}:${i.id}`} gap="sm" wrap="nowrap" align="flex-start" py="xs" className="today-item">
                    <Icon size={20} aria-hidden style={{ flex: 'none', marginTop: 2 }} color={`var(--mantine-color-${k.color}-9)`} />
                    <Stack gap={0} miw={0} style={{ flex: 1 }}>
                      <Group gap={6} wrap="wrap">
                        <Anchor component={Link} to={i.link} fw={600} style={{ overflowWrap: 'anywhere' }}>
                          {k.action}: {i.label}
                        </Anchor>
                        {i.customerName && (
                          <Text span size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                            {i.customerName}
                          </Text>
                        )}
                      </Group>
                      <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        {[i.note, `${k.since} ${formatDay(i.since)}`].filter(Boolean).join(' · ')}
                      </Text>
                    </Stack>
                    {i.amountCents > 0 && (
                      <Stack gap={0} align="flex-end" style={{ flex: 'none' }}>
                        <Badge variant="light" color={k.color} radius="sm" tt="none" size="lg" className="num">
                          {formatUsd(i.amountCents)}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {k.amount}
                        </Text>
                      </Stack>
                    )}
                  </Group>
                )
              })}
            </Stack>
          </>
        )}
      </Stack>
    </Paper>
  )
}
