import { Anchor, Badge, Button, Checkbox, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconArrowRight, IconChecks, IconCircleCheck } from '@tabler/icons-react'
import { useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { NotificationDto } from '../../../src/contracts/notifications.ts'
import { api, errorMessage } from '../api.ts'
import { refreshUnread } from '../notification-bell.tsx'
import { ErrorNote, LoadState, Page, Pager } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { formatDateTime } from '../strings.ts'

/** The office's notifications, newest first; opening one marks it read and goes where it points. */
export function NotificationsPage() {
  const { query } = useLocation()
  const unread = query.get('unread') === 'true'
  const page = Math.max(1, Number(query.get('page')) || 1)
  const list = useApiQuery<PageOf<NotificationDto> & { unread: number }>(withQuery('/api/notifications', { unread: unread ? 'true' : undefined, page, pageSize: 25 }))
  const [actionError, setActionError] = useState<string | null>(null)
  const open = async (n: NotificationDto) => {
    setActionError(null)
    try {
      if (!n.readAt) await api('POST', `/api/notifications/${n.id}/read`)
      refreshUnread()
      if (n.link) navigate(n.link)
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }
  const markAll = async () => {
    try {
      await api('POST', '/api/notifications/read-all')
      refreshUnread()
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }
  const data = list.data
  return (
    <Page
      title="Notifications"
      actions={
        data && data.unread > 0 && (
          <Button variant="default" leftSection={<IconChecks size={16} aria-hidden />} onClick={() => void markAll()}>
            Mark all read
          </Button>
        )
      }
    >
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <Checkbox label="Unread only" checked={unread} onChange={(e) => navigate(withQuery('/notifications', { unread: e.currentTarget.checked }))} />
      <LoadState loading={list.isFetching && !data} error={list.error?.message ?? null} />
      {data && (
        <>
          {data.items.length === 0 ? (
            <Text c="dimmed" ta="center" py="xl">
              No notifications{unread ? ' unread' : ''}. Sign-ups to approve, failed payments, suspensions and customers who paid show up here.
            </Text>
          ) : (
            <Paper withBorder component="ul" className="notifications" p={0} m={0}>
              {data.items.map((n) => (
                <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                  <Stack gap={2}>
                    <Group gap="xs" wrap="wrap">
                      {!n.readAt && (
                        <Badge size="sm" variant="light">
                          New
                        </Badge>
                      )}
                      <UnstyledButton onClick={() => void open(n)} className="notification-title" fw={n.readAt ? 400 : 700} c="brand.7">
                        {n.title}
                      </UnstyledButton>
                    </Group>
                    {n.body && <Text size="sm" c="dimmed">{n.body}</Text>}
                    {n.resolution && (
                      <Group gap={6}>
                        <Badge size="sm" color="green" variant="light" leftSection={<IconCircleCheck size={12} aria-hidden />}>
                          Done
                        </Badge>
                        <Text size="sm">{n.resolution}</Text>
                      </Group>
                    )}
                    {n.nextAction && n.link && (
                      <Group>
                        <Button size="xs" variant="light" rightSection={<IconArrowRight size={14} aria-hidden />} onClick={() => void open(n)}>
                          {n.nextAction}
                        </Button>
                      </Group>
                    )}
                    <Text size="xs" c="dimmed" component="time" dateTime={n.createdAt}>
                      {formatDateTime(n.createdAt)}
                    </Text>
                  </Stack>
                </li>
              ))}
            </Paper>
          )}
          {data.total > 0 && <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="notifications" onPage={(p) => navigate(withQuery('/notifications', { unread, page: p }))} />}
          <Anchor component={Link} to="/agreements?status=pending_approval">
            Agreements waiting for approval
          </Anchor>
        </>
      )}
    </Page>
  )
}
