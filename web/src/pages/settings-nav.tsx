import { Link, useLocation } from '../router.tsx'
import { useUser } from '../session.tsx'

/** Settings sections: company and your password for everyone, users for admins, the email outbox for the office. */
export function SettingsNav() {
  const { pathname } = useLocation()
  const user = useUser()
  const items = [
    { to: '/settings', label: 'Company' },
    ...(user.role === 'admin' ? [{ to: '/settings/users', label: 'Users' }] : []),
    ...(user.role !== 'technician' ? [{ to: '/settings/emails', label: 'Emails' }] : []),
    { to: '/settings/password', label: 'Your password' },
  ]
  return (
    <nav className="subnav" aria-label="Settings">
      {items.map((i) => (
        <Link key={i.to} to={i.to} aria-current={pathname === i.to ? 'page' : undefined}>
          {i.label}
        </Link>
      ))}
    </nav>
  )
}
