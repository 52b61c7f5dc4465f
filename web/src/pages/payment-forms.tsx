import { companyToday } from '../strings.ts'
import { useState } from 'react'
import { OfflinePaymentInput, RefundInput } from '../../../src/contracts/billing.ts'
import { api, ApiError, errorMessage } from '../api.ts'
import { SelectField, TextAreaField, TextField } from '../fields.tsx'
import { FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { centsToDollarText, dollarField, formatUsd } from '../money.ts'
import { useNotice } from '../notice.tsx'

const METHODS = [
  { value: 'check', label: 'Check' },
  { value: 'cash', label: 'Cash' },
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'other', label: 'Other' },
]

/** The company's date, not UTC's nor the browser's: a check received this evening is received today. */
const localToday = () => companyToday()

/**
 * Records a check, cash or transfer received for an unpaid invoice (all of what is owed, or part
 * of it); the server sends the receipt. Amounts are typed in dollars and sent as exact cents.
 */
export function RecordPaymentForm(props: { invoiceId: string; invoiceNumber: number; owedCents: number; onDone(): void; onCancel(): void }) {
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState({ amount: centsToDollarText(props.owedCents), method: 'check', reference: '', receivedOn: localToday(), note: '' })
  const set = (key: keyof typeof draft) => (value: string) => setDraft({ ...draft, [key]: value })
  const submit = async () => {
    const amount = dollarField(draft.amount)
    const input = form.validate(OfflinePaymentInput, { ...draft, amountCents: amount.cents ?? 1 }, amount.error ? { amountCents: amount.error } : {})
    if (!input) return
    await form.save(
      () => api('POST', `/api/billing/invoices/${encodeURIComponent(props.invoiceId)}/offline-payment`, input),
      () => {
        notice(`${formatUsd(input.amountCents)} recorded for invoice ${props.invoiceNumber}.`)
        props.onDone()
      },
    )
  }
  return (
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack narrow card" aria-label={`Record a payment for invoice ${props.invoiceNumber}`}>
      <FormErrors message={form.formError} orphans={form.orphans} />
      <TextField label="Amount" name="amountCents" inputMode="decimal" required hint={`${formatUsd(props.owedCents)} is owed`} value={draft.amount} onChange={set('amount')} errors={form.errors} />
      <SelectField label="Method" name="method" value={draft.method} onChange={set('method')} errors={form.errors} options={METHODS} />
      <TextField label="Reference" name="reference" hint="Check number or transfer reference" value={draft.reference} onChange={set('reference')} errors={form.errors} />
      <TextField label="Received on" name="receivedOn" type="date" required value={draft.receivedOn} onChange={set('receivedOn')} errors={form.errors} />
      <TextAreaField label="Note" name="note" value={draft.note} onChange={set('note')} errors={form.errors} rows={2} />
      <FormActions saving={form.saving} submit="Record payment" onCancel={props.onCancel} />
    </form>
  )
}

/**
 * Refunds all or part of a payment through the gateway (or, for an offline payment, records that
 * the money went back). The form is the confirmation: it names the amount before money moves.
 */
export function RefundForm(props: {
  paymentId: string
  refundableCents: number
  /** Called once the gateway has answered: `error` is null when the refund went through. */
  onFinished(error: string | null): void
  onCancel(): void
}) {
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState({ amount: centsToDollarText(props.refundableCents), reason: '' })
  const set = (key: keyof typeof draft) => (value: string) => setDraft({ ...draft, [key]: value })
  const submit = async () => {
    const amount = dollarField(draft.amount)
    const tooMuch = amount.cents !== null && amount.cents > props.refundableCents ? `must be at most ${formatUsd(props.refundableCents)}, what is left to refund` : null
    const error = amount.error ?? tooMuch
    const input = form.validate(RefundInput, { amountCents: amount.cents ?? 1, reason: draft.reason }, error ? { amountCents: error } : {})
    if (!input) return
    await form.save(
      async () => {
        try {
          return await api<{ voided?: boolean; message?: string }>('POST', `/api/billing/payments/${encodeURIComponent(props.paymentId)}/refund`, input)
        } catch (err) {
          // Bad fields stay on the form; a refusal or a lost answer is the payment's news, shown with it.
          if (err instanceof ApiError && err.status === 422) throw err
          props.onFinished(errorMessage(err))
          return null
        }
      },
      (result) => {
        if (result === null) return
        // An unsettled payment is voided instead of refunded: the server says so in words.
        notice(result.message ?? `The refund of ${formatUsd(input.amountCents ?? props.refundableCents)} went through.`)
        props.onFinished(null)
      },
    )
  }
  return (
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack narrow card" aria-label="Refund this payment">
      <FormErrors message={form.formError} orphans={form.orphans} />
      <TextField label="Refund amount" name="amountCents" inputMode="decimal" required hint={`Up to ${formatUsd(props.refundableCents)}`} value={draft.amount} onChange={set('amount')} errors={form.errors} />
      <TextField label="Reason" name="reason" hint="Kept with the refund, for the audit trail" value={draft.reason} onChange={set('reason')} errors={form.errors} />
      <FormActions saving={form.saving} submit="Send refund" onCancel={props.onCancel} />
    </form>
  )
}

function FormActions(props: { saving: boolean; submit: string; onCancel(): void }) {
  return (
    <div className="form-actions">
      <SubmitButton saving={props.saving}>{props.submit}</SubmitButton>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  )
}
