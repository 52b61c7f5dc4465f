import { AppShell, Avatar, Box, Burger, Group, Menu, NavLink, ScrollArea, Text, UnstyledButton, VisuallyHidden } from '@mantine/core'
import { useDisclosure, useMediaQuery } from '@mantine/hooks'
import {
  IconCalendarEvent,
  IconChevronDown,
  IconClipboardList,
  IconExternalLink,
  IconFileDollar,
  IconFileText,
  IconKey,
  IconLayoutDashboard,
  IconLogout,
  IconMail,
  IconReceipt2,
  IconSettings,
  IconTool,
  IconUsers,
  type Icon,
} from '@tabler/icons-react'
import { useEffect, type ReactNode } from 'react'
import type { SettingsDto } from '../../src/contracts/settings.ts'
import type { SystemDto } from '../../src/contracts/emails.ts'
import { GlobalSearch } from './global-search.tsx'
import { NotificationBell } from './notification-bell.tsx'
import { useApiQuery } from './query.ts'
import { Link, useLocation } from './router.tsx'
import { useSession, useUser } from './session.tsx'
import { NAV, ROLE_LABELS } from './strings.ts'

const ICONS: Record<(typeof NAV)[number]['to'], Icon> = {
  '/': IconLayoutDashboard,
  '/customers': IconUsers,
  '/plans': IconClipboardList,
  '/quotes': IconFileDollar,
  '/agreements': IconFileText,
  '/billing': IconReceipt2,
  '/schedule': IconCalendarEvent,
  '/technicians': IconTool,
  '/settings': IconSettings,
}

/** Below this width the navigation hides behind the burger (phones and small tablets). */
const NAV_BREAKPOINT = 'sm'

const isCurrent = (to: string, pathname: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`))

/**
 * The logged-in frame: a header with the burger (phones), the company name, the search box, the notification bell and the
 * user menu; the main navigation with icons; the page. Technicians get no office navigation.
 */
export function Shell({ children }: { children: ReactNode }) {
  const user = useUser()
  const { pathname } = useLocation()
  const [opened, { toggle, close }] = useDisclosure(false)
  const phone = useMediaQuery('(max-width: 47.99em)')
  const office = user.role !== 'technician'
  // A link chosen on a phone closes the navigation.
  useEffect(close, [pathname, close])
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={office ? { width: 224, breakpoint: NAV_BREAKPOINT, collapsed: { mobile: !opened } } : undefined}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: "xs", sm: "md" }} gap="xs" wrap="nowrap">
          {office && <Burger opened={opened} onClick={toggle} hiddenFrom={NAV_BREAKPOINT} size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} aria-controls="main-nav" aria-expanded={opened} />}
          <CompanyName />
          {office && (
            <Box role="search" style={{ flex: '1 1 0', minWidth: 0, display: 'flex', justifyContent: 'flex-end' }}>
              <GlobalSearch />
            </Box>
          )}
          {office && <NotificationBell />}
          <UserMenu />
        </Group>
      </AppShell.Header>
      {office && (
        // Off screen on a phone until the burger opens it: inert, so Tab does not wander into it.
        <AppShell.Navbar id="main-nav" component="nav" aria-label="Main" p="xs" inert={phone && !opened}>
          <AppShell.Section grow component={ScrollArea}>
            {NAV.map((item) => {
              const Icon = ICONS[item.to]
              return (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  leftSection={<Icon size={20} stroke={1.7} aria-hidden />}
                  active={isCurrent(item.to, pathname)}
                  aria-current={isCurrent(item.to, pathname) ? 'page' : undefined}
                  variant="light"
                />
              )
            })}
            <MailboxNavItem />
          </AppShell.Section>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" className="content">
        {children}
      </AppShell.Main>
    </AppShell>
  )
}

function CompanyName() {
  const { data } = useApiQuery<SettingsDto>('/api/settings', { staleTime: 60_000 })
  return (
    <Text component={Link} to="/" fw={700} size="lg" truncate="end" mr="auto" c="inherit" td="none" miw={0} maw={{ base: 88, xs: 'none' }} style={{ flex: '0 1 auto' }}>
      {data?.companyName ?? 'Servicebook'}
    </Text>
  )
}

/** The user's name and role; opens to their password and Log out. */
function UserMenu() {
  const user = useUser()
  const { logOut } = useSession()
  return (
    <Menu position="bottom-end" width={220} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account: ${user.name} (${ROLE_LABELS[user.role]})`} className="user-button">
          <Group gap={8} wrap="nowrap">
            <Avatar color="brand" radius="xl" size={32} aria-hidden />
            <Text size="sm" visibleFrom="sm" lh={1.2}>
              {user.name}{' '}
              <Text span c="dimmed" size="sm">
                ({ROLE_LABELS[user.role]})
              </Text>
            </Text>
            <Box visibleFrom="xs" display="flex">
              <IconChevronDown size={16} aria-hidden />
            </Box>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {user.name} · {user.email}
        </Menu.Label>
        <Menu.Item component={Link} to="/settings/password" leftSection={<IconKey size={16} aria-hidden />}>
          Your password
        </Menu.Item>
        <Menu.Item color="red" leftSection={<IconLogout size={16} aria-hidden />} onClick={() => void logOut()}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

/**
 * "Mailbox" in the navigation, only while the server sends mail to the local capture (no SMTP_URL):
 * it opens the captured mail in a new tab. See docs/email.md.
 */
function MailboxNavItem() {
  const { data } = useApiQuery<SystemDto>('/api/system', { staleTime: Infinity })
  if (!data?.mailboxUrl) return null
  return (
    <NavLink
      href={data.mailboxUrl}
      target="_blank"
      rel="noopener noreferrer"
      title="Mail the app has sent, caught locally (opens in a new tab)"
      leftSection={<IconMail size={20} stroke={1.7} aria-hidden />}
      rightSection={<IconExternalLink size={14} aria-hidden />}
      label={
        <>
          Mailbox<VisuallyHidden> (opens in a new tab)</VisuallyHidden>
        </>
      }
    />
  )
}
