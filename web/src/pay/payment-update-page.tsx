import { useEffect, useState, type FormEvent } from 'react'
import { api, errorMessage } from '../api.ts'
import { formatUsd } from '../money.ts'
import { TextField } from '../fields.tsx'
import { useTokenizer, type CardToken } from '../tokenizer.ts'

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
 * The customer's page to verify or update their card after a failed payment (/pay/<token>).
 * The card number goes into the gateway's iFrame tokenizer; we only receive its token. Saving
 * puts the card on file and charges what is owed at once.
 */
export function PaymentUpdatePage({ token }: { token: string }) {
  const [view, setView] = useState<PaymentUpdateView | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [card, setCard] = useState<CardToken | null>(null)
  const [cardProblem, setCardProblem] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [result, setResult] = useState<{ paid: boolean; message: string } | null>(null)
  const [formError, setFormError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [frameKey, setFrameKey] = useState(0)

  useEffect(() => {
    api<PaymentUpdateView>('GET', `/api/pay/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((err: unknown) => setFailure(errorMessage(err)))
  }, [token])

  useTokenizer(view?.tokenizerOrigin ?? null, setCard, setCardProblem)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (saving) return
    if (!card) {
      setCardProblem('Enter the card number and expiry date.')
      return
    }
    setSaving(true)
    setFormError(null)
    try {
      setResult(await api<{ paid: boolean; message: string }>('POST', `/api/pay/${encodeURIComponent(token)}`, { token: card.token, expiry: card.expiry, name }))
    } catch (err) {
      setFormError(errorMessage(err))
      setCard(null)
      setFrameKey((k) => k + 1)
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
        <form onSubmit={(e) => void submit(e)} noValidate className="stack" aria-label="New card">
          <p>
            Hello {view.customerName}. We could not collect {owed} for invoice {view.invoiceNumber} ({view.agreementName})
            {view.reason ? `: ${view.reason}` : ''}. Enter a card below; we will charge it right away and use it for your agreement from now on.
          </p>
          <fieldset className="stack">
            <legend>Card on file</legend>
            <TextField label="Name on the card" name="name" value={name} onChange={setName} errors={{}} autoComplete="cc-name" />
            <div className="field" data-field="token">
              <p className="hint">Your card number goes straight to our payment processor; we never see it.</p>
              <iframe key={frameKey} title="Card details" src={view.tokenizerUrl} className="tokenizer" />
              {card && <p className="ok" role="status">Card details received (ending {card.token.slice(-4)})</p>}
              {cardProblem && (
                <p className="field-error" role="alert">
                  {cardProblem}
                </p>
              )}
            </div>
          </fieldset>
          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}
          <button type="submit" className="primary big" disabled={saving}>
            {saving ? 'Saving…' : `Save card and pay ${owed}`}
          </button>
        </form>
      )}
    </main>
  )
}
