import { Alert, Button, Group, Stack, Text } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconPlayerPlay } from '@tabler/icons-react'
import { useState } from 'react'
import { RejectAgreementInput, type AgreementDto } from '../../../src/contracts/agreements.ts'
import { paymentMethodText } from '../../../src/domain/payment-method.ts'
import { quoteLabel, termText, usd } from '../../../src/domain/quote-text.ts'
import { taxRateText } from '../../../src/domain/tax-rate.ts'
import { api, errorMessage } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { TextAreaField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { ErrorNote, LoadState, Page } from '../page.tsx'
import { StatusBadge } from '../status-badge.tsx'
import { AGREEMENT_STATUS_LABELS } from '../quote-strings.ts'
import { Link } from '../router.tsx'
import { formatDateTime, formatDay, MONTHS } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { History, type AuditEventView } from './history.tsx'
import { LinesTable } from './quote-view.tsx'
import { Invoices } from './billing-invoices.tsx'
import { PaymentLinkButton } from './payment-link-button.tsx'
import { AgreementVisits } from '../schedule/visit-lists.tsx'
import { CloseDialog, RenewalSection } from './agreement-renewal.tsx'

/** "invoice 12 ($42.00)" or "invoices 12 and 13 ($84.00)". */
const owedText = (f: AgreementDto['failedInvoices']) =>
  `invoice${f.length === 1 ? '' : 's'} ${f.map((i) => i.number).join(', ').replace(/, ([^,]*)$/, ' and $1')} (${usd(f.reduce((sum, i) => sum + i.owedCents, 0))})`

const every = (months: number) => (months === 1 ? 'per month' : months === 12 ? 'per year' : `every ${months} months`)

function RejectForm({ agreement, onDone }: { agreement: AgreementDto; onDone(a: AgreementDto): void }) {
  const form = useForm()
  const [reason, setReason] = useState('')
  const submit = async () => {
    const input = form.validate(RejectAgreementInput, { reason })
    if (!input) return
    await form.save(() => api<AgreementDto>('POST', `/api/agreements/${agreement.id}/reject`, input), onDone)
  }
  return (
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate aria-label="Reject the sign-up">
      <Stack maw={512} gap="sm">
        <FormErrors message={form.formError} orphans={form.orphans} />
        <TextAreaField label="Reason for rejecting" name="reason" required value={reason} onChange={setReason} errors={form.errors} hint="The customer receives it by email" />
        <FormActions>
          <SubmitButton saving={form.saving}>Reject sign-up</SubmitButton>
        </FormActions>
      </Stack>
    </form>
  )
}

/** One agreement: what was signed, the payment method, the work orders and the audit trail; approve or reject a pending one. */
export function AgreementDetailPage({ id }: { id: string }) {
  const { data: a, error, loading, reload } = useLoad<AgreementDto>(`/api/agreements/${encodeURIComponent(id)}`)
  const history = useLoad<{ items: AuditEventView[] }>(`/api/agreements/${encodeURIComponent(id)}/history`)
  const notice = useNotice()
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState<string | null>(null)
  const [rejecting, setRejecting] = useState(false)
  const [closing, setClosing] = useState(false)
  if (!a) return <Page title="Agreement"><LoadState loading={loading} error={error} /></Page>
  const done = (next: AgreementDto, text: string) => {
    notice(text)
    setRejecting(false)
    reload()
    history.reload()
    void next
  }
  const approve = async () => {
    setBusy(true)
    setActionError(null)
    try {
      const next = await api<AgreementDto>('POST', `/api/agreements/${a.id}/approve`)
      done(next, `Agreement #${next.number} approved: it is active with ${next.workOrders.length} work order${next.workOrders.length === 1 ? '' : 's'}.`)
    } catch (err) {
      setActionError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  /** Suspend or reactivate (billing's office actions); the server checks the life cycle. */
  const act = async (action: 'suspend' | 'reactivate', text: string) => {
    setBusy(true)
    setActionError(null)
    try {
      await api('POST', `/api/agreements/${a.id}/${action}`, action === 'reactivate' ? undefined : { reason: '' })
      notice(text)
      reload()
      history.reload()
    } catch (err) {
      setActionError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  const pm = a.paymentMethod
  const l = a.location
  return (
    <Page
      title={`Agreement #${a.number}`}
      actions={
        a.status === 'pending_approval' ? (
          <>
            <Button leftSection={<IconCheck size={16} aria-hidden />} onClick={() => void approve()} loading={busy}>
              Approve
            </Button>
            <Button variant="outline" color="red" onClick={() => setRejecting(true)} disabled={busy}>
              Reject…
            </Button>
          </>
        ) : (
          <>
            {a.status === 'active' && (
              <ConfirmButton
                label="Suspend"
                question={`Suspend agreement #${a.number}? It is not billed and its work orders are suspended until you reactivate it.`}
                confirmLabel="Yes, suspend"
                danger
                onConfirm={() => act('suspend', `Agreement #${a.number} suspended with its work orders.`)}
              />
            )}
            {(a.status === 'active' || a.status === 'suspended') && (
              <Button variant="outline" color="red" onClick={() => setClosing(true)}>
                Close agreement…
              </Button>
            )}
          </>
        )
      }
    >
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      {a.status === 'suspended' && a.failedInvoices.length === 0 && (
        <Alert color="green" variant="light" title="Paid up: this agreement can be reactivated" icon={<IconPlayerPlay size={18} aria-hidden />} aria-label="Next step">
          <Text size="sm">Nothing is owed on it any more. Reactivate it to resume its billing and put its work orders back on the schedule.</Text>
          <Button mt="sm" onClick={() => void act('reactivate', `Agreement #${a.number} reactivated with its work orders.`)} loading={busy}>
            Reactivate agreement
          </Button>
        </Alert>
      )}
      {a.failedInvoices.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          title={a.status === 'suspended' ? `Suspended until ${owedText(a.failedInvoices)} is paid` : `${owedText(a.failedInvoices)} unpaid after a failed payment`}
          icon={<IconAlertTriangle size={18} aria-hidden />}
          aria-label="Next step"
        >
          <Text size="sm">
            Send the customer the secure link to put a new card or bank account on file and pay, or record a payment received another way.
            {a.status === 'suspended' && ' The agreement can be reactivated once nothing is owed.'}
          </Text>
          <Group mt="sm">
            <PaymentLinkButton path={`/api/agreements/${a.id}/payment-link`} owedCents={a.failedInvoices.reduce((sum, i) => sum + i.owedCents, 0)} onSent={history.reload} />
          </Group>
        </Alert>
      )}
      {rejecting && <RejectForm agreement={a} onDone={(next) => done(next, `Agreement #${next.number} rejected; the customer is emailed.`)} />}
      {closing && (
        <CloseDialog
          agreement={a}
          onClose={(closed) => {
            setClosing(false)
            if (closed) {
              reload()
              history.reload()
            }
          }}
        />
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={a.status} label={AGREEMENT_STATUS_LABELS[a.status]} />
          {a.statusReason && <span> · {a.statusReason}</span>}
          {a.approvedAt && ` · approved ${formatDateTime(a.approvedAt)}${a.approvedByName ? ` by ${a.approvedByName}` : ''}`}
        </dd>
        <dt>Customer</dt>
        <dd>
          <Link to={`/customers/${a.customerId}`}>{a.customerName}</Link>
        </dd>
        <dt>Location</dt>
        <dd>{[l.label, l.line1, l.line2, `${l.city}, ${l.region} ${l.postalCode}`].filter(Boolean).join(', ')}</dd>
        <dt>Plan option</dt>
        <dd>
          {a.name}
          {a.quoteId && a.quoteNumber !== null && (
            <>
              {' '}
              (from <Link to={`/quotes/${a.quoteId}`}>quote {quoteLabel(a.quoteNumber)}</Link>)
            </>
          )}
        </dd>
        <dt>Billing</dt>
        <dd>
          {every(a.billingIntervalMonths)} from {formatDay(a.startDate)}
          {a.endDate ? ` to ${formatDay(a.endDate)} (${termText(a.termMonths)})` : ', no end date'}
          {a.nextBillDate && ` · next bill ${formatDay(a.nextBillDate)}`}
          {a.endedOn && ` · ended ${formatDay(a.endedOn)}`}
        </dd>
        <dt>Visits</dt>
        <dd>
          {a.visitsPerTerm} per term{a.visitMonths.length ? ` (${a.visitMonths.map((m) => MONTHS[m - 1]).join(', ')})` : ''}
        </dd>
        <dt>Payment method</dt>
        <dd>
          {paymentMethodText(pm)}
        </dd>
      </dl>
      {a.status !== 'pending_approval' && a.status !== 'rejected' && (
        <RenewalSection
          agreement={a}
          onChange={() => {
            reload()
            history.reload()
          }}
        />
      )}
      <h2>Lines and totals</h2>
      <LinesTable lines={a.lines} recurringText={every(a.billingIntervalMonths)} onceText="once (first bill)" />
      <dl className="facts totals">
        <dt>Each bill</dt>
        <dd>
          {usd(a.totals.perPeriod.totalCents)} ({usd(a.totals.perPeriod.subtotalCents)} + {usd(a.totals.perPeriod.taxCents)} tax at {taxRateText(a.taxRatePpm)})
        </dd>
        <dt>First bill</dt>
        <dd>{usd(a.totals.firstPeriod.totalCents)}</dd>
        <dt>Term total</dt>
        <dd>{a.totals.perTermCents === null ? 'Open-ended' : usd(a.totals.perTermCents)}</dd>
      </dl>
      <h2>Signature</h2>
      {a.signature ? (
        <dl className="facts signature">
          <dt>Signed by</dt>
          <dd>{a.signature.signerName}</dd>
          <dt>Signed at</dt>
          <dd>{formatDateTime(a.signature.signedAt)}</dd>
          <dt>Option chosen</dt>
          <dd>
            {a.signature.optionName} (quote revision {a.signature.revision})
          </dd>
          <dt>From</dt>
          <dd>
            {a.signature.ipAddress} · {a.signature.userAgent || 'unknown browser'}
          </dd>
          <dt>Terms SHA-256</dt>
          <dd className="hash">{a.signature.termsSha256}</dd>
          <dt>Document SHA-256</dt>
          <dd className="hash">{a.signature.documentSha256}</dd>
        </dl>
      ) : (
        <p className="muted">No signature record.</p>
      )}
      <h2>Work orders</h2>
      {a.status === 'pending_approval' ? <p className="muted">Work orders are created when the agreement is approved.</p> : <AgreementVisits agreementId={a.id} />}
      {a.status !== 'pending_approval' && a.status !== 'rejected' && <Invoices agreementId={a.id} />}
      <h2>Terms and conditions</h2>
      <div className="terms pre">{a.termsText || 'No additional terms.'}</div>
      <h2>Audit trail</h2>
      {history.data && <History items={history.data.items} />}
    </Page>
  )
}
