import { Alert, Button, Checkbox, Group, Modal, NativeSelect, Radio, Stack, Switch, Table, Text, Textarea } from '@mantine/core'
import { useState } from 'react'
import type { AgreementDto, ClosePlanDto } from '../../../src/contracts/agreements.ts'
import type { RenewalNoticeDto } from '../../../src/contracts/renewals.ts'
import { usd } from '../../../src/domain/quote-text.ts'
import { priceChangeText } from '../../../src/domain/renewal-terms.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { toast } from '../notice.tsx'
import { ErrorNote, LoadState } from '../page.tsx'
import { draftOfChange, priceChangeOf, PriceChangeField } from '../price-change-field.tsx'
import { useApiQuery } from '../query.ts'
import { Link, withQuery } from '../router.tsx'
import { formatDateTime, formatDay } from '../strings.ts'
import { RenewalDialog } from './renewal-dialog.tsx'

const NOTICE_LABELS: Record<RenewalNoticeDto['kind'], string> = {
  notice: 'Renewal notice',
  quote: 'Renewal quote',
  reminder: 'Reminder',
  auto_renew_notice: 'Auto-renewal notice',
}
const STATUS_LABELS: Record<RenewalNoticeDto['status'], string> = { sent: 'Sent', opened: 'Opened', accepted: 'Accepted', superseded: 'Replaced by a newer one', expired: 'Expired' }

/**
 * An agreement's renewal: automatic renewal (off at any time; on only with the customer's consent)
 * and the next term's price change, where it came from and what took over, a renewal quote for
 * it, and the timeline of notices, quotes and reminders with their opens and acceptances.
 */
