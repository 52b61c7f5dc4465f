import { Group } from '@mantine/core'
import { IconBuilding, IconKey, IconMail, IconPlugConnected, IconUsers } from '@tabler/icons-react'
import { Link, useLocation } from '../router.tsx'
import { useUser } from '../session.tsx'

/** Settings sections: company and your password for everyone, users for admins, the email outbox for the office. */
export function SettingsNav() {
  const { pathname } = useLocation()
  const user = useUser()
  const items = [
    { to: '/settings', label: 'Company', icon: IconBuilding },
    ...(user.role === 'admin' ? [{ to: '/settings/users', label: 'Users', icon: IconUsers }] : []),
    ...(user.role !== 'technician' ? [{ to: '/settings/emails', label: 'Emails', icon: IconMail }] : []),
    ...(user.role !== 'technician' ? [{ to: '/settings/quickbooks', label: 'QuickBooks', icon: IconPlugConnected }] : []),
    { to: '/settings/password', label: 'Your password', icon: IconKey },
  ]
  // Links, not tabs: each section has its own address (back button, bookmarks).
  return (
    <Group component="nav" aria-label="Settings" className="subnav" gap="lg" wrap="nowrap">
      {items.map(({ to, label, icon: Icon }) => (
        <Link key={to} to={to} aria-current={pathname === to ? 'page' : undefined}>
          <Icon size={16} aria-hidden />
          {label}
        </Link>
      ))}
    </Group>
  )
}
