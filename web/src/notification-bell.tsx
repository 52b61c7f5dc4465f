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
      <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      {unread ? <span className="bell-count" aria-hidden="true">{unread}</span> : null}
    </Link>
  )
}
