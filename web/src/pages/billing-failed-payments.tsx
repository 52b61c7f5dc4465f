import { formatDay } from '../strings.ts'
import { useState } from 'react'
import type { FailedPaymentDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { formatUsd } from '../money.ts'
import { useNotice } from '../notice.tsx'
import { LoadState, Pager } from '../page.tsx'
import { Link } from '../router.tsx'
import { useLoad } from '../use-load.ts'
import { RecordPaymentForm } from './payment-forms.tsx'
import { InvoiceDetail } from './billing-invoices.tsx'
import { PaymentLinkButton } from './payment-link-button.tsx'

const RETRY_LABELS: Record<string, string> = {
  scheduled: 'Retries on schedule',
  soon: 'Retries at the next run',
  needs_payment_method: 'Waits for new payment details',
  exhausted: 'No more automatic retries',
}

/** Unpaid invoices after a failed charge, with retry and mark paid (suspended agreements are under Billing → Suspended). */
export function FailedPayments() {
  const [page, setPage] = useState(1)
  const list = useLoad<PageOf<FailedPaymentDto>>(`/api/billing/failed-payments?page=${page}&pageSize=25`)
  const notice = useNotice()
  const [error, setError] = useState<string | null>(null)
  /** Charges the invoice now and says what the gateway answered. */
  const retry = async (f: FailedPaymentDto) => {
    setError(null)
    try {
      const r = await api<{ result: string; invoice: { failureMessage: string | null } }>('POST', `/api/billing/invoices/${f.invoiceId}/retry`)
      if (r.result === 'approved') notice(`Invoice ${f.invoiceNumber}: ${formatUsd(f.amountCents)} approved.`)
      else if (r.result === 'declined') setError(`Invoice ${f.invoiceNumber} was declined again${r.invoice.failureMessage ? `: ${r.invoice.failureMessage}` : ''}.`)
      else setError(`Invoice ${f.invoiceNumber}: the gateway could not be reached or is still confirming; it is retried at the next run.`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      list.reload()
    }
  }
  /** The invoice whose payment form is open. */
  const [paying, setPaying] = useState<string | null>(null)
  /** The invoice whose attempts and payments are shown. */
  const [viewing, setViewing] = useState<string | null>(null)
  return (
    <section aria-labelledby="failed-heading">
      <h2 id="failed-heading">Failed payments</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <LoadState loading={list.loading && !list.data} error={list.error} />
      {list.data && list.data.items.length === 0 && <p className="muted">No failed payments.</p>}
      {list.data && list.data.items.length > 0 && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Agreement</th>
                <th scope="col">Invoice</th>
                <th scope="col">Amount</th>
                <th scope="col">Reason</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next retry</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((f) => [
                <tr key={f.invoiceId}>
                  <td>
                    <Link to={`/customers/${f.customerId}`}>{f.customerName}</Link>
                  </td>
                  <td>
                    <Link to={`/agreements/${f.agreementId}`}>{f.agreementName}</Link>
                    {f.agreementStatus === 'suspended' && <div className="muted">Suspended</div>}
                  </td>
                  <td>
                    <button type="button" className="link-button" aria-expanded={viewing === f.invoiceId} onClick={() => setViewing(viewing === f.invoiceId ? null : f.invoiceId)}>
                      {f.invoiceNumber}
                      <span className="visually-hidden"> history</span>
                    </button>
                  </td>
                  <td>{formatUsd(f.amountCents)}</td>
                  <td>
                    {f.reasonText}
                    {f.message && <div className="muted">{f.message}</div>}
                  </td>
                  <td>{f.attempts}</td>
                  <td>
                    {f.retryState === 'scheduled' && f.nextRetryDate ? formatDay(f.nextRetryDate) : ''}
                    <div className="muted">{RETRY_LABELS[f.retryState ?? ''] ?? ''}</div>
                  </td>
                  <td>
                    <ConfirmButton
                      label={`Retry`}
                      question={`Charge ${formatUsd(f.amountCents)} to the payment method on file now?`}
                      confirmLabel={`Charge ${formatUsd(f.amountCents)}`}
                      onConfirm={() => retry(f)}
                    />{' '}
                    <PaymentLinkButton path={`/api/billing/invoices/${f.invoiceId}/payment-link`} owedCents={f.amountCents} />{' '}
                    <button type="button" aria-expanded={paying === f.invoiceId} onClick={() => setPaying(paying === f.invoiceId ? null : f.invoiceId)}>
                      Mark paid<span className="visually-hidden"> invoice {f.invoiceNumber}</span>
                    </button>
                  </td>
                </tr>,
                viewing === f.invoiceId && (
                  <tr key={`${f.invoiceId}-history`}>
                    <td colSpan={8}>
                      <InvoiceDetail id={f.invoiceId} onChange={list.reload} />
                    </td>
                  </tr>
                ),
                paying === f.invoiceId && (
                  <tr key={`${f.invoiceId}-pay`}>
                    <td colSpan={8}>
                      <RecordPaymentForm
                        invoiceId={f.invoiceId}
                        invoiceNumber={f.invoiceNumber}
                        owedCents={f.amountCents}
                        onCancel={() => setPaying(null)}
                        onDone={() => {
                          setPaying(null)
                          list.reload()
                        }}
                      />
                    </td>
                  </tr>
                ),
              ])}
            </tbody>
          </table>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="failed payments" onPage={setPage} />
        </>
      )}
    </section>
  )
}
