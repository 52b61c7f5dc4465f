import { z } from 'zod'
import { IdParams, PageQuery } from '../../contracts/common.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { listNotifications, markAllNotificationsRead, markNotificationRead, unreadCount } from '../../services/notifications/notifications.ts'
import { defineRoute, OFFICE } from '../route.ts'

const NotificationListQuery = PageQuery.extend({ unread: z.enum(['true', 'false']).default('false') })

export const notificationsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/notifications',
    summary: 'Office notifications, newest first (?unread=true for unread only), with the unread count',
    tag: 'notifications',
    access: OFFICE,
    query: NotificationListQuery,
    handler: async ({ query }) => ({
      ...(await listNotifications(deps, { unreadOnly: query.unread === 'true', limit: query.pageSize, offset: (query.page - 1) * query.pageSize })),
      page: query.page,
      pageSize: query.pageSize,
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/notifications/unread-count',
    summary: 'How many notifications are unread (for the bell in the header)',
    tag: 'notifications',
    access: OFFICE,
    handler: async () => ({ unread: await unreadCount(deps) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/notifications/:id/read',
    summary: 'Mark one notification read',
    tag: 'notifications',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      await markNotificationRead(deps, params.id)
      return { unread: await unreadCount(deps) }
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/notifications/read-all',
    summary: 'Mark every notification read',
    tag: 'notifications',
    access: OFFICE,
    handler: async () => {
      await markAllNotificationsRead(deps)
      return { unread: 0 }
    },
  }),
]
