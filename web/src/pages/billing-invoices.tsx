import { useEffect, useState } from 'react'
import type { InvoiceRowDto, PaymentReversalDto, ReversalConfirmDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { formatUsd } from '../money.ts'
import { useNotice } from '../notice.tsx'
import { LoadState, Pager } from '../page.tsx'
import { SearchToolbar } from '../list-page.tsx'
import { Link, withQuery } from '../router.tsx'
import { formatDateTime, formatDay } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { RecordPaymentForm, RefundForm } from './payment-forms.tsx'

export const INVOICE_STATUS_LABELS: Record<string, string> = {
  open: 'Not yet charged',
  paid: 'Paid',
  failed: 'Unpaid',
  void: 'Void',
  refunded: 'Refunded',
}

/**
 * Invoices with their PDF; one opens to its attempts, payments and their voids and refunds, with
 * void and refund of a payment, and void of an unpaid invoice. On the Billing page all of them,
 * searchable; on an agreement's or a customer's page only theirs.
 */
export function Invoices({ agreementId, customerId, run, onClearRun, initialStatus = '', created, onClearCreated }: {
  agreementId?: string
  customerId?: string
  run?: { id: string; label: string }
  onClearRun?(): void
  initialStatus?: string
  /** Invoices created in these company-local dates; `billed`: not void (the dashboard's billed tile). */
  created?: { from: string; to: string; billed: boolean }
  onClearCreated?(): void
} = {}) {
  const scoped = Boolean(agreementId || customerId)
  const [page, setPage] = useState(1)
  const [status, setStatus] = useState(initialStatus)
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  // Search after a pause in typing, from the first page.
  useEffect(() => {
    if (text.trim() === q) return
    const timer = setTimeout(() => {
      setQ(text.trim())
      setPage(1)
    }, 300)
    return () => clearTimeout(timer)
  }, [text, q])
  const [openId, setOpenId] = useState<string | null>(null)
  const list = useLoad<PageOf<InvoiceRowDto>>(withQuery('/api/billing/invoices', { page, pageSize: scoped ? 10 : 25, status, q, agreementId, customerId, runId: run?.id, createdFrom: created?.from, createdTo: created?.to, billed: created?.billed ? 'true' : undefined }))
  const qbo = useLoad<{ queued: number; sent: number; failed: number }>(scoped ? null : '/api/billing/quickbooks-queue')
  const statusFilter = (
    <>
      <label htmlFor="invoice-status">Show</label>
      <select
        id="invoice-status"
        value={status}
        onChange={(e) => {
          setStatus(e.target.value)
          setPage(1)
        }}
      >
        <option value="">All</option>
        <option value="open">Not yet charged</option>
        <option value="paid">Paid</option>
        <option value="failed">Unpaid after a failed charge</option>
        <option value="void">Void</option>
        <option value="refunded">Refunded</option>
      </select>
    </>
  )
  return (
    <section aria-labelledby="invoices-heading">
      <h2 id="invoices-heading">Invoices</h2>
      {!scoped && qbo.data && (
        <p className="muted">
          QuickBooks: {qbo.data.queued} waiting to be sent, {qbo.data.sent} sent{qbo.data.failed ? `, ${qbo.data.failed} failed` : ''}.
        </p>
      )}
      {scoped ? (
        <form className="toolbar" onSubmit={(e) => e.preventDefault()}>
          {statusFilter}
        </form>
      ) : (
        <SearchToolbar id="invoice-search" label="Search invoices" placeholder="Number, customer or agreement" text={text} onText={setText}>
          {statusFilter}
        </SearchToolbar>
      )}
      {run && (
        <p className="filter-chip">
          Invoices of the run {run.label}{' '}
          <button type="button" onClick={onClearRun}>
            Show all invoices
          </button>
        </p>
      )}
      {created && (
        <p className="filter-chip">
          {created.billed ? 'Billed (not void)' : 'Created'} from {created.from} to {created.to}{' '}
          <button type="button" onClick={onClearCreated}>
            Show all invoices
          </button>
        </p>
      )}
      <LoadState loading={list.loading && !list.data} error={list.error} />
      {list.data && (
        <>
          {list.data.total === 0 && <p className="muted">{q || status || run || created ? 'No invoices match.' : scoped ? 'No invoices yet.' : 'No invoices yet: Bill all creates them.'}</p>}
          <table hidden={list.data.items.length === 0}>
            <thead>
              <tr>
                <th scope="col">Number</th>
                {!scoped && <th scope="col">Customer</th>}
                {!agreementId && <th scope="col">Agreement</th>}
                <th scope="col">Period</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">PDF</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <button type="button" className="link-button" aria-expanded={openId === i.id} onClick={() => setOpenId(openId === i.id ? null : i.id)}>
                      {i.number}
                      <span className="visually-hidden"> details</span>
                    </button>
                  </td>
                  {!scoped && (
                    <td>
                      <Link to={`/customers/${i.customerId}`}>{i.customerName}</Link>
                    </td>
                  )}
                  {!agreementId && (
                    <td>
                      <Link to={`/agreements/${i.agreementId}`}>{i.agreementName}</Link>
                    </td>
                  )}
                  <td>
                    {formatDay(i.periodStart)} – {formatDay(i.periodLastDay)}
                  </td>
                  <td>{formatUsd(i.totalCents)}</td>
                  <td>
                    {INVOICE_STATUS_LABELS[i.status] ?? i.status}
                    {i.failureCode && i.status === 'failed' && <div className="muted">{i.failureCode.replace(/_/g, ' ')}</div>}
                  </td>
                  <td>
                    <a href={`/api/billing/invoices/${encodeURIComponent(i.id)}/pdf`}>
                      PDF<span className="visually-hidden"> of invoice {i.number}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.total > 0 && <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="invoices" onPage={setPage} />}
        </>
      )}
      {openId && <InvoiceDetail key={openId} id={openId} onChange={list.reload} />}
    </section>
  )
}

