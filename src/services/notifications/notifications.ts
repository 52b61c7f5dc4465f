import type { NotificationDto } from '../../contracts/notifications.ts'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import type { ServiceDeps } from '../deps.ts'

/** In-app notifications for the office (one shared inbox: every office user sees the same list). */

export type { NotificationDto }

/** Adds a notification; call it inside the transaction of the change it announces. */
export async function notifyOffice(db: Db, n: { kind: string; title: string; body?: string; link?: string | null }): Promise<string> {
  const id = newId('ntf')
  await db.insertInto('notifications').values({ id, kind: n.kind, title: n.title, body: n.body ?? '', link: n.link ?? null, readAt: null }).execute()
  return id
}

export async function listNotifications(
  deps: ServiceDeps,
  opts: { unreadOnly: boolean; limit: number; offset: number },
): Promise<{ items: NotificationDto[]; total: number; unread: number }> {
  let base = deps.db.selectFrom('notifications')
  if (opts.unreadOnly) base = base.where('readAt', 'is', null)
  const [rows, count, unread] = await Promise.all([
    base.selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    unreadCount(deps),
  ])
  return {
    items: rows.map((r) => ({ ...r, readAt: r.readAt ? r.readAt.toISOString() : null, createdAt: r.createdAt.toISOString() })),
    total: Number(count.n),
    unread,
  }
}

export async function unreadCount(deps: ServiceDeps): Promise<number> {
  const row = await deps.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('readAt', 'is', null).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Marks one notification read (idempotent). */
export async function markNotificationRead(deps: ServiceDeps, id: string): Promise<void> {
  const found = await deps.db.selectFrom('notifications').select('id').where('id', '=', id).executeTakeFirst()
  if (!found) throw notFound('notification', id)
  await deps.db.updateTable('notifications').set({ readAt: deps.clock.now() }).where('id', '=', id).where('readAt', 'is', null).execute()
}

export async function markAllNotificationsRead(deps: ServiceDeps): Promise<number> {
  const res = await deps.db.updateTable('notifications').set({ readAt: deps.clock.now() }).where('readAt', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows)
}
