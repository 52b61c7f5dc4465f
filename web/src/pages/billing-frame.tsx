import { Badge, Button, Group } from '@mantine/core'
import { IconAlertTriangle, IconCash, IconFileInvoice, IconHistory, IconPlayerPause, IconPlayerPlay, IconScale, IconSettings, type Icon } from '@tabler/icons-react'
import type { ReactNode } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link, useLocation } from '../router.tsx'

/** Billing's sections, each its own page under /billing with one job and its next action. */
export const BILLING_SECTIONS: readonly { to: string; label: string; icon: Icon; count?: 'failed' | 'suspended' }[] = [
  { to: '/billing', label: 'Bill all', icon: IconPlayerPlay },
  { to: '/billing/failed', label: 'Failed payments', icon: IconAlertTriangle, count: 'failed' },
  { to: '/billing/suspended', label: 'Suspended', icon: IconPlayerPause, count: 'suspended' },
  { to: '/billing/runs', label: 'Runs', icon: IconHistory },
  { to: '/billing/invoices', label: 'Invoices', icon: IconFileInvoice },
  { to: '/billing/payments', label: 'Payments', icon: IconCash },
  { to: '/billing/reconciliation', label: 'Reconciliation', icon: IconScale },
  { to: '/billing/settings', label: 'Settings', icon: IconSettings },
]

/** How many failed payments and suspended agreements wait: shown on their tabs, and as Bill all's next action. */
export function useBillingCounts() {
  const failed = useApiQuery<PageOf<unknown>>('/api/billing/failed-payments?pageSize=1')
  const suspended = useApiQuery<PageOf<unknown>>('/api/agreements?status=suspended&pageSize=1')
  return { failed: failed.data?.total ?? 0, suspended: suspended.data?.total ?? 0 }
}

const isCurrent = (to: string, pathname: string) => (to === '/billing' ? pathname === to : pathname === to || pathname.startsWith(`${to}/`))

/** The row of section links under the Billing heading; it wraps on a phone rather than scrolling sideways. */
function BillingNav() {
  const { pathname } = useLocation()
  const counts = useBillingCounts()
  return (
    <Group component="nav" aria-label="Billing sections" gap={6} wrap="wrap" className="billing-nav">
      {BILLING_SECTIONS.map(({ to, label, icon: Icon, count }) => {
        const current = isCurrent(to, pathname)
        const n = count ? counts[count] : 0
        return (
          <Button
            key={to}
            component={Link}
            to={to}
            size="compact-sm"
            variant={current ? 'light' : 'subtle'}
            color={current ? undefined : 'gray'}
            aria-current={current ? 'page' : undefined}
            leftSection={<Icon size={16} aria-hidden />}
            rightSection={n > 0 ? <Badge size="sm" circle={n < 10} color={count === 'failed' ? 'red' : 'orange'}>{n}</Badge> : undefined}
          >
            {label}
          </Button>
        )
      })}
    </Group>
  )
}

/** A Billing page: the heading, the section links, then the section. */
export function BillingFrame({ actions, children }: { actions?: ReactNode; children: ReactNode }) {
  return (
    <Page title="Billing" actions={actions}>
      <BillingNav />
      {children}
    </Page>
  )
}
