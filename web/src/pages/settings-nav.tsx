import { Link, useLocation } from '../router.tsx'
import { useUser } from '../session.tsx'

/** Settings sections: company for everyone, users for admins. */
export function SettingsNav() {
  const { pathname } = useLocation()
  const user = useUser()
  const items = [
    { to: '/settings', label: 'Company' },
    ...(user.role === 'admin' ? [{ to: '/settings/users', label: 'Users' }] : []),
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
