import { Alert, Center, Loader } from '@mantine/core'
import { Fragment, lazy, Suspense, type ReactNode } from 'react'
import { matchPath, useLocation } from './router.tsx'
import { useSession } from './session.tsx'
import { Shell } from './shell.tsx'
import { NOT_BUILT } from './strings.ts'
import { CustomerDetailPage } from './pages/customer-detail-page.tsx'
import { CustomerFormPage } from './pages/customer-form-page.tsx'
import { CustomersPage } from './pages/customers-page.tsx'
import { LoginPage } from './pages/login-page.tsx'
import { NotBuiltPage, NotFoundPage } from './pages/not-built-page.tsx'
import { PlanFormPage } from './pages/plan-form-page.tsx'
import { PlansPage } from './pages/plans-page.tsx'
import { AgreementDetailPage } from './pages/agreement-detail-page.tsx'
import { AgreementsPage } from './pages/agreements-page.tsx'
import { NotificationsPage } from './pages/notifications-page.tsx'
import { QuoteDetailPage } from './pages/quote-detail-page.tsx'
import { QuoteFormPage } from './pages/quote-form-page.tsx'
import { QuotesPage } from './pages/quotes-page.tsx'
import { SettingsPage } from './pages/settings-page.tsx'
import { QuickBooksPage } from './pages/quickbooks-page.tsx'
import { PasswordPage } from './pages/password-page.tsx'
import { EmailsPage } from './pages/emails-page.tsx'
import { BillingPage } from './pages/billing-page.tsx'
import { BillingFailedPage, BillingInvoicePage, BillingInvoicesPage, BillingPaymentsPage, BillingRunsPage, BillingSettingsPage, BillingSuspendedPage } from './pages/billing-sections.tsx'
import { ReconciliationPage } from './pages/reconciliation-page.tsx'
import { UsersPage } from './pages/users-page.tsx'
import { TechniciansPage } from './pages/technicians-page.tsx'
import { MyDayPage } from './schedule/my-day-page.tsx'
import { MyVisitPage } from './schedule/my-visit-page.tsx'
import { TechnicianFormPage } from './pages/technician-form-page.tsx'

// Loaded when first opened: the schedule board (drag and drop) and the dashboard (charts) are the heavy pages.
const DashboardPage = lazy(() => import('./pages/dashboard-page.tsx').then((m) => ({ default: m.DashboardPage })))
const BoardPage = lazy(() => import('./schedule/board-page.tsx').then((m) => ({ default: m.BoardPage })))

type Routes = [pattern: string, render: (params: Record<string, string>) => ReactNode][]

const ROUTES: Routes = [
  ['/', () => <DashboardPage />],
  ['/customers', () => <CustomersPage />],
  ['/customers/new', () => <CustomerFormPage />],
  ['/customers/:id', (p) => <CustomerDetailPage id={p.id} />],
  ['/customers/:id/edit', (p) => <CustomerFormPage id={p.id} />],
  ['/plans', () => <PlansPage />],
  ['/plans/new', () => <PlanFormPage />],
  ['/plans/:id', (p) => <PlanFormPage id={p.id} />],
  ['/quotes', () => <QuotesPage />],
  ['/quotes/new', () => <QuoteFormPage />],
  ['/quotes/:id', (p) => <QuoteDetailPage id={p.id} />],
  ['/quotes/:id/edit', (p) => <QuoteFormPage id={p.id} />],
  ['/agreements', () => <AgreementsPage />],
  ['/agreements/:id', (p) => <AgreementDetailPage id={p.id} />],
  ['/notifications', () => <NotificationsPage />],
  ['/settings', () => <SettingsPage />],
  ['/settings/users', () => <UsersPage />],
  ['/settings/password', () => <PasswordPage />],
  ['/settings/emails', () => <EmailsPage />],
  ['/settings/quickbooks', () => <QuickBooksPage />],
  ['/billing', () => <BillingPage />],
  ['/billing/failed', () => <BillingFailedPage />],
  ['/billing/suspended', () => <BillingSuspendedPage />],
  ['/billing/runs', () => <BillingRunsPage />],
  ['/billing/invoices', () => <BillingInvoicesPage />],
  ['/billing/invoices/:id', (p) => <BillingInvoicePage id={p.id} />],
  ['/billing/payments', () => <BillingPaymentsPage />],
  ['/billing/settings', () => <BillingSettingsPage />],
  ['/billing/reconciliation', () => <ReconciliationPage />],
  ['/schedule', () => <BoardPage />],
  ['/technicians', () => <TechniciansPage />],
  ['/technicians/new', () => <TechnicianFormPage />],
  ['/technicians/:id', (p) => <TechnicianFormPage id={p.id} />],
  ...Object.keys(NOT_BUILT).map((path): Routes[number] => [path, () => <NotBuiltPage path={path} />]),
]

function CurrentPage() {
  const { pathname } = useLocation()
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname)
    // Keyed by path: plan A's form must not keep its state when history jumps to plan B's.
    if (params)
      return (
        <Fragment key={pathname}>
          <Suspense fallback={<Loader aria-label="Loading the page" m="xl" />}>{render(params)}</Suspense>
        </Fragment>
      )
  }
  return <NotFoundPage />
}

/** A technician's pages (phone width): their visits, one visit, their password. */
function TechnicianPage({ pathname }: { pathname: string }) {
  if (pathname === '/settings/password') return <PasswordPage />
  const visit = matchPath('/visits/:id', pathname)
  return visit ? <MyVisitPage key={visit.id} id={visit.id} /> : <MyDayPage />
}

/** The login page, or the logged-in shell around the current page (technicians: their visits and password). */
export function App() {
  const { user, loading, failure } = useSession()
  const { pathname } = useLocation()
  if (loading)
    return (
      <Center h="100dvh">
        <Loader aria-label="Loading Servicebook" />
      </Center>
    )
  if (failure)
    return (
      <Alert color="red" role="alert" m="xl" title="Servicebook could not load">
        {failure}. Reload the page to try again.
      </Alert>
    )
  if (!user) return <LoginPage />
  return (
    <Shell>
      {user.role === 'technician' ? <TechnicianPage pathname={pathname} /> : <CurrentPage />}
    </Shell>
  )
}
