import { useEffect, useRef, useState, type FormEvent } from 'react'
import { AcceptQuoteInput, type PublicQuoteView } from '../../../src/contracts/signup.ts'
import { perPeriodText, quoteLabel, usd } from '../../../src/domain/quote-text.ts'
import { fieldErrors } from '../../../src/contracts/common.ts'
import { api, ApiError, errorMessage, type FieldErrors } from '../api.ts'
import { CheckboxField, SelectField, TextField } from '../fields.tsx'
import { QuoteOptionCard, RevisionFacts } from '../pages/quote-view.tsx'
import { useTokenizer, type CardToken } from '../tokenizer.ts'

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
      .then(setView)
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

type Method = 'card' | 'ach'

function SignupForm({ token, view, onDone }: { token: string; view: PublicQuoteView; onDone(v: PublicQuoteView): void }) {
  const options = view.revision.options
  const [optionId, setOptionId] = useState(options.length === 1 ? options[0].id : '')
  const [signerName, setSignerName] = useState('')
  const [consent, setConsent] = useState(false)
  // Automatic renewal needs its own consent, never ticked for the customer (California BPC §17602).
  const [autoRenewConsent, setAutoRenewConsent] = useState(false)
  const [method, setMethod] = useState<Method>('card')
  const [card, setCard] = useState<CardToken | null>(null)
  const [cardProblem, setCardProblem] = useState<string | null>(null)
  const [frameKey, setFrameKey] = useState(0)
  const [bank, setBank] = useState({ routingNumber: '', accountNumber: '', accountType: 'checking', holderName: '' })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const busy = useRef(false)
  const formRef = useRef<HTMLFormElement>(null)
  const chosen = options.find((o) => o.id === optionId)
  const autoRenewTerms = chosen ? view.autoRenewTerms[chosen.id] : undefined

  useTokenizer(view.tokenizerOrigin, setCard, setCardProblem)

  useEffect(() => {
    if (formError || Object.keys(errors).length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-error')?.focus()
  }, [errors, formError])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (busy.current) return
    const paymentMethod = method === 'card' ? (card ? { kind: 'card', ...card } : undefined) : { kind: 'ach', ...bank }
    const input = { optionId, signerName, consent: consent || undefined, autoRenewConsent: Boolean(autoRenewTerms) && autoRenewConsent, paymentMethod }
    const parsed = AcceptQuoteInput.safeParse(input)
    if (!parsed.success) {
      const f = fieldErrors(parsed.error)
      if (method === 'card' && !card) f.paymentMethod = cardProblem ?? 'is required: enter your card number, expiry and security code'
      setErrors(f)
      setFormError('Please check the highlighted fields.')
      return
    }
    busy.current = true
    setSaving(true)
    try {
      onDone(await api<PublicQuoteView>('POST', `/api/signup/${encodeURIComponent(token)}/accept`, parsed.data))
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors(fields)
      if (err instanceof ApiError && err.code === 'payment_declined') {
        // Let them try another card: a fresh tokenizer, no stale token.
        setCard(null)
        setFrameKey((k) => k + 1)
        setFormError(err.message)
      } else setFormError(Object.keys(fields).length ? 'Please check the highlighted fields.' : errorMessage(err))
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
        <div className="method-choice" role="radiogroup" aria-label="Payment method">
          <label className="inline">
            <input type="radio" name="method" checked={method === 'card'} onChange={() => setMethod('card')} /> Card
          </label>
          <label className="inline">
            <input type="radio" name="method" checked={method === 'ach'} onChange={() => setMethod('ach')} /> Bank account (ACH)
          </label>
        </div>
        {method === 'card' ? (
          <div className={`field${errors.paymentMethod ? ' has-error' : ''}`} data-field="paymentMethod">
            <p className="hint">Your card number goes straight to our payment processor; we never see it.</p>
            <iframe key={frameKey} id="tokenFrame" name="tokenFrame" title="Card details" src={view.tokenizerUrl} className="tokenizer" />
            {card && <p className="ok">Card details received (ending {card.token.slice(-4)}).</p>}
            {cardProblem && <p className="field-error">{cardProblem}</p>}
            {errors.paymentMethod && <p className="field-error" id="payment-error">{errors.paymentMethod}</p>}
          </div>
        ) : (
          <div className="grid" data-field="paymentMethod">
            <TextField label="Account holder name" name="paymentMethod.holderName" value={bank.holderName} onChange={(v) => setBank({ ...bank, holderName: v })} errors={errors} autoComplete="name" />
            <TextField label="Routing number" name="paymentMethod.routingNumber" inputMode="numeric" value={bank.routingNumber} onChange={(v) => setBank({ ...bank, routingNumber: v })} errors={errors} hint="9 digits" />
            <TextField label="Account number" name="paymentMethod.accountNumber" inputMode="numeric" value={bank.accountNumber} onChange={(v) => setBank({ ...bank, accountNumber: v })} errors={errors} autoComplete="off" />
            <SelectField label="Account type" name="paymentMethod.accountType" value={bank.accountType} onChange={(v) => setBank({ ...bank, accountType: v })} errors={errors} options={[{ value: 'checking', label: 'Checking' }, { value: 'savings', label: 'Savings' }]} />
            {errors.paymentMethod && <p className="field-error">{errors.paymentMethod}</p>}
          </div>
        )}
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
