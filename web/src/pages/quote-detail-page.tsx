import { Button, NativeSelect, Stack } from '@mantine/core'
import { IconDownload, IconPencil, IconSend } from '@tabler/icons-react'
import { useState } from 'react'
import { SendQuoteInput, type QuoteDto } from '../../../src/contracts/quotes.ts'
import { quoteLabel } from '../../../src/domain/quote-text.ts'
import { api, errorMessage } from '../api.ts'
import { TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { ErrorNote, LoadState, Page } from '../page.tsx'
import { StatusBadge } from '../status-badge.tsx'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { QUOTE_STATUS_LABELS } from '../quote-strings.ts'
import { formatDateTime } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { History, type AuditEventView } from './history.tsx'
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
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate aria-label={resend ? 'Send a new link' : 'Send the quote'}>
      <Stack maw={512} gap="sm">
        <FormErrors message={form.formError} orphans={form.orphans} />
        <TextField label="Send to" name="to" type="email" value={to} onChange={setTo} errors={form.errors} hint="Leave empty for the customer's primary contact" />
        <FormActions>
          <SubmitButton saving={form.saving}>{resend ? 'Send a new link' : 'Send quote'}</SubmitButton>
        </FormActions>
      </Stack>
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
          <Button component="a" variant="default" href={pdfHref} download leftSection={<IconDownload size={16} aria-hidden />}>
            Download PDF
          </Button>
          {current && quote.status === 'draft' && (
            <Button component={Link} variant="default" to={`/quotes/${quote.id}/edit`} leftSection={<IconPencil size={16} aria-hidden />}>
              Edit draft
            </Button>
          )}
          {current && ['sent', 'viewed', 'declined', 'expired'].includes(quote.status) && (
            <Button variant="default" onClick={() => void revise()} loading={busy}>
              New revision
            </Button>
          )}
        </>
      }
    >
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          <Link to={`/customers/${quote.customerId}`}>{quote.customerName}</Link>
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={quote.status} label={QUOTE_STATUS_LABELS[quote.status]} />
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
            <NativeSelect
              aria-label="Revision"
              size="xs"
              display="inline-block"
              value={String(quote.revision.revision)}
              onChange={(e) => navigate(withQuery(`/quotes/${quote.id}`, { revision: e.currentTarget.value }))}
              data={quote.revisions.map((r) => ({ value: String(r.revision), label: `Revision ${r.revision}${r.sentAt ? ` (sent ${formatDateTime(r.sentAt)})` : ' (draft)'}` }))}
            />
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
            <Button variant="default" onClick={() => setResending(true)} leftSection={<IconSend size={16} aria-hidden />}>
              Send a new link…
            </Button>{' '}
            <span className="muted">The earlier link stops working.</span>
          </p>
        ))}
      <h2>{current ? 'What the customer sees' : `Revision ${quote.revision.revision} as sent`}</h2>
      <QuoteRevisionView revision={quote.revision} />
      <h2>History</h2>
      {history.data && <History items={history.data.items} />}
    </Page>
  )
}
