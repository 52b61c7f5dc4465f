import { useState } from 'react'
import type { CustomerDto } from '../../../src/contracts/customers.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { Link } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { History, type AuditEventView } from './history.tsx'
import { Invoices } from './billing-invoices.tsx'
import type { Page as ApiPage } from '../../../src/contracts/common.ts'
import type { QuoteSummaryDto } from '../../../src/contracts/quotes.ts'
import type { AgreementSummaryDto } from '../../../src/contracts/agreements.ts'
import { formatUsd } from '../money.ts'
import { AGREEMENT_STATUS_LABELS, QUOTE_STATUS_LABELS } from '../quote-strings.ts'

/** One customer: details, service locations, contacts, history; edit and archive. */
export function CustomerDetailPage({ id }: { id: string }) {
  const path = `/api/customers/${encodeURIComponent(id)}`
  const customer = useLoad<CustomerDto>(path)
  const history = useLoad<{ items: AuditEventView[] }>(`${path}/history`)
  const quotes = useLoad<ApiPage<QuoteSummaryDto>>(`/api/quotes?customerId=${encodeURIComponent(id)}&pageSize=50`)
  const agreements = useLoad<ApiPage<AgreementSummaryDto>>(`/api/agreements?customerId=${encodeURIComponent(id)}&pageSize=50`)
  const notice = useNotice()
  const [actionError, setActionError] = useState<string | null>(null)
  const c = customer.data

  const setArchived = async (archived: boolean) => {
    setActionError(null)
    try {
      await api('POST', `${path}/archive`, { archived })
      notice(archived ? `Customer ${c?.name} archived.` : `Customer ${c?.name} restored.`)
      customer.reload()
      history.reload()
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }

  if (!c) return <Page title="Customer"><LoadState loading={customer.loading} error={customer.error} /></Page>
  const active = c.locations.filter((l) => !l.archivedAt)
  const archivedLocations = c.locations.filter((l) => l.archivedAt)
  return (
    <Page
      title={c.name}
      actions={
        <>
          {!c.archivedAt && (
            <Link to={`/quotes/new?customerId=${encodeURIComponent(c.id)}`} className="button primary">
              New quote
            </Link>
          )}
          <Link to={`/customers/${c.id}/edit`} className="button">
            Edit customer
          </Link>
          {c.archivedAt ? (
            <button type="button" onClick={() => void setArchived(false)}>
              Restore customer
            </button>
          ) : (
            <ConfirmButton
              label="Archive customer"
              question={`Archive ${c.name}? The customer leaves lists and searches; you can restore it later.`}
              confirmLabel="Yes, archive"
              danger
              onConfirm={() => setArchived(true)}
            />
          )}
        </>
      }
    >
      {actionError && <p className="form-error" role="alert">{actionError}</p>}
      {c.archivedAt && <p className="badge">Archived {formatDateTime(c.archivedAt)}</p>}
      <dl className="facts">
        <dt>Company</dt>
        <dd>{c.companyName || '—'}</dd>
        <dt>Notes</dt>
        <dd className="pre">{c.notes || '—'}</dd>
        <dt>Customer since</dt>
        <dd>{formatDateTime(c.createdAt)}</dd>
      </dl>

      <h2>Service locations</h2>
      {active.length === 0 ? <p className="muted">No service locations.</p> : (
        <ul className="cards">
          {active.map((l) => (
            <li key={l.id} className="card">
              {l.label && <strong>{l.label}</strong>}
              <address>
                {l.line1}
                {l.line2 && <>, {l.line2}</>}
                <br />
                {l.city}, {l.region} {l.postalCode}
              </address>
              {l.accessNotes && <p className="muted">Access: {l.accessNotes}</p>}
            </li>
          ))}
        </ul>
      )}
      {archivedLocations.length > 0 && <p className="muted">{archivedLocations.length} archived location(s) not shown.</p>}

      <h2>Contacts</h2>
      {c.contacts.length === 0 ? <p className="muted">No contacts.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Phone</th>
            </tr>
          </thead>
          <tbody>
            {c.contacts.map((k) => (
              <tr key={k.id}>
                <td>
                  {k.name} {k.isPrimary && <span className="badge">Primary</span>}
                </td>
                <td>{k.email && <a href={`mailto:${k.email}`}>{k.email}</a>}</td>
                <td>{k.phone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Agreements</h2>
      <LoadState loading={agreements.loading && !agreements.data} error={agreements.error} />
      {agreements.data && (agreements.data.items.length === 0 ? <p className="muted">No agreements yet.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Agreement</th>
              <th scope="col">Status</th>
              <th scope="col">Starts</th>
              <th scope="col" className="num">Per bill</th>
            </tr>
          </thead>
          <tbody>
            {agreements.data.items.map((a) => (
              <tr key={a.id}>
                <td><Link to={`/agreements/${a.id}`}>#{a.number} {a.name}</Link></td>
                <td>{AGREEMENT_STATUS_LABELS[a.status] ?? a.status}</td>
                <td>{a.startDate}</td>
                <td className="num">{formatUsd(a.perPeriodCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}

      <h2>Quotes</h2>
      <LoadState loading={quotes.loading && !quotes.data} error={quotes.error} />
      {quotes.data && (quotes.data.items.length === 0 ? <p className="muted">No quotes yet.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Quote</th>
              <th scope="col">Status</th>
              <th scope="col">Offer expires</th>
            </tr>
          </thead>
          <tbody>
            {quotes.data.items.map((q) => (
              <tr key={q.id}>
                <td><Link to={`/quotes/${q.id}`}>#{q.number} {q.title}</Link></td>
                <td>{QUOTE_STATUS_LABELS[q.status] ?? q.status}</td>
                <td>{q.expiresOn}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}

      <Invoices customerId={c.id} />

      <h2>History</h2>
      <LoadState loading={history.loading && !history.data} error={history.error} />
      {history.data && <History items={history.data.items} />}
    </Page>
  )
}
