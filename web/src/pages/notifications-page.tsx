import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { NotificationDto } from '../../../src/contracts/notifications.ts'
import { api, errorMessage } from '../api.ts'
import { refreshUnread } from '../notification-bell.tsx'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { useState } from 'react'

type NotificationView = NotificationDto

/** The office's notifications, newest first; opening one marks it read. */
export function NotificationsPage() {
  const { query } = useLocation()
  const unread = query.get('unread') === 'true'
  const page = Math.max(1, Number(query.get('page')) || 1)
  const { data, error, loading, reload } = useLoad<PageOf<NotificationView> & { unread: number }>(withQuery('/api/notifications', { unread: unread ? 'true' : undefined, page, pageSize: 25 }))
  const [actionError, setActionError] = useState<string | null>(null)
  const markRead = async (n: NotificationView) => {
    setActionError(null)
    try {
      if (!n.readAt) await api('POST', `/api/notifications/${n.id}/read`)
      refreshUnread()
      if (n.link) navigate(n.link)
      else reload()
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }
  const markAll = async () => {
    try {
      await api('POST', '/api/notifications/read-all')
      refreshUnread()
      reload()
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }
  return (
    <Page title="Notifications" actions={data && data.unread > 0 && <button type="button" onClick={() => void markAll()}>Mark all read</button>}>
      {actionError && <p className="form-error" role="alert">{actionError}</p>}
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={unread} onChange={(e) => navigate(withQuery('/notifications', { unread: e.target.checked }))} /> Unread only
        </label>
      </div>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <ul className="notifications">
            {data.items.map((n) => (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                {!n.readAt && <span className="badge">New</span>}
                <button type="button" className="link-button" onClick={() => void markRead(n)}>
                  {n.title}
                </button>
                {n.body && <span className="muted"> · {n.body}</span>}
              </li>
            ))}
          </ul>
          {data.items.length === 0 && <p className="muted">No notifications{unread ? ' unread' : ''}.</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun="notifications" onPage={(p) => navigate(withQuery('/notifications', { unread, page: p }))} />
          <p>
            <Link to="/agreements?status=pending_approval">Agreements waiting for approval</Link>
          </p>
        </>
      )}
    </Page>
  )
}