export function RenewalSection({ agreement: a, onChange }: { agreement: AgreementDto; onChange(): void }) {
  const timeline = useApiQuery<{ items: RenewalNoticeDto[] }>(`/api/agreements/${a.id}/renewals`)
  const [change, setChange] = useState(draftOfChange(a.renewalChange))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [quoting, setQuoting] = useState(false)
  const running = a.status === 'active' || a.status === 'suspended'
  const save = async (autoRenew: boolean) => {
    const c = priceChangeOf(change)
    if (c.error) return setErrors({ change: c.error })
    setBusy(true)
    setError(null)
    try {
      await api('PUT', `/api/agreements/${a.id}/auto-renew`, { autoRenew, change: c.change })
      toast.success(`Renewal settings of agreement #${a.number} saved.`)
      onChange()
    } catch (err) {
      setErrors(err instanceof ApiError ? err.fields : {})
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="renewal-heading">
      <h2 id="renewal-heading">Renewal</h2>
      <Stack gap="sm">
        {a.renewalOf && (
          <Text>
            Renews agreement <Link to={`/agreements/${a.renewalOf.id}`}>#{a.renewalOf.number}</Link>.
          </Text>
        )}
        {a.renewedBy && (
          <Text>
            Renewed by agreement <Link to={`/agreements/${a.renewedBy.id}`}>#{a.renewedBy.number}</Link> from {formatDay(a.renewedBy.startDate)}.
          </Text>
        )}
        {a.closeOn && (
          <Alert color="yellow">
            Closes on {formatDay(a.closeOn)}: {a.closeReason || 'no reason given'}. Nothing is billed from that day.
          </Alert>
        )}
        {a.endDate === null ? (
          <Text c="dimmed">No end date: it keeps billing and scheduling until it is closed.</Text>
        ) : (
          <>
            <Switch
              label={a.autoRenew ? 'Renews automatically' : 'Does not renew automatically'}
              description={
                a.autoRenew
                  ? `Customer agreed ${a.autoRenewConsentAt ? formatDateTime(a.autoRenewConsentAt) : ''}; they can turn it off online from any notice or receipt.`
                  : a.autoRenewOffBy === 'customer'
                    ? 'The customer turned it off; only they can agree to it again (send a renewal quote).'
                    : a.autoRenewConsentAt
                      ? 'Turned off by the office; the customer agreed to it before, so it may be turned on again.'
                      : 'The customer has not agreed to automatic renewal.'
              }
              checked={a.autoRenew}
              disabled={busy || !running || (!a.autoRenew && (!a.autoRenewConsentAt || a.autoRenewOffBy === 'customer'))}
              onChange={(e) => void save(e.currentTarget.checked)}
            />
            <Group align="flex-end" gap="sm">
              <PriceChangeField name="change" label="Next term's price" value={change} onChange={setChange} errors={errors} />
              <Button variant="default" loading={busy} disabled={!running} onClick={() => void save(a.autoRenew)}>
                Save price change
              </Button>
            </Group>
            <Text size="sm" c="dimmed">
              Now: {priceChangeText(a.renewalChange)} at renewal.
            </Text>
            {running && !a.renewedBy && !a.closeOn && (
              <Group>
                <Button variant="default" onClick={() => setQuoting(true)}>
                  Send a renewal quote…
                </Button>
              </Group>
            )}
          </>
        )}
        {error && <ErrorNote>{error}</ErrorNote>}
        <RenewalTimeline items={timeline.data?.items} loading={timeline.isFetching} error={timeline.error?.message ?? null} />
      </Stack>
      {quoting && (
        <RenewalDialog
          kind="quote"
          selection={{ ids: [a.id] }}
          count={1}
          onClose={(sent) => {
            setQuoting(false)
            if (sent) {
              void timeline.refetch()
              onChange()
            }
          }}
        />
      )}
    </section>
  )
}

function RenewalTimeline({ items, loading, error }: { items: RenewalNoticeDto[] | undefined; loading: boolean; error: string | null }) {
  if (!items) return <LoadState loading={loading} error={error} />
  if (items.length === 0) return <Text c="dimmed">No renewal notices, quotes or reminders sent yet.</Text>
  return (
    <Table striped aria-label="Renewal timeline">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Sent</Table.Th>
          <Table.Th>What</Table.Th>
          <Table.Th ta="right">Next term</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((n) => (
          <Table.Tr key={n.id}>
            <Table.Td>{formatDateTime(n.sentAt)}</Table.Td>
            <Table.Td>
              {NOTICE_LABELS[n.kind]}
              {n.daysBefore ? ` (${n.daysBefore} days before)` : ''}
              {n.createdByName ? ` by ${n.createdByName}` : ''}
              {n.recipient ? ` to ${n.recipient}` : ''}
            </Table.Td>
            <Table.Td ta="right" className="num">
              {usd(n.newPerBillCents)}
              {n.newPerBillCents !== n.oldPerBillCents ? ` (was ${usd(n.oldPerBillCents)})` : ''}
            </Table.Td>
            <Table.Td>
              {STATUS_LABELS[n.status]}
              {n.openedAt ? ` · opened ${formatDateTime(n.openedAt)}` : ''}
              {n.acceptedAt ? ` · accepted ${formatDateTime(n.acceptedAt)}${n.signerName ? ` by ${n.signerName}` : ''}` : ''}
              {n.newAgreementId && (
                <>
                  {' '}
                  · <Link to={`/agreements/${n.newAgreementId}`}>next term</Link>
                </>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

/**
 * Closing: now (with an optional prorated refund of the unused days) or at the end of the current
 * period, on the office's decision or the customer's request, with a reason. What it will do (the
 * last day of service, each refund in cents, invoices voided, visits cancelled) is shown before
 * confirming; the button says the refund.
 */
export function CloseDialog({ agreement: a, onClose }: { agreement: AgreementDto; onClose(closed: boolean): void }) {
  const [when, setWhen] = useState<'now' | 'period_end'>('now')
  const [refund, setRefund] = useState(true)
  const [requestedBy, setRequestedBy] = useState<'office' | 'customer'>('office')
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const plan = useApiQuery<ClosePlanDto>(withQuery(`/api/agreements/${a.id}/close-preview`, { when, refund: when === 'now' && refund }))
  const p = plan.data
  const confirm = async () => {
    if (!reason.trim()) return setErrors({ reason: 'is required: say why it closes' })
    setBusy(true)
    setError(null)
    try {
      const done = await api<ClosePlanDto>('POST', `/api/agreements/${a.id}/close`, { when, refund: when === 'now' && refund, requestedBy, reason })
      toast.success(
        when === 'now'
          ? `Agreement #${a.number} closed${done.refundCents ? `; ${usd(done.refundCents)} refunded` : ''}.`
          : `Agreement #${a.number} closes on ${formatDay(done.endDate)}.`,
      )
      onClose(true)
    } catch (err) {
      setErrors(err instanceof ApiError ? err.fields : {})
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened onClose={() => !busy && onClose(false)} title={`Close agreement #${a.number}`} size="lg" closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <Stack gap="md">
        <Radio.Group label="When" value={when} onChange={(v) => setWhen(v as 'now' | 'period_end')}>
          <Stack gap={6} mt={4}>
            <Radio value="now" label="Now: service ends today" />
            <Radio value="period_end" label="At the end of the current billing period" />
          </Stack>
        </Radio.Group>
        {when === 'now' && <Checkbox label="Refund the unused days of the period already paid (prorated, to the cent)" checked={refund} onChange={(e) => setRefund(e.currentTarget.checked)} />}
        <NativeSelect label="Requested by" value={requestedBy} onChange={(e) => setRequestedBy(e.currentTarget.value as 'office' | 'customer')} data={[{ value: 'office', label: 'The office' }, { value: 'customer', label: 'The customer (recorded by the office)' }]} />
        <Textarea id="f-reason" name="reason" data-field="reason" label="Reason" withAsterisk value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason ? `Reason ${errors.reason}` : undefined} />
        {p && (
          <Alert color="gray" title="What happens" aria-live="polite">
            <ul>
              <li>Last day of service: {formatDay(p.lastServiceDay)}; nothing is billed from {formatDay(p.endDate)}.</li>
              {p.refunds.map((r) => (
                <li key={`${r.paymentId}-${r.invoiceId}`}>
                  Refund {usd(r.refundCents)} of invoice {r.invoiceNumber} ({r.unusedDays} of {r.periodDays} days unused, {usd(r.paidCents)} paid)
                </li>
              ))}
              {p.voidInvoices.map((v) => (
                <li key={v.invoiceId}>
                  Void invoice {v.invoiceNumber} ({usd(v.totalCents)}, a period after the end)
                </li>
              ))}
              {p.unpaidInvoices.map((u) => (
                <li key={u.invoiceId}>
                  Invoice {u.invoiceNumber} stays unpaid ({usd(u.owedCents)}): collect or void it
                </li>
              ))}
              <li>
                {p.visitsCancelled} visit{p.visitsCancelled === 1 ? '' : 's'} cancelled; the customer is emailed{a.autoRenew ? '; automatic renewal stops' : ''}.
              </li>
            </ul>
          </Alert>
        )}
        {plan.error && <ErrorNote>{plan.error.message}</ErrorNote>}
        {error && <ErrorNote>{error}</ErrorNote>}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" disabled={busy} onClick={() => onClose(false)}>
            Cancel
          </Button>
          <Button color="red" loading={busy} disabled={!p} onClick={() => void confirm()}>
            {when === 'now' ? (p && p.refundCents > 0 ? `Close and refund ${usd(p.refundCents)}` : 'Close now') : 'Close at the period end'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
