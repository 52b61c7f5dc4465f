import type { NotificationDto } from '../../contracts/notifications.ts'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { followUpOf } from '../../domain/notification-follow-up.ts'
import type { ServiceDeps } from '../deps.ts'

/** In-app notifications for the office (one shared inbox: every office user sees the same list). */

export type { NotificationDto }

/** The agreement an in-app link points at (`/agreements/agr_…`), if any. */
const agreementOfLink = (link: string | null | undefined) => (link ? (/^\/agreements\/([A-Za-z0-9_-]+)$/.exec(link)?.[1] ?? null) : null)

/**
 * Adds a notification; call it inside the transaction of the change it announces. A link to an
 * agreement makes the agreement its subject: what it still asks for is derived from it.
 */
export async function notifyOffice(db: Db, n: { kind: string; title: string; body?: string; link?: string | null }): Promise<string> {
  const id = newId('ntf')
  await db.insertInto('notifications').values({ id, kind: n.kind, title: n.title, body: n.body ?? '', link: n.link ?? null, subjectId: agreementOfLink(n.link), readAt: null }).execute()
  return id
}

export async function listNotifications(
  deps: ServiceDeps,
  opts: { unreadOnly: boolean; limit: number; offset: number },
): Promise<{ items: NotificationDto[]; total: number; unread: number }> {
  let base = deps.db.selectFrom('notifications as n')
  if (opts.unreadOnly) base = base.where('n.readAt', 'is', null)
  const [rows, count, unread] = await Promise.all([
    base
      .leftJoin('agreements as a', 'a.id', 'n.subjectId')
      .select(['n.id', 'n.kind', 'n.title', 'n.body', 'n.link', 'n.readAt', 'n.createdAt', 'a.status as subjectStatus'])
      .select((eb) => eb.exists(eb.selectFrom('invoices as i').select('i.id').whereRef('i.agreementId', '=', 'n.subjectId').where('i.status', '=', 'failed')).as('subjectOwes'))
      .orderBy('n.createdAt', 'desc')
      .orderBy('n.id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    unreadCount(deps),
  ])
  return {
    items: rows.map(({ subjectStatus, subjectOwes, ...r }) => ({
      ...r,
      ...followUpOf(r.kind, subjectStatus ? { status: subjectStatus, owes: Boolean(subjectOwes) } : null),
      readAt: r.readAt ? r.readAt.toISOString() : null,
      createdAt: r.createdAt.toISOString(),
    })),
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
