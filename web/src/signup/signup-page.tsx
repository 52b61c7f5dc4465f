import { useEffect, useRef, useState, type FormEvent } from 'react'
import { AcceptQuoteInput, type PublicQuoteView } from '../../../src/contracts/signup.ts'
import { perPeriodText, quoteLabel, usd } from '../../../src/domain/quote-text.ts'
import { fieldErrors } from '../../../src/contracts/common.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { CheckboxField, TextField } from '../fields.tsx'
import { setCompanyFormat } from '../strings.ts'
import { QuoteOptionCard, RevisionFacts } from '../pages/quote-view.tsx'
import { PaymentMethodFields, paymentMethodInput, paymentMethodProblems, usePaymentErrorsClear, usePaymentMethod } from '../payment-method-fields.tsx'

/**
 * The customer's hosted sign-up page at `/q/<token>`: review the quote, choose an option, read
 * the terms, sign (typed name + consent) and put a card (through the gateway's iFrame
 * tokenizer: the number never touches our page or server) or a bank account on file.
 */
export function SignupPage({ token }: { token: string }) {
  const [view, setView] = useState<PublicQuoteView | null>(null)
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null)
  useEffect(() => {
    api<PublicQuoteView>('GET', `/api/signup/${encodeURIComponent(token)}`)
      // No session here: the answer carries the company's locale, for the dates on the page.
      .then((v) => (setCompanyFormat(v.format), setView(v)))
      .catch((err: unknown) => {
        const code = err instanceof ApiError ? err.code : ''
        const titles: Record<string, string> = {
          link_expired: 'This offer has expired',
          link_replaced: 'This link no longer works',
          link_declined: 'You declined this quote',
          link_accepted: 'This quote has been accepted',
          rate_limited: 'Please wait a moment',
        }
        const title = titles[code] ?? 'This link is not valid'
        setFailure({ title, message: errorMessage(err) })
      })
  }, [token])
  useEffect(() => {
    document.title = view ? `Quote ${quoteLabel(view.quoteNumber)} · ${view.companyName}` : 'Your quote'
  }, [view])

  if (failure)
    return (
      <main className="signup" id="main">
        <h1>{failure.title}</h1>
        <p role="alert">{failure.message}</p>
      </main>
    )
  if (!view) return <main className="signup"><p className="muted">Loading your quote…</p></main>
  return (
    <main className="signup" id="main">
      <header className="signup-header">
        <p className="company">{view.companyName}</p>
        <h1>
          Quote {quoteLabel(view.quoteNumber)}
          {view.revision.title ? `: ${view.revision.title}` : ''}
        </h1>
        <p>Prepared for {view.customerName}</p>
      </header>
      {view.state === 'accepted' && <Accepted view={view} />}
      {view.state === 'declined' && (
        <section className="done" role="status">
          <h2>You declined this quote</h2>
          <p>Thank you for letting us know. Contact {view.companyName} if you change your mind.</p>
        </section>
      )}
      {view.state === 'open' && <SignupForm token={token} view={view} onDone={setView} />}
    </main>
  )
}

function Accepted({ view }: { view: PublicQuoteView }) {
  const option = view.revision.options.find((o) => o.id === view.acceptedOptionId)
  return (
    <section className="done" role="status">
      <h2>Thank you, you are signed up</h2>
      <p>
        You chose <strong>{option?.name ?? 'an option'}</strong>
        {option ? ` at ${usd(option.totals.perPeriod.totalCents)} ${perPeriodText(option)}` : ''}.{' '}
        {view.agreementStatus === 'active'
          ? 'Your agreement is active.'
          : view.agreementStatus === 'rejected'
            ? `${view.companyName} could not approve this sign-up and has emailed you.`
            : `${view.companyName} will review your sign-up and email you when it is approved. Nothing is charged before then.`}
      </p>
    </section>
  )
}

