import { Anchor, Button } from '@mantine/core'
import { useEffect, useState } from 'react'
import { BILLING_FREQUENCIES, PlanInput, type BillingFrequency, type PlanDto } from '../../../src/contracts/plans.ts'
import { api, errorMessage, type FieldErrors } from '../api.ts'
import { ConfirmButton } from '../confirm-button.tsx'
import { CheckboxField, SelectField, TextAreaField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { centsToDollarText, dollarField, parseTaxRate, taxRateDigits } from '../money.ts'
import { useNotice } from '../notice.tsx'
import { ErrorNote, LoadState, Page } from '../page.tsx'
import { Link, navigate } from '../router.tsx'
import { FREQUENCY_LABELS } from '../strings.ts'
import { useLoad } from '../use-load.ts'
import { VisitMonthsField } from './visit-months-field.tsx'
import { draftOfChange, priceChangeOf, PriceChangeField, type PriceChangeDraft } from '../price-change-field.tsx'

/** What the person typed, as text, until it is converted to the contract's numbers. */
interface PlanDraft {
  name: string
  description: string
  price: string
  billingFrequency: BillingFrequency
  interval: string
  term: string
  openEnded: boolean
  visits: string
  visitMonths: number[]
  termsText: string
  isTaxable: boolean
  taxRate: string
  autoRenew: boolean
  renewalChange: PriceChangeDraft
}

const EMPTY: PlanDraft = {
  name: '', description: '', price: '', billingFrequency: 'monthly', interval: '2', term: '12', openEnded: false,
  visits: '0', visitMonths: [], termsText: '', isTaxable: false, taxRate: '', autoRenew: false, renewalChange: { kind: 'none', value: '' },
}

const draftOf = (p: PlanDto): PlanDraft => ({
  name: p.name, description: p.description, price: centsToDollarText(p.priceCents), billingFrequency: p.billingFrequency,
  interval: String(p.billingIntervalMonths), term: p.termMonths === null ? '' : String(p.termMonths), openEnded: p.termMonths === null,
  visits: String(p.visitsPerTerm), visitMonths: p.visitMonths, termsText: p.termsText, isTaxable: p.isTaxable,
  taxRate: p.isTaxable ? taxRateDigits(p.taxRatePpm) : '',
  autoRenew: p.autoRenew, renewalChange: draftOfChange(p.renewalChange),
})

/** '' → undefined (required error), digits → number, anything else → NaN (type error). */
const wholeNumber = (text: string) => (text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN)

/** Converts the draft to the contract's shape; dollars and percents are parsed as text, exactly. */
function toInput(d: PlanDraft): { input: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const price = dollarField(d.price)
  if (price.error) errors.priceCents = price.error
  const priceCents = price.cents
  const taxRatePpm = d.isTaxable && d.taxRate.trim() !== '' ? parseTaxRate(d.taxRate) : 0
  if (taxRatePpm === null) errors.taxRatePpm = 'must be a percent from 0 to 100 like 8.875 (at most four decimals)'
  const change = priceChangeOf(d.renewalChange)
  if (change.error) errors.renewalChange = change.error
  const input = {
    name: d.name,
    description: d.description,
    // A stand-in 0 when the text is not a price, so the plan-wide rules still report on other fields.
    priceCents: priceCents ?? 0,
    billingFrequency: d.billingFrequency,
    ...(d.billingFrequency === 'every_n_months' ? { billingIntervalMonths: wholeNumber(d.interval) } : {}),
    termMonths: d.openEnded ? null : wholeNumber(d.term),
    visitsPerTerm: wholeNumber(d.visits) ?? 0,
    visitMonths: d.visitMonths,
    termsText: d.termsText,
    isTaxable: d.isTaxable,
    taxRatePpm: taxRatePpm ?? 0,
    autoRenew: d.autoRenew,
    renewalChange: change.change ?? { kind: 'none' },
  }
  return { input, errors }
}

/** Create or edit an agreement plan template; editing also offers archive/restore. */
export function PlanFormPage({ id }: { id?: string }) {
  const path = id ? `/api/plans/${encodeURIComponent(id)}` : null
  const existing = useLoad<PlanDto>(path)
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState<PlanDraft | null>(id ? null : EMPTY)
  const [actionError, setActionError] = useState<string | null>(null)

  useEffect(() => {
    if (existing.data && !draft) setDraft(draftOf(existing.data))
  }, [existing.data, draft])

  if (!draft) return <Page title="Plan"><LoadState loading={existing.loading} error={existing.error} /></Page>
  const set = <K extends keyof PlanDraft>(key: K) => (value: PlanDraft[K]) => setDraft({ ...draft, [key]: value })
  const e = form.errors

  const submit = async () => {
    const { input: raw, errors } = toInput(draft)
    const input = form.validate(PlanInput, raw, errors)
    if (!input) return
    await form.save(
      () => (path ? api<PlanDto>('PUT', path, input) : api<PlanDto>('POST', '/api/plans', input)),
      (saved) => {
        notice(`Plan ${saved.name} saved.`)
        navigate('/plans')
      },
    )
  }

  const setArchived = async (archived: boolean) => {
    setActionError(null)
    try {
      const saved = await api<PlanDto>('POST', `${path}/archive`, { archived })
      notice(archived ? `Plan ${saved.name} archived.` : `Plan ${saved.name} restored.`)
      navigate('/plans')
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }

  const archiveAction = existing.data && (existing.data.archivedAt ? (
    <Button variant="default" onClick={() => void setArchived(false)}>Restore plan</Button>
  ) : (
    <ConfirmButton label="Archive plan" question={`Archive ${existing.data.name}? It will no longer be offered for new quotes.`} confirmLabel="Yes, archive" danger onConfirm={() => setArchived(true)} />
  ))

  return (
    <Page title={id ? `Edit plan ${existing.data?.name ?? ''}` : 'New plan'} actions={archiveAction}>
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack">
        <FormErrors message={form.formError} orphans={form.orphans} />
        <div className="grid">
          <TextField label="Plan name" name="name" required value={draft.name} onChange={set('name')} errors={e} />
          <TextField label="Price (dollars per bill)" name="priceCents" required inputMode="decimal" hint="e.g. 129.00" value={draft.price} onChange={set('price')} errors={e} />
        </div>
        <TextAreaField label="Description" name="description" value={draft.description} onChange={set('description')} errors={e} />
        <div className="grid">
          <SelectField label="Billing frequency" name="billingFrequency" value={draft.billingFrequency} onChange={(v) => set('billingFrequency')(v as BillingFrequency)} errors={e} options={BILLING_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))} />
          {draft.billingFrequency === 'every_n_months' && (
            <TextField label="Bill every (months)" name="billingIntervalMonths" inputMode="numeric" value={draft.interval} onChange={set('interval')} errors={e} />
          )}
          <TextField label="Term (months)" name="termMonths" inputMode="numeric" disabled={draft.openEnded} value={draft.openEnded ? '' : draft.term} onChange={set('term')} errors={e} />
          <CheckboxField label="Open-ended (no end date)" name="openEnded" checked={draft.openEnded} onChange={set('openEnded')} errors={e} />
        </div>
        <div className="grid">
          <TextField label="Visits per term" name="visitsPerTerm" inputMode="numeric" value={draft.visits} onChange={set('visits')} errors={e} />
          <VisitMonthsField value={draft.visitMonths} onChange={set('visitMonths')} error={e.visitMonths} />
        </div>
        <TextAreaField label="Terms and conditions" name="termsText" rows={6} value={draft.termsText} onChange={set('termsText')} errors={e} />
        <div className="grid">
          <CheckboxField label="Taxable" name="isTaxable" checked={draft.isTaxable} onChange={set('isTaxable')} errors={e} />
          {draft.isTaxable && <TextField label="Tax rate (%)" name="taxRatePpm" inputMode="decimal" hint="e.g. 8.875" value={draft.taxRate} onChange={set('taxRate')} errors={e} />}
        </div>
        <fieldset className="stack">
          <legend>Renewal</legend>
          <CheckboxField
            label="Offer automatic renewal (the customer agrees to it separately at sign-up and can turn it off online)"
            name="autoRenew"
            checked={draft.autoRenew}
            onChange={set('autoRenew')}
            errors={e}
          />
          <PriceChangeField name="renewalChange" label="Price of the next term" value={draft.renewalChange} onChange={set('renewalChange')} errors={e} />
        </fieldset>
        <FormActions>
          <SubmitButton saving={form.saving}>{id ? 'Save plan' : 'Create plan'}</SubmitButton>
          <Anchor component={Link} to="/plans">
            Cancel
          </Anchor>
        </FormActions>
      </form>
    </Page>
  )
}
