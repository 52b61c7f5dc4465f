import { useEffect, useState } from 'react'
import { api } from './api.ts'
import { Link, useLocation } from './router.tsx'

const listeners = new Set<() => void>()

/** Asks every bell to re-read the unread count now (after marking read). */
export function refreshUnread(): void {
  for (const l of listeners) l()
}

/** The header bell: unread notifications, re-checked on every navigation and every 30 seconds. */
export function NotificationBell() {
  const { pathname } = useLocation()
  const [unread, setUnread] = useState<number | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const poke = () => setTick((t) => t + 1)
    listeners.add(poke)
    const timer = setInterval(poke, 30_000)
    return () => {
      listeners.delete(poke)
      clearInterval(timer)
    }
  }, [])
  useEffect(() => {
    let current = true
    api<{ unread: number }>('GET', '/api/notifications/unread-count')
      .then((r) => current && setUnread(r.unread))
      .catch(() => current && setUnread(null))
    return () => {
      current = false
    }
  }, [pathname, tick])
  const label = unread ? `Notifications: ${unread} unread` : 'Notifications'
  return (
    <Link to="/notifications" className="bell" aria-label={label} title={label}>
      <span aria-hidden="true">🔔</span>
      {unread ? <span className="bell-count" aria-hidden="true">{unread}</span> : null}
    </Link>
  )
}
