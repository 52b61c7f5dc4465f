import { Button } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import { paymentMethodText } from '../../../src/domain/payment-method.ts'
import type { BillingPreview } from '../../../src/services/billing/preview-billing.ts'
import type { RunDto } from '../../../src/contracts/billing.ts'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { formatUsd } from '../money.ts'
import { LoadState, Page, Pager } from '../page.tsx'
import { Link } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { FailedPayments } from './billing-failed-payments.tsx'
import { Invoices } from './billing-invoices.tsx'
import { BillingSettingsForm } from './billing-settings-form.tsx'

const PHASES: Record<string, string> = {
  starting: 'Starting',
  recover: 'Checking charges left unconfirmed',
  invoice: 'Creating invoices',
  charge: 'Charging',
  settle: 'Confirming the last charges',
  done: 'Finished',
}
const RUN_STATUS: Record<string, string> = { completed: 'Completed', failed: 'Stopped with an error', running: 'Running', interrupted: 'Interrupted (resumed by the next run)' }

/** Bill all (preview → confirm → live progress → summary), failed payments, past runs, invoices. */
export function BillingPage() {
  const [runsPage, setRunsPage] = useState(1)
  const runs = useLoad<PageOf<RunDto>>(`/api/billing/runs?pageSize=10&page=${runsPage}`)
  // A run in progress is the newest: page 1 of the list tells, whichever page is shown.
  const newest = useLoad<PageOf<RunDto>>('/api/billing/runs?pageSize=1')
  const [invoiceRun, setInvoiceRun] = useState<{ id: string; label: string } | null>(null)
  const [activeRunId, setActiveRunId] = useState<string | null>(null)
  const [expected, setExpected] = useState<number | null>(null)
  // Bumped when a run ends, so the lists below show its results.
  const [refresh, setRefresh] = useState(0)
  const running = newest.data?.items.find((r) => r.status === 'running')
  const watching = activeRunId ?? running?.id ?? null
  return (
    <Page
      title="Billing"
      actions={
        <Button component={Link} to="/billing/reconciliation" variant="default">
          Reconciliation
        </Button>
      }
    >
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
            newest.reload()
            setRefresh((n) => n + 1)
          }}
          onDismiss={() => {
            setActiveRunId(null)
            setExpected(null)
            runs.reload()
            newest.reload()
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
                <th scope="col">
                  <span className="visually-hidden">Invoices of the run</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    {formatDateTime(r.startedAt)}
                    {r.startedByName ? <div className="muted">by {r.startedByName}</div> : r.automatic ? <div className="muted">automatic, daily</div> : null}
                  </td>
                  <td>{r.throughDate}</td>
                  <td>
                    {RUN_STATUS[r.status] ?? r.status}
                    {r.error && <div className="muted">{r.error}</div>}
                  </td>
                  <td>{r.invoicesCreated}</td>
                  <td>{r.approved}</td>
                  <td>{r.declined}</td>
                  <td>{r.errors}</td>
                  <td>{formatUsd(r.collectedCents)}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        setInvoiceRun({ id: r.id, label: `of ${formatDateTime(r.startedAt)}` })
                        document.getElementById('invoices-heading')?.scrollIntoView({ block: 'start' })
                      }}
                    >
                      Invoices<span className="visually-hidden"> of the run of {formatDateTime(r.startedAt)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {runs.data && runs.data.total > runs.data.pageSize && <Pager page={runs.data.page} pageSize={runs.data.pageSize} total={runs.data.total} noun="runs" onPage={setRunsPage} />}
      </section>
      <Invoices key={`i${refresh}|${invoiceRun?.id ?? ''}`} {...(invoiceRun ? { run: invoiceRun } : {})} onClearRun={() => setInvoiceRun(null)} />
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
          {' '}Empty: as far as a run may bill (today in the company's time zone, plus any days ahead set in Billing settings).{' '}
        </span>
        <button type="button" onClick={() => void load()} disabled={loading}>
          Preview
        </button>
      </div>
      {loading && (
        <p className="muted" role="status">
          Working out what is due…
        </p>
      )}
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
          {(preview.warnings.no_payment_method > 0 || preview.warnings.card_expired > 0) && (
            <p className="form-error" role="status">
              {[
                preview.warnings.no_payment_method > 0 && `${preview.warnings.no_payment_method} agreement${preview.warnings.no_payment_method === 1 ? ' has' : 's have'} no payment method on file`,
                preview.warnings.card_expired > 0 && `${preview.warnings.card_expired} card${preview.warnings.card_expired === 1 ? ' has' : 's have'} expired`,
              ]
                .filter(Boolean)
                .join('; ')}
              : those charges will fail and go to Failed payments, where the customer can be asked for new details.
            </p>
          )}
          {preview.rows.length > 0 && (
            <table>
              <caption className="visually-hidden">What the run would bill</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Agreement</th>
                  <th scope="col">Period</th>
                  <th scope="col">Pays with</th>
                  <th scope="col">Subtotal</th>
                  <th scope="col">Tax</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={`${r.agreementId}|${r.periodStart}`}>
                    <td>
                      <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                    </td>
                    <td>
                      <Link to={`/agreements/${r.agreementId}`}>{r.agreementName}</Link>
                    </td>
                    <td>
                      {r.periodStart} – {r.periodLastDay}
                    </td>
                    <td className={r.warning ? 'form-error' : undefined}>
                      {paymentMethodText(r.paymentMethod)}
                      {r.warning === 'card_expired' && ' (expired)'}
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
          {preview.through > preview.latestThrough ? (
            <p className="form-error" role="status">
              A run bills through {preview.latestThrough} at most ({aheadText(preview)}); this preview looks further, so it cannot be charged. Preview through {preview.latestThrough} to bill.
            </p>
          ) : count > 0 ? (
            busy ? (
              <p className="muted">A run is in progress; wait for it to finish.</p>
            ) : (
              <ConfirmButton
                label="Run billing…"
                question={`Charge ${count} invoice${count === 1 ? '' : 's'} for a total of ${formatUsd(total)}, for periods starting by ${preview.through}${preview.through > preview.today ? ` (billing in advance: ${aheadText(preview)})` : ''}?`}
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

/** "today, 2026-12-01, plus 5 days ahead (Billing settings)": how far a run may bill, for the preview and the confirmation. */
const aheadText = (p: BillingPreview) =>
  `today, ${p.today}${p.billAheadDays > 0 ? `, plus ${p.billAheadDays} day${p.billAheadDays === 1 ? '' : 's'} ahead as set in Billing settings` : ''}`

function RunProgress({ runId, expected, onFinished, onDismiss }: { runId: string; expected: number | null; onFinished(): void; onDismiss(): void }) {
  const [run, setRun] = useState<RunDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The preview above goes away when a run starts: bring the progress into view once.
  const shown = useRef(false)
  const showOnce = (el: HTMLElement | null) => {
    if (!el || shown.current) return
    shown.current = true
    el.scrollIntoView({ block: 'nearest' })
  }
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
    <section aria-labelledby="progress-heading" className="card" ref={showOnce}>
      <h2 id="progress-heading">{done ? 'Billing run summary' : 'Billing in progress'}</h2>
      <p>
        Through {run.throughDate} · {done ? (RUN_STATUS[run.status] ?? run.status) : (PHASES[run.phase] ?? run.phase)}
      </p>
      {!done && (
        <div className="run-progress">
          <progress max={max || undefined} value={max ? run.charged : undefined} aria-label="Charges done">
            {run.charged} of {max}
          </progress>
          <span>{max ? `${Math.floor((run.charged / max) * 100)}%` : '…'}</span>
        </div>
      )}
      <dl className="counts" aria-live="polite">
        <Count label="Invoices created" value={run.invoicesCreated} />
        <Count label="Charged" value={max > 0 ? `${run.charged} of ${max}` : run.charged} />
        <Count label="Approved" value={run.approved} />
        <Count label="Declined" value={run.declined} />
        <Count label="Errors" value={run.errors} />
        <Count label="Collected" value={formatUsd(run.collectedCents)} />
        {run.unresolved > 0 && <Count label="Still being confirmed with the gateway" value={run.unresolved} />}
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


function Count({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  )
}
