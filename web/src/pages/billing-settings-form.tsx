import { useEffect, useState, type FormEvent } from 'react'
import { MAX_BILL_AHEAD_DAYS, type BillingSettingsDto } from '../../../src/contracts/billing.ts'
import { api, errorMessage } from '../api.ts'
import { useNotice } from '../notice.tsx'
import { LoadState } from '../page.tsx'
import { useSession } from '../session.tsx'
import { useLoad } from '../use-load.ts'

/** The billing rules; admins change them, office staff see them. */
export function BillingSettingsForm() {
  const { user } = useSession()
  const loaded = useLoad<BillingSettingsDto>('/api/billing/settings')
  const notice = useNotice()
  const [draft, setDraft] = useState<{ suspend: boolean; email: boolean; days: string; soon: string; concurrency: string; auto: boolean; autoTime: string; ahead: string } | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState<string | null>(null)
  useEffect(() => {
    const d = loaded.data
    if (d) setDraft({ suspend: d.suspendOnFailure, email: d.emailOnFailure, days: d.retryDays.join(', '), soon: String(d.maxSoonRetries), concurrency: String(d.concurrency), auto: d.autoBill, autoTime: d.autoBillTime, ahead: String(d.billAheadDays) })
  }, [loaded.data])
  if (!draft) return <LoadState loading={loaded.loading} error={loaded.error} />
  const admin = user?.role === 'admin'
  const save = async (e: FormEvent) => {
    e.preventDefault()
    setErrors({})
    setFormError(null)
    const days = draft.days.split(',').map((x) => x.trim()).filter(Boolean)
    if (days.some((x) => !/^\d+$/.test(x))) return setErrors({ retryDays: 'must be whole days separated by commas, e.g. 3, 7' })
    if (!/^\d+$/.test(draft.ahead.trim())) return setErrors({ billAheadDays: `must be a whole number of days, 0 to ${MAX_BILL_AHEAD_DAYS}` })
    try {
      await api('PUT', '/api/billing/settings', {
        suspendOnFailure: draft.suspend,
        emailOnFailure: draft.email,
        retryDays: days.map(Number),
        maxSoonRetries: Number(draft.soon),
        concurrency: Number(draft.concurrency),
        autoBill: draft.auto,
        autoBillTime: draft.autoTime,
        billAheadDays: Number(draft.ahead),
      })
      notice('Billing settings saved.')
      loaded.reload()
    } catch (err) {
      const fields = (err as { fields?: Record<string, string> }).fields ?? {}
      if (Object.keys(fields).length) setErrors(fields)
      else setFormError(errorMessage(err))
    }
  }
  const errText = (name: string) => errors[name] ?? Object.entries(errors).find(([k]) => k.startsWith(`${name}.`))?.[1]
  const err = (name: string) => {
    const text = errText(name)
    return text ? (
      <span className="field-error" id={`${name}-error`}>
        {text}
      </span>
    ) : null
  }
  return (
    <section aria-labelledby="billing-settings-heading">
      <h2 id="billing-settings-heading">Billing settings</h2>
      {!admin && <p className="muted">Only an admin can change these.</p>}
      <form className="billing-settings" onSubmit={(e) => void save(e)} noValidate>
        <fieldset disabled={!admin}>
          <label className="check">
            <input type="checkbox" checked={draft.auto} onChange={(e) => setDraft({ ...draft, auto: e.target.checked })} /> Bill all automatically every day (due periods and scheduled retries; the office is notified of each run)
          </label>
          <label>
            At (company time zone){' '}
            <input type="time" value={draft.autoTime} onChange={(e) => setDraft({ ...draft, autoTime: e.target.value })} aria-invalid={err('autoBillTime') ? true : undefined} aria-describedby="autoBillTime-error" />
          </label>
          {err('autoBillTime')}
          <label>
            Bill periods up to this many days before they start (0: through today; at most {MAX_BILL_AHEAD_DAYS}){' '}
            <input type="number" min={0} max={MAX_BILL_AHEAD_DAYS} value={draft.ahead} onChange={(e) => setDraft({ ...draft, ahead: e.target.value })} aria-invalid={err('billAheadDays') ? true : undefined} aria-describedby="billAheadDays-error" />
          </label>
          {err('billAheadDays')}
          <label className="check">
            <input type="checkbox" checked={draft.suspend} onChange={(e) => setDraft({ ...draft, suspend: e.target.checked })} /> Suspend the agreement and its work orders when a payment fails
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.checked })} /> Email the customer a link to update their payment details when a payment fails
          </label>
          <label>
            Retry declines after (days from the first failure){' '}
            <input value={draft.days} onChange={(e) => setDraft({ ...draft, days: e.target.value })} aria-invalid={err('retryDays') ? true : undefined} aria-describedby="retryDays-error" />
          </label>
          {err('retryDays')}
          <label>
            Retries after gateway errors{' '}
            <input type="number" value={draft.soon} onChange={(e) => setDraft({ ...draft, soon: e.target.value })} aria-invalid={err('maxSoonRetries') ? true : undefined} aria-describedby="maxSoonRetries-error" />
          </label>
          {err('maxSoonRetries')}
          <label>
            Charges at once during a run{' '}
            <input type="number" value={draft.concurrency} onChange={(e) => setDraft({ ...draft, concurrency: e.target.value })} aria-invalid={err('concurrency') ? true : undefined} aria-describedby="concurrency-error" />
          </label>
          {err('concurrency')}
          {formError && (
            <p className="form-error" role="alert">
              {formError}
            </p>
          )}
          {admin && <button type="submit">Save billing settings</button>}
        </fieldset>
      </form>
    </section>
  )
}
