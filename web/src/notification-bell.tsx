import { ActionIcon, Indicator } from '@mantine/core'
import { IconBell } from '@tabler/icons-react'
import { useEffect } from 'react'
import { queryClient, useApiQuery } from './query.ts'
import { Link, useLocation } from './router.tsx'

const UNREAD = '/api/notifications/unread-count'

/** Asks the bell to re-read the unread count now (after marking read). */
export function refreshUnread(): void {
  void queryClient.invalidateQueries({ queryKey: [UNREAD] })
}

/** The header bell: unread notifications, re-checked on every navigation and every 30 seconds. */
export function NotificationBell() {
  const { pathname } = useLocation()
  const { data, refetch } = useApiQuery<{ unread: number }>(UNREAD, { refetchInterval: 30_000, placeholderData: undefined })
  useEffect(() => {
    void refetch()
  }, [pathname, refetch])
  const unread = data?.unread ?? 0
  const label = unread ? `Notifications: ${unread} unread` : 'Notifications'
  return (
    <Indicator label={unread > 99 ? '99+' : unread} size={18} color="red" disabled={!unread} offset={4} attributes={{ indicator: { "aria-hidden": true } }}>
      <ActionIcon component={Link} to="/notifications" variant="subtle" color="gray" size="lg" aria-label={label} title={label}>
        <IconBell size={22} aria-hidden />
      </ActionIcon>
    </Indicator>
  )
}