interface InvoiceDetailDto {
  id: string
  number: number
  status: string
  customerName: string
  agreementName: string
  periodStart: string
  periodLastDay: string
  totalCents: number
  paidCents: number
  refundedCents: number
  failureMessage: string | null
  attempts: { id: string; status: string; amountCents: number; message: string | null; resptext: string | null; sentAt: string; resolvedBy: string | null }[]
  payments: { id: string; method: string; amountCents: number; refundedCents: number; status: string; reference: string; receivedAt: string }[]
  /** Newest first. */
  reversals: PaymentReversalDto[]
  quickbooks: { entityType: string; entityId: string; status: string; lastError?: string | null }[]
}

/** One invoice: its charge attempts and payments, with void and refund; an unpaid one with no payment standing can be voided. */
export function InvoiceDetail({ id, onChange }: { id: string; onChange(): void }) {
  const inv = useLoad<InvoiceDetailDto>(`/api/billing/invoices/${encodeURIComponent(id)}`)
  const notice = useNotice()
  const [error, setError] = useState<string | null>(null)
  const [refunding, setRefunding] = useState<string | null>(null)
  const [paying, setPaying] = useState(false)
  const act = async (what: string, path: string, body: unknown) => {
    setError(null)
    try {
      await api('POST', path, body)
      notice(what)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      inv.reload()
      onChange()
    }
  }
  /** "Check now": asks the gateway about a void or refund whose answer was lost. */
  const check = async (r: PaymentReversalDto) => {
    setError(null)
    try {
      const { status } = await api<ReversalConfirmDto>('POST', `/api/billing/reversals/${encodeURIComponent(r.id)}/confirm`)
      if (status === 'approved') notice(`The ${r.kind} went through.`)
      else if (status === 'pending') notice(`The gateway cannot tell yet whether the ${r.kind} went through; check again in a minute.`)
      else notice(`The ${r.kind} did not go through.`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      inv.reload()
      onChange()
    }
  }
  if (!inv.data) return <LoadState loading={inv.loading} error={inv.error} />
  const d = inv.data
  const inFlight = new Set(d.reversals.filter((r) => r.status === 'pending').map((r) => r.paymentId))
  return (
    <section aria-label={`Invoice ${d.number}`} className="card">
      <h3>
        Invoice {d.number}: {INVOICE_STATUS_LABELS[d.status] ?? d.status}
      </h3>
      <p>
        {d.customerName} · {d.agreementName} · {formatDay(d.periodStart)} – {formatDay(d.periodLastDay)} · total {formatUsd(d.totalCents)}, paid {formatUsd(d.paidCents)}
        {d.refundedCents > 0 && `, refunded ${formatUsd(d.refundedCents)}`}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <h4>Charge attempts</h4>
      {d.attempts.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {d.attempts.map((a) => (
            <li key={a.id}>
              {formatDateTime(a.sentAt)}: {a.status} {formatUsd(a.amountCents)}
              {a.resptext && ` (${a.resptext})`} · order {a.id}
            </li>
          ))}
        </ul>
      )}
      <h4>Payments</h4>
      {d.payments.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {d.payments.map((p) => (
            <li key={p.id}>
              {formatDateTime(p.receivedAt)}: {formatUsd(p.amountCents)} by {p.method}
              {p.reference && ` (${p.reference})`}, {p.status.replace('_', ' ')}
              {p.refundedCents > 0 && `, ${formatUsd(p.refundedCents)} refunded`}{' '}
              {inFlight.has(p.id) && <span className="muted">(a void or refund is being confirmed, below)</span>}
              {!inFlight.has(p.id) && p.status === 'approved' && p.refundedCents === 0 && (
                <ConfirmButton
                  label="Void"
                  question={`Void this ${formatUsd(p.amountCents)} payment? The invoice will owe it again (void the invoice too if nothing is owed).`}
                  confirmLabel="Void payment"
                  danger
                  onConfirm={() => act('The payment was voided.', `/api/billing/payments/${p.id}/void`, {})}
                />
              )}{' '}
              {!inFlight.has(p.id) && p.status !== 'voided' && p.status !== 'refunded' && refunding !== p.id && (
                <button type="button" className="danger" onClick={() => setRefunding(p.id)}>
                  Refund
                </button>
              )}
              {refunding === p.id && (
                <RefundForm
                  paymentId={p.id}
                  refundableCents={p.amountCents - p.refundedCents}
                  onCancel={() => setRefunding(null)}
                  onFinished={(message) => {
                    setRefunding(null)
                    setError(message)
                    inv.reload()
                    onChange()
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {(d.status === 'open' || d.status === 'failed') && d.totalCents > d.paidCents && (
        <>
          {paying ? (
            <RecordPaymentForm
              invoiceId={d.id}
              invoiceNumber={d.number}
              owedCents={d.totalCents - d.paidCents}
              onCancel={() => setPaying(false)}
              onDone={() => {
                setPaying(false)
                inv.reload()
                onChange()
              }}
            />
          ) : (
            <button type="button" onClick={() => setPaying(true)}>
              Record a payment
            </button>
          )}
        </>
      )}{' '}
      {(d.status === 'open' || d.status === 'failed') && !d.payments.some((p) => p.status === 'approved' || p.status === 'partially_refunded') && !d.attempts.some((a) => a.status === 'pending') && (
        <ConfirmButton
          label="Void invoice"
          question={`Void invoice ${d.number}? ${formatUsd(d.totalCents - d.paidCents)} will no longer be owed and it will not be charged again.`}
          confirmLabel={`Void invoice ${d.number}`}
          danger
          onConfirm={() => act(`Invoice ${d.number} was voided.`, `/api/billing/invoices/${encodeURIComponent(d.id)}/void`, {})}
        />
      )}
      {d.reversals.length > 0 && (
        <>
          <h4>Voids and refunds</h4>
          <ul>
            {d.reversals.map((r) => (
              <li key={r.id}>
                {formatDateTime(r.createdAt)}: {r.kind} of {formatUsd(r.amountCents)}, {r.status}
                {r.reason && ` · reason: ${r.reason}`}
                {r.status === 'pending' && (
                  <div>
                    <span className="muted">Being confirmed with the gateway.</span> <CheckNow onCheck={() => check(r)} what={`the ${r.kind} of ${formatUsd(r.amountCents)}`} />
                  </div>
                )}
                {(r.status === 'declined' || r.status === 'failed') && r.message && <div className="muted">{r.message}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted" data-testid="quickbooks-sync">
        QuickBooks: {d.quickbooks.map((q) => `${QBO_KIND[q.entityType] ?? q.entityType} ${QBO_STATE[q.status] ?? q.status}${q.status !== 'sent' && q.lastError ? ` (${q.lastError})` : ''}`).join('; ') || 'nothing queued'}.{' '}
        {d.quickbooks.some((q) => q.status === 'failed' || q.status === 'waiting') && <Link to="/settings/quickbooks">Sync errors</Link>}
      </p>
    </section>
  )
}

/** "Check now", disabled while the gateway is being asked. */
function CheckNow({ onCheck, what }: { onCheck(): Promise<void>; what: string }) {
  const [busy, setBusy] = useState(false)
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true)
        void onCheck().finally(() => setBusy(false))
      }}
    >
      {busy ? 'Checking…' : 'Check now'}
      <span className="visually-hidden">: {what}</span>
    </button>
  )
}

const QBO_KIND: Record<string, string> = { invoice: 'Invoice', payment: 'Payment', void: 'Payment void', invoice_void: 'Invoice void', refund: 'Refund' }
const QBO_STATE: Record<string, string> = { sent: 'synced', queued: 'waiting to sync', waiting: 'waits for reconnection', failed: 'sync failed' }
