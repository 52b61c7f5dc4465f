import type { DashboardDto } from '../../../src/contracts/settings.ts'
import { LoadState, Page } from '../page.tsx'
import { Link } from '../router.tsx'
import { useUser } from '../session.tsx'
import { useLoad } from '../use-load.ts'

/** The counts from `GET /api/dashboard`, each linking to where the things are. */
export function DashboardPage() {
  const user = useUser()
  const { data, error, loading } = useLoad<DashboardDto>('/api/dashboard')
  const tiles = data
    ? [
        { label: 'Sign-ups awaiting approval', value: data.pendingApprovals, to: '/agreements?status=pending_approval' },
        { label: 'Failed payments', value: data.failedInvoices, to: '/billing' },
        { label: 'Quotes out with customers', value: data.openQuotes, to: '/quotes' },
        { label: 'Active agreements', value: data.activeAgreements, to: '/agreements?status=active' },
        { label: 'Suspended agreements', value: data.suspendedAgreements, to: '/agreements?status=suspended' },
        { label: 'Customers', value: data.customers, to: '/customers' },
        { label: 'Service locations', value: data.locations, to: '/customers' },
        { label: 'Archived customers', value: data.archivedCustomers, to: '/customers?archived=true' },
        { label: 'Plans', value: data.plans, to: '/plans' },
        { label: 'Active users', value: data.users, to: user.role === 'admin' ? '/settings/users' : null },
      ]
    : []
  return (
    <Page title="Dashboard">
      <LoadState loading={loading && !data} error={error} />
      <ul className="tiles">
        {tiles.map((t) => (
          <li key={t.label} className="tile">
            <span className="tile-value">{t.value}</span>
            {t.to ? <Link to={t.to}>{t.label}</Link> : <span>{t.label}</span>}
          </li>
        ))}
      </ul>
    </Page>
  )
}
