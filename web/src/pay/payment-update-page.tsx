import { useEffect, useRef, useState, type FormEvent } from 'react'
import { PaymentUpdateInput } from '../../../src/contracts/billing.ts'
import { fieldErrors } from '../../../src/contracts/common.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { formatUsd } from '../money.ts'
import { TextField } from '../fields.tsx'
import { PaymentMethodFields, paymentMethodInput, paymentMethodProblems, usePaymentErrorsClear, usePaymentMethod } from '../payment-method-fields.tsx'

interface PaymentUpdateView {
  companyName: string
  customerName: string
  agreementName: string
  invoiceNumber: number
  amountDueCents: number
  paid: boolean
  reason: string | null
  tokenizerUrl: string
  tokenizerOrigin: string
}

/**
 * The customer's page to put a new card or bank account on file after a failed payment
 * (/pay/<token>), with the same payment-method fields as the sign-up page: a card number goes into
 * the gateway's iFrame tokenizer (we only receive its token). Saving puts the method on file and
 * charges what is owed at once.
 */
export function PaymentUpdatePage({ token }: { token: string }) {
  const [view, setView] = useState<PaymentUpdateView | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const pay = usePaymentMethod(view?.tokenizerOrigin ?? null)
  const [name, setName] = useState('')
  const [result, setResult] = useState<{ paid: boolean; message: string } | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)

  useEffect(() => {
    api<PaymentUpdateView>('GET', `/api/pay/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((err: unknown) => setFailure(errorMessage(err)))
  }, [token])

  usePaymentErrorsClear(formRef, pay.card, setErrors)
  useEffect(() => {
    if (!Object.keys(errors).length) setFormError((m) => (m === CHECK_FIELDS ? null : m))
  }, [errors])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (saving) return
    const parsed = PaymentUpdateInput.safeParse({ paymentMethod: paymentMethodInput(pay), name })
    const problems = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...paymentMethodProblems(pay) }
    if (!parsed.success || Object.keys(problems).length) {
      setErrors(problems)
      setFormError(CHECK_FIELDS)
      return
    }
    setSaving(true)
    setFormError(null)
    try {
      setResult(await api<{ paid: boolean; message: string }>('POST', `/api/pay/${encodeURIComponent(token)}`, parsed.data))
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors(fields)
      if (err instanceof ApiError && err.code === 'payment_declined') {
        // Let them try another card: a fresh tokenizer, no stale token.
        pay.newCard()
        setFormError(err.message)
      } else setFormError(Object.keys(fields).length ? CHECK_FIELDS : errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  if (failure)
    return (
      <main className="signup" id="main">
        <h1>This link cannot be used</h1>
        <p role="alert">{failure}</p>
      </main>
    )
  if (!view) return <main className="signup"><p className="muted">Loading…</p></main>
  const owed = formatUsd(view.amountDueCents)
  return (
    <main className="signup" id="main">
      <header className="signup-header">
        <p className="company">{view.companyName}</p>
        <h1>Update your payment details</h1>
        <p>For {view.customerName}</p>
      </header>
      <section className="pay-summary" aria-label="Summary">
        <dl className="facts">
          <dt>From</dt>
          <dd>{view.companyName}</dd>
          <dt>Agreement</dt>
          <dd>{view.agreementName}</dd>
          <dt>Invoice</dt>
          <dd>{view.invoiceNumber}</dd>
          <dt>Amount owed</dt>
          <dd>
            <strong>{view.paid ? formatUsd(0) : owed}</strong>
          </dd>
        </dl>
      </section>
      {result ? (
        <p role="status">{result.message}</p>
      ) : view.paid ? (
        <p role="status">Invoice {view.invoiceNumber} is paid. Thank you.</p>
      ) : (
        <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="stack" aria-label="New payment method">
          <p>
            Hello {view.customerName}. We could not collect {owed} for invoice {view.invoiceNumber} ({view.agreementName})
            {view.reason ? `: ${view.reason}` : ''}. Enter a card or a bank account below; we will charge it right away and use it for your agreement from now on.
          </p>
          <fieldset className="stack">
            <legend>Payment method on file</legend>
            <PaymentMethodFields
              state={pay}
              tokenizerUrl={view.tokenizerUrl}
              errors={errors}
              cardExtra={<TextField label="Name on the card" name="name" value={name} onChange={setName} errors={errors} autoComplete="cc-name" />}
            />
          </fieldset>
          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}
          <button type="submit" className="primary big" disabled={saving}>
            {saving ? 'Saving…' : `Save ${pay.method === 'ach' ? 'bank account' : 'card'} and pay ${owed}`}
          </button>
        </form>
      )}
    </main>
  )
}

const CHECK_FIELDS = 'Please check the highlighted fields.'
