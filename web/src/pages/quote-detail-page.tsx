import { useState } from 'react'
import { SendQuoteInput, type QuoteDto } from '../../../src/contracts/quotes.ts'
import { quoteLabel } from '../../../src/domain/quote-text.ts'
import { api, errorMessage } from '../api.ts'
import { TextField } from '../fields.tsx'
import { FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { AUDIT_ACTION_LABELS, QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import type { AuditEventView } from './history.tsx'
import { QuoteRevisionView } from './quote-view.tsx'

/** Emails the quote (or a fresh link for a sent one) to the customer. */
function SendForm({ quote, resend, onSent }: { quote: QuoteDto; resend: boolean; onSent(q: QuoteDto): void }) {
  const form = useForm()
  const [to, setTo] = useState(quote.revision.recipientEmail ?? '')
  const submit = async () => {
    const input = form.validate(SendQuoteInput, to.trim() ? { to } : {})
    if (!input) return
    await form.save(() => api<QuoteDto>('POST', `/api/quotes/${quote.id}/${resend ? 'resend' : 'send'}`, input), onSent)
  }
  return (
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack narrow send-form">
      <FormErrors message={form.formError} orphans={form.orphans} />
      <TextField label="Send to" name="to" type="email" value={to} onChange={setTo} errors={form.errors} hint="Leave empty for the customer's primary contact" />
      <SubmitButton saving={form.saving}>{resend ? 'Send a new link' : 'Send quote'}</SubmitButton>
    </form>
  )
}

/** One quote: its current (or chosen) revision as the customer sees it, and what the office can do next. */
export function QuoteDetailPage({ id }: { id: string }) {
  const { query } = useLocation()
  const revisionParam = Number(query.get('revision')) || undefined
  const path = withQuery(`/api/quotes/${encodeURIComponent(id)}`, { revision: revisionParam })
  const { data: quote, error, loading, reload } = useLoad<QuoteDto>(path)
  const history = useLoad<{ items: AuditEventView[] }>(`/api/quotes/${encodeURIComponent(id)}/history`)
  const notice = useNotice()
  const [actionError, setActionError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [resending, setResending] = useState(false)

  if (!quote) return <Page title="Quote"><LoadState loading={loading} error={error} /></Page>
  const current = quote.revision.revision === quote.currentRevision
  const revise = async () => {
    setBusy(true)
    setActionError(null)
    try {
      const q = await api<QuoteDto>('POST', `/api/quotes/${quote.id}/revise`)
      notice(`Revision ${q.currentRevision} started as a draft; the sent revision stays as it was.`)
      navigate(`/quotes/${q.id}/edit`)
    } catch (err) {
      setActionError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  const sent = (q: QuoteDto) => {
    notice(`Quote ${quoteLabel(q.number)} emailed to ${q.revision.recipientEmail ?? 'the customer'}.`)
    reload()
    history.reload()
  }
  const pdfHref = `/api/quotes/${encodeURIComponent(quote.id)}/pdf?revision=${quote.revision.revision}`
  return (
    <Page
      title={`Quote ${quoteLabel(quote.number)}`}
      actions={
        <>
          <a className="button" href={pdfHref} download>
            Download PDF
          </a>
          {current && quote.status === 'draft' && (
            <Link className="button" to={`/quotes/${quote.id}/edit`}>
              Edit draft
            </Link>
          )}
          {current && ['sent', 'viewed', 'declined', 'expired'].includes(quote.status) && (
            <button type="button" onClick={() => void revise()} disabled={busy}>
              New revision
            </button>
          )}
        </>
      }
    >
      {actionError && <p className="form-error" role="alert">{actionError}</p>}
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          <Link to={`/customers/${quote.customerId}`}>{quote.customerName}</Link>
        </dd>
        <dt>Status</dt>
        <dd>
          <span className={`badge status-${quote.status}`}>{QUOTE_STATUS_LABELS[quote.status]}</span>
          {quote.declineReason && <span> · reason: {quote.declineReason}</span>}
        </dd>
        {quote.revision.title && (
          <>
            <dt>Title</dt>
            <dd>{quote.revision.title}</dd>
          </>
        )}
        <dt>Revision</dt>
        <dd>
          {quote.revisions.length > 1 ? (
            <select aria-label="Revision" value={quote.revision.revision} onChange={(e) => navigate(withQuery(`/quotes/${quote.id}`, { revision: e.target.value }))}>
              {quote.revisions.map((r) => (
                <option key={r.revision} value={r.revision}>
                  Revision {r.revision}
                  {r.sentAt ? ` (sent ${formatDateTime(r.sentAt)})` : ' (draft)'}
                </option>
              ))}
            </select>
          ) : (
            quote.revision.revision
          )}
          {quote.revision.sentAt && ` · sent ${formatDateTime(quote.revision.sentAt)} to ${quote.revision.recipientEmail ?? ''}`}
        </dd>
        {quote.acceptedOptionId && (
          <>
            <dt>Accepted option</dt>
            <dd>{quote.revision.options.find((o) => o.id === quote.acceptedOptionId)?.name ?? `from revision ${quote.currentRevision}`}</dd>
          </>
        )}
        {quote.agreementId && (
          <>
            <dt>Agreement</dt>
            <dd>
              <Link to={`/agreements/${quote.agreementId}`}>View the agreement</Link>
            </dd>
          </>
        )}
      </dl>
      {current && quote.status === 'draft' && <SendForm quote={quote} resend={false} onSent={sent} />}
      {current && (quote.status === 'sent' || quote.status === 'viewed') &&
        (resending ? (
          <SendForm quote={quote} resend onSent={(q) => (setResending(false), sent(q))} />
        ) : (
          <p>
            <button type="button" onClick={() => setResending(true)}>
              Send a new link…
            </button>{' '}
            <span className="muted">The earlier link stops working.</span>
          </p>
        ))}
      <h2>{current ? 'What the customer sees' : `Revision ${quote.revision.revision} as sent`}</h2>
      <QuoteRevisionView revision={quote.revision} />
      <h2>History</h2>
      {history.data && (
        <ul className="history">
          {[...history.data.items].reverse().map((ev) => (
            <li key={ev.id}>
              <time dateTime={ev.createdAt}>{formatDateTime(ev.createdAt)}</time> {AUDIT_ACTION_LABELS[ev.action] ?? ev.action}
              {ev.actorName ? ` by ${ev.actorName}` : ''}
            </li>
          ))}
        </ul>
      )}
    </Page>
  )
}