function SignupForm({ token, view, onDone }: { token: string; view: PublicQuoteView; onDone(v: PublicQuoteView): void }) {
  const options = view.revision.options
  const [optionId, setOptionId] = useState(options.length === 1 ? options[0].id : '')
  const [signerName, setSignerName] = useState('')
  const [consent, setConsent] = useState(false)
  // Automatic renewal needs its own consent, never ticked for the customer (California BPC §17602).
  const [autoRenewConsent, setAutoRenewConsent] = useState(false)
  const pay = usePaymentMethod(view.tokenizerOrigin)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [failures, setFailures] = useState(0)
  const [saving, setSaving] = useState(false)
  const busy = useRef(false)
  const formRef = useRef<HTMLFormElement>(null)
  const chosen = options.find((o) => o.id === optionId)
  const autoRenewTerms = chosen ? view.autoRenewTerms[chosen.id] : undefined

  // A fixed field loses its error as it is fixed; the card's, once the tokenizer has the card.
  usePaymentErrorsClear(formRef, pay.card, setErrors)
  useEffect(() => {
    if (!Object.keys(errors).length) setFormError((m) => (m === CHECK_FIELDS ? null : m))
  }, [errors])
  // Focus the first problem after a failed submit, not while a field is being fixed.
  useEffect(() => {
    if (failures) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-error')?.focus()
  }, [failures])
  const fail = (fields: FieldErrors, message: string) => {
    setErrors(fields)
    setFormError(message)
    setFailures((n) => n + 1)
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (busy.current) return
    const input = { optionId, signerName, consent: consent || undefined, autoRenewConsent: Boolean(autoRenewTerms) && autoRenewConsent, paymentMethod: paymentMethodInput(pay) }
    const parsed = AcceptQuoteInput.safeParse(input)
    const problems = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...paymentMethodProblems(pay) }
    if (!parsed.success || Object.keys(problems).length) {
      fail(problems, CHECK_FIELDS)
      return
    }
    busy.current = true
    setSaving(true)
    try {
      onDone(await api<PublicQuoteView>('POST', `/api/signup/${encodeURIComponent(token)}/accept`, parsed.data))
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      if (err instanceof ApiError && err.code === 'payment_declined') {
        // Let them try another card: a fresh tokenizer, no stale token.
        pay.newCard()
        fail(fields, err.message)
      } else fail(fields, Object.keys(fields).length ? CHECK_FIELDS : errorMessage(err))
    } finally {
      busy.current = false
      setSaving(false)
    }
  }

  const pdfHref = `/api/signup/${encodeURIComponent(token)}/pdf`
  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="stack">
      <RevisionFacts revision={view.revision} />
      <p>
        <a href={pdfHref} download>
          Download this quote as a PDF
        </a>
      </p>
      <fieldset className="choose-option" data-field="optionId" aria-describedby={errors.optionId ? 'option-error' : undefined}>
        <legend>1. Choose an option</legend>
        {errors.optionId && <p className="field-error" id="option-error">Option {errors.optionId}</p>}
        <div className="options">
          {options.map((o) => (
            <QuoteOptionCard
              key={o.id}
              option={o}
              count={options.length}
              header={
                <label className="option-choice">
                  <input type="radio" name="optionId" value={o.id} checked={optionId === o.id} onChange={() => setOptionId(o.id)} aria-invalid={errors.optionId ? true : undefined} />
                  <span>{options.length > 1 ? `Option ${o.position}: ${o.name}` : o.name}</span>
                </label>
              }
            />
          ))}
        </div>
      </fieldset>
      <section aria-labelledby="terms-heading">
        <h2 id="terms-heading">2. Read the terms</h2>
        <div className="terms pre" tabIndex={0} aria-label="Terms and conditions">
          {view.revision.termsText || 'No additional terms.'}
        </div>
      </section>
      <fieldset className="stack">
        <legend>3. Payment method on file</legend>
        <PaymentMethodFields state={pay} tokenizerUrl={view.tokenizerUrl} errors={errors} />
      </fieldset>
      <fieldset className="stack">
        <legend>4. Sign</legend>
        <TextField label="Your full name" name="signerName" value={signerName} onChange={setSignerName} errors={errors} autoComplete="name" />
        <CheckboxField
          label={`I have read and agree to the terms above, and I authorize ${view.companyName} to charge my payment method${chosen ? ` ${usd(chosen.totals.perPeriod.totalCents)} ${perPeriodText(chosen)}` : ''} as this quote describes.`}
          name="consent"
          checked={consent}
          onChange={setConsent}
          errors={errors}
          errorText="Please agree to the terms to continue."
        />
        {autoRenewTerms && (
          <div className="auto-renew-terms" data-field="autoRenewConsent">
            <h3 id="auto-renew-heading">Automatic renewal (optional)</h3>
            <p aria-labelledby="auto-renew-heading">
              <strong>{autoRenewTerms}</strong>
            </p>
            <CheckboxField
              label="Yes, renew my agreement automatically on these terms until I cancel."
              name="autoRenewConsent"
              checked={autoRenewConsent}
              onChange={setAutoRenewConsent}
              errors={errors}
            />
          </div>
        )}
      </fieldset>
      {formError && (
        <div className="form-error" role="alert" tabIndex={-1}>
          <p>{formError}</p>
        </div>
      )}
      <button type="submit" className="primary big" disabled={saving} aria-busy={saving || undefined}>
        {saving ? 'Signing up…' : 'Sign and submit'}
      </button>
      <Decline token={token} onDone={onDone} />
    </form>
  )
}

const CHECK_FIELDS = 'Please check the highlighted fields.'

function Decline({ token, onDone }: { token: string; onDone(v: PublicQuoteView): void }) {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  if (!open)
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        Not interested? Decline this quote
      </button>
    )
  const decline = async () => {
    try {
      onDone(await api<PublicQuoteView>('POST', `/api/signup/${encodeURIComponent(token)}/decline`, { reason }))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <div className="stack narrow">
      <TextField label="Reason (optional)" name="reason" value={reason} onChange={setReason} errors={{}} />
      {error && <p className="form-error">{error}</p>}
      <button type="button" onClick={() => void decline()}>
        Decline the quote
      </button>
    </div>
  )
}
