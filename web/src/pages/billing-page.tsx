import { useEffect, useState, type FormEvent } from 'react'
import type { BillingPreview } from '../../../src/services/billing/preview-billing.ts'
import type { FailedPaymentDto, InvoiceRowDto, RunDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { formatUsd } from '../money.ts'
import { useNotice } from '../notice.tsx'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { useSession } from '../session.tsx'

const PHASES: Record<string, string> = {
  starting: 'Starting',
  recover: 'Checking charges left unconfirmed',
  invoice: 'Creating invoices',
  charge: 'Charging',
  settle: 'Confirming the last charges',
  done: 'Finished',
}

/** Bill all (preview → confirm → live progress → summary), failed payments, past runs, invoices. */
export function BillingPage() {
  const runs = useLoad<PageOf<RunDto>>('/api/billing/runs?pageSize=10')
  const [activeRunId, setActiveRunId] = useState<string | null>(null)
  const [expected, setExpected] = useState<number | null>(null)
  // Bumped when a run ends, so the lists below show its results.
  const [refresh, setRefresh] = useState(0)
  const running = runs.data?.items.find((r) => r.status === 'running')
  const watching = activeRunId ?? running?.id ?? null
  return (
    <Page title="Billing">
      <BillAll
        busy={watching !== null && (running !== undefined || activeRunId !== null)}
        onStarted={(id, count) => {
          setExpected(count)
          setActiveRunId(id)
        }}
      />
      {watching && (
        <RunProgress
          runId={watching}
          expected={expected}
          onFinished={() => {
            runs.reload()
            setRefresh((n) => n + 1)
          }}
          onDismiss={() => {
            setActiveRunId(null)
            setExpected(null)
            runs.reload()
          }}
        />
      )}
      <FailedPayments key={`f${refresh}`} />
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Past runs</h2>
        <LoadState loading={runs.loading && !runs.data} error={runs.error} />
        {runs.data && runs.data.items.length === 0 && <p className="muted">No billing run yet.</p>}
        {runs.data && runs.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Through</th>
                <th scope="col">Status</th>
                <th scope="col">Invoices</th>
                <th scope="col">Approved</th>
                <th scope="col">Declined</th>
                <th scope="col">Errors</th>
                <th scope="col">Collected</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    {formatDateTime(r.startedAt)}
                    {r.startedByName && <div className="muted">by {r.startedByName}</div>}
                  </td>
                  <td>{r.throughDate}</td>
                  <td>
                    {r.status}
                    {r.error && <div className="muted">{r.error}</div>}
                  </td>
                  <td>{r.invoicesCreated}</td>
                  <td>{r.approved}</td>
                  <td>{r.declined}</td>
                  <td>{r.errors}</td>
                  <td>{formatUsd(r.collectedCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Invoices key={`i${refresh}`} />
      <BillingSettingsForm />
    </Page>
  )
}

function BillAll({ busy, onStarted }: { busy: boolean; onStarted(runId: string, expected: number): void }) {
  const [through, setThrough] = useState('')
  const [preview, setPreview] = useState<BillingPreview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const load = async () => {
    setError(null)
    setFieldError(null)
    setLoading(true)
    try {
      setPreview(await api<BillingPreview>('GET', `/api/billing/preview${through ? `?through=${encodeURIComponent(through)}` : ''}`))
    } catch (err) {
      const e = err as { fields?: Record<string, string> }
      if (e.fields?.through) setFieldError(`Through ${e.fields.through}`)
      else setError(errorMessage(err))
    } finally {
      setLoading(false)
    }
  }
  const start = async () => {
    setError(null)
    try {
      const run = await api<{ runId: string }>('POST', '/api/billing/runs', preview ? { through: preview.through } : {})
      onStarted(run.runId, (preview?.invoices ?? 0) + (preview?.alreadyInvoiced.invoices ?? 0))
      setPreview(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const count = preview ? preview.invoices + preview.alreadyInvoiced.invoices : 0
  const total = preview ? preview.totalCents + preview.alreadyInvoiced.totalCents : 0
  return (
    <section aria-labelledby="billall-heading">
      <h2 id="billall-heading">Bill all</h2>
      <p>Bills every active agreement for every period due by the date, and charges the cards and bank accounts on file. Preview first: nothing is charged until you confirm.</p>
      <div className="row">
        <label>
          Bill through <input type="date" value={through} onChange={(e) => setThrough(e.target.value)} aria-describedby="through-help" aria-invalid={fieldError ? true : undefined} />
        </label>
        <span id="through-help" className="muted">
          {' '}Empty: today in the company's time zone.{' '}
        </span>
        <button type="button" onClick={() => void load()} disabled={loading}>
          Preview
        </button>
      </div>
      {fieldError && (
        <p className="form-error" role="alert">
          {fieldError}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <div>
          <p>
            Through {preview.through}: <strong>{preview.invoices}</strong> new invoice{preview.invoices === 1 ? '' : 's'} for {preview.agreements} agreement
            {preview.agreements === 1 ? '' : 's'}, {formatUsd(preview.totalCents)}
            {preview.alreadyInvoiced.invoices > 0 && (
              <>
                ; plus {preview.alreadyInvoiced.invoices} unpaid invoice{preview.alreadyInvoiced.invoices === 1 ? '' : 's'} to charge or retry, {formatUsd(preview.alreadyInvoiced.totalCents)}
              </>
            )}
            .
          </p>
          {preview.rows.length > 0 && (
            <table>
              <caption className="visually-hidden">What the run would bill</caption>
              <thead>
                <tr>
                  <th scope="col">Agreement</th>
                  <th scope="col">Period</th>
                  <th scope="col">Subtotal</th>
                  <th scope="col">Tax</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={`${r.agreementId}|${r.periodStart}`}>
                    <td>
                      <Link to={`/agreements/${r.agreementId}`}>{r.agreementName}</Link>
                    </td>
                    <td>
                      {r.periodStart} – {r.periodLastDay}
                    </td>
                    <td>{formatUsd(r.subtotalCents)}</td>
                    <td>{formatUsd(r.taxCents)}</td>
                    <td>{formatUsd(r.totalCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {preview.truncated && <p className="muted">Showing the first {preview.rows.length}.</p>}
          {count > 0 ? (
            busy ? (
              <p className="muted">A run is in progress; wait for it to finish.</p>
            ) : (
              <ConfirmButton
                label="Run billing…"
                question={`Charge ${count} invoice${count === 1 ? '' : 's'} for a total of ${formatUsd(total)}?`}
                confirmLabel={`Charge ${formatUsd(total)}`}
                onConfirm={start}
              />
            )
          ) : (
            <p className="muted">Nothing is due.</p>
          )}
        </div>
      )}
    </section>
  )
}

function RunProgress({ runId, expected, onFinished, onDismiss }: { runId: string; expected: number | null; onFinished(): void; onDismiss(): void }) {
  const [run, setRun] = useState<RunDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let stop = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const r = await api<RunDto>('GET', `/api/billing/runs/${encodeURIComponent(runId)}`)
        if (stop) return
        setRun(r)
        setError(null)
        if (r.status === 'running') timer = setTimeout(() => void poll(), 1000)
        else onFinished()
      } catch (err) {
        if (stop) return
        setError(errorMessage(err))
        timer = setTimeout(() => void poll(), 3000)
      }
    }
    void poll()
    return () => {
      stop = true
      clearTimeout(timer)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId])
  if (!run) return <LoadState loading={!error} error={error} />
  const max = Math.max(expected ?? 0, run.invoicesToCharge, run.charged)
  const done = run.status !== 'running'
  return (
    <section aria-labelledby="progress-heading" className="card">
      <h2 id="progress-heading">{done ? 'Billing run summary' : 'Billing in progress'}</h2>
      <p>
        Through {run.throughDate} · {PHASES[run.phase] ?? run.phase} · {run.status}
      </p>
      {!done && (
        <progress max={max || undefined} value={max ? run.charged : undefined} aria-label="Charges done">
          {run.charged} of {max}
        </progress>
      )}
      <dl className="counts" aria-live="polite">
        <dt>Invoices created</dt>
        <dd>{run.invoicesCreated}</dd>
        <dt>Charged</dt>
        <dd>
          {run.charged}
          {max > 0 && ` of ${max}`}
        </dd>
        <dt>Approved</dt>
        <dd>{run.approved}</dd>
        <dt>Declined</dt>
        <dd>{run.declined}</dd>
        <dt>Errors</dt>
        <dd>{run.errors}</dd>
        <dt>Collected</dt>
        <dd>{formatUsd(run.collectedCents)}</dd>
        {run.unresolved > 0 && (
          <>
            <dt>Still being confirmed with the gateway</dt>
            <dd>{run.unresolved}</dd>
          </>
        )}
      </dl>
      {run.error && (
        <p className="form-error" role="alert">
          {run.error}
        </p>
      )}
      {done && (
        <button type="button" onClick={onDismiss}>
          Close summary
        </button>
      )}
    </section>
  )
}

const RETRY_LABELS: Record<string, string> = {
  scheduled: 'Retries on schedule',
  soon: 'Retries at the next run',
  needs_payment_method: 'Waits for new payment details',
  exhausted: 'No more automatic retries',
}

function FailedPayments() {
  const [page, setPage] = useState(1)
  const list = useLoad<PageOf<FailedPaymentDto>>(`/api/billing/failed-payments?page=${page}&pageSize=25`)
  const notice = useNotice()
  const [error, setError] = useState<string | null>(null)
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setError(null)
    try {
      await fn()
      notice(what)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      list.reload()
    }
  }
  const today = new Date().toISOString().slice(0, 10)
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
              {list.data.items.map((f) => (
                <tr key={f.invoiceId}>
                  <td>
                    <Link to={`/customers/${f.customerId}`}>{f.customerName}</Link>
                  </td>
                  <td>
                    <Link to={`/agreements/${f.agreementId}`}>{f.agreementName}</Link>
                    {f.agreementStatus === 'suspended' && <div className="muted">Suspended</div>}
                  </td>
                  <td>{f.invoiceNumber}</td>
                  <td>{formatUsd(f.amountCents)}</td>
                  <td>
                    {f.reasonText}
                    {f.message && <div className="muted">{f.message}</div>}
                  </td>
                  <td>{f.attempts}</td>
                  <td>
                    {f.nextRetryAt ? formatDateTime(f.nextRetryAt) : ''}
                    <div className="muted">{RETRY_LABELS[f.retryState ?? ''] ?? ''}</div>
                  </td>
                  <td>
                    <button type="button" onClick={() => void act(`Invoice ${f.invoiceNumber} was charged again.`, () => api('POST', `/api/billing/invoices/${f.invoiceId}/retry`))}>
                      Retry<span className="visually-hidden"> invoice {f.invoiceNumber}</span>
                    </button>{' '}
                    <ConfirmButton
                      label={`Mark paid`}
                      question={`Record ${formatUsd(f.amountCents)} received by check today for invoice ${f.invoiceNumber}?`}
                      confirmLabel="Record payment"
                      onConfirm={() =>
                        act(`Invoice ${f.invoiceNumber} is marked paid.`, () =>
                          api('POST', `/api/billing/invoices/${f.invoiceId}/offline-payment`, { amountCents: f.amountCents, method: 'check', receivedOn: today }),
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="failed payments" onPage={setPage} />
        </>
      )}
      <SuspendedAgreements onChange={list.reload} />
    </section>
  )
}

/** Suspended agreements whose invoices are all paid again: one click brings them back. */
function SuspendedAgreements({ onChange }: { onChange(): void }) {
  const list = useLoad<{ items: { id: string; name: string; customerName: string; status: string }[] }>('/api/agreements?status=suspended&pageSize=50')
  const notice = useNotice()
  const [error, setError] = useState<string | null>(null)
  const items = list.data?.items?.filter((a) => a.status === 'suspended') ?? []
  if (items.length === 0) return null
  return (
    <div>
      <h3>Suspended agreements</h3>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {items.map((a) => (
          <li key={a.id}>
            <Link to={`/agreements/${a.id}`}>{a.name}</Link> ({a.customerName}){' '}
            <button
              type="button"
              onClick={() =>
                void api('POST', `/api/agreements/${a.id}/reactivate`)
                  .then(() => notice(`${a.name} and its work orders are active again.`))
                  .catch((err: unknown) => setError(errorMessage(err)))
                  .finally(() => {
                    list.reload()
                    onChange()
                  })
              }
            >
              Reactivate<span className="visually-hidden"> {a.name}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

function Invoices() {
  const [page, setPage] = useState(1)
  const [status, setStatus] = useState('')
  const [openId, setOpenId] = useState<string | null>(null)
  const list = useLoad<PageOf<InvoiceRowDto>>(`/api/billing/invoices?page=${page}&pageSize=25${status ? `&status=${status}` : ''}`)
  const qbo = useLoad<{ queued: number; sent: number; failed: number }>('/api/billing/quickbooks-queue')
  return (
    <section aria-labelledby="invoices-heading">
      <h2 id="invoices-heading">Invoices</h2>
      {qbo.data && (
        <p className="muted">
          QuickBooks: {qbo.data.queued} waiting to be sent, {qbo.data.sent} sent{qbo.data.failed ? `, ${qbo.data.failed} failed` : ''}.
        </p>
      )}
      <label>
        Show{' '}
        <select
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
      </label>
      <LoadState loading={list.loading && !list.data} error={list.error} />
      {list.data && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Customer</th>
                <th scope="col">Agreement</th>
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
                  <td>{i.customerName}</td>
                  <td>
                    <Link to={`/agreements/${i.agreementId}`}>{i.agreementName}</Link>
                  </td>
                  <td>
                    {i.periodStart} – {i.periodLastDay}
                  </td>
                  <td>{formatUsd(i.totalCents)}</td>
                  <td>
                    {i.status}
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
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="invoices" onPage={setPage} />
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
  quickbooks: { entityType: string; entityId: string; status: string }[]
}

/** One invoice: its charge attempts and payments, with void and refund. */
function InvoiceDetail({ id, onChange }: { id: string; onChange(): void }) {
  const inv = useLoad<InvoiceDetailDto>(`/api/billing/invoices/${encodeURIComponent(id)}`)
  const notice = useNotice()
  const [error, setError] = useState<string | null>(null)
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
  if (!inv.data) return <LoadState loading={inv.loading} error={inv.error} />
  const d = inv.data
  return (
    <section aria-label={`Invoice ${d.number}`} className="card">
      <h3>
        Invoice {d.number}: {d.status}
      </h3>
      <p>
        {d.customerName} · {d.agreementName} · {d.periodStart} – {d.periodLastDay} · total {formatUsd(d.totalCents)}, paid {formatUsd(d.paidCents)}
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
              {p.status === 'approved' && p.refundedCents === 0 && (
                <ConfirmButton
                  label="Void"
                  question={`Void this ${formatUsd(p.amountCents)} payment? The invoice will no longer be owed.`}
                  confirmLabel="Void payment"
                  danger
                  onConfirm={() => act('The payment was voided.', `/api/billing/payments/${p.id}/void`, {})}
                />
              )}{' '}
              {p.status !== 'voided' && p.status !== 'refunded' && (
                <ConfirmButton
                  label="Refund"
                  question={`Refund ${formatUsd(p.amountCents - p.refundedCents)} to the customer?`}
                  confirmLabel="Refund"
                  danger
                  onConfirm={() => act('The refund went through.', `/api/billing/payments/${p.id}/refund`, {})}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">QuickBooks: {d.quickbooks.map((q) => `${q.entityType} ${q.status}`).join(', ') || 'nothing queued'}.</p>
    </section>
  )
}

interface BillingSettingsDto {
  suspendOnFailure: boolean
  emailOnFailure: boolean
  retryDays: number[]
  maxSoonRetries: number
  concurrency: number
}

/** The billing rules; admins change them, office staff see them. */
function BillingSettingsForm() {
  const { user } = useSession()
  const loaded = useLoad<BillingSettingsDto>('/api/billing/settings')
  const notice = useNotice()
  const [draft, setDraft] = useState<{ suspend: boolean; email: boolean; days: string; soon: string; concurrency: string } | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState<string | null>(null)
  useEffect(() => {
    const d = loaded.data
    if (d) setDraft({ suspend: d.suspendOnFailure, email: d.emailOnFailure, days: d.retryDays.join(', '), soon: String(d.maxSoonRetries), concurrency: String(d.concurrency) })
  }, [loaded.data])
  if (!draft) return <LoadState loading={loaded.loading} error={loaded.error} />
  const admin = user?.role === 'admin'
  const save = async (e: FormEvent) => {
    e.preventDefault()
    setErrors({})
    setFormError(null)
    const days = draft.days.split(',').map((x) => x.trim()).filter(Boolean)
    if (days.some((x) => !/^\d+$/.test(x))) return setErrors({ retryDays: 'must be whole days separated by commas, e.g. 3, 7' })
    try {
      await api('PUT', '/api/billing/settings', {
        suspendOnFailure: draft.suspend,
        emailOnFailure: draft.email,
        retryDays: days.map(Number),
        maxSoonRetries: Number(draft.soon),
        concurrency: Number(draft.concurrency),
      })
      notice('Billing settings saved.')
      loaded.reload()
    } catch (err) {
      const fields = (err as { fields?: Record<string, string> }).fields ?? {}
      if (Object.keys(fields).length) setErrors(fields)
      else setFormError(errorMessage(err))
    }
  }
  const errText = (name: string) => errors[name] ?? Object.entries(errors).find(([k]) => k.startsWith(`${name}.`))?.[1]
  const err = (name: string) => {
    const text = errText(name)
    return text ? (
      <span className="field-error" id={`${name}-error`}>
        {text}
      </span>
    ) : null
  }
  return (
    <section aria-labelledby="billing-settings-heading">
      <h2 id="billing-settings-heading">Billing settings</h2>
      {!admin && <p className="muted">Only an admin can change these.</p>}
      <form onSubmit={(e) => void save(e)} noValidate>
        <fieldset disabled={!admin}>
          <label>
            <input type="checkbox" checked={draft.suspend} onChange={(e) => setDraft({ ...draft, suspend: e.target.checked })} /> Suspend the agreement and its work orders when a payment fails
          </label>
          <label>
            <input type="checkbox" checked={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.checked })} /> Email the customer a link to update their payment details when a payment fails
          </label>
          <label>
            Retry declines after (days from the first failure){' '}
            <input value={draft.days} onChange={(e) => setDraft({ ...draft, days: e.target.value })} aria-invalid={err('retryDays') ? true : undefined} aria-describedby="retryDays-error" />
          </label>
          {err('retryDays')}
          <label>
            Retries after gateway errors{' '}
            <input type="number" value={draft.soon} onChange={(e) => setDraft({ ...draft, soon: e.target.value })} aria-invalid={err('maxSoonRetries') ? true : undefined} aria-describedby="maxSoonRetries-error" />
          </label>
          {err('maxSoonRetries')}
          <label>
            Charges at once during a run{' '}
            <input type="number" value={draft.concurrency} onChange={(e) => setDraft({ ...draft, concurrency: e.target.value })} aria-invalid={err('concurrency') ? true : undefined} aria-describedby="concurrency-error" />
          </label>
          {err('concurrency')}
          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}
          {admin && <button type="submit">Save billing settings</button>}
        </fieldset>
      </form>
    </section>
  )
}
