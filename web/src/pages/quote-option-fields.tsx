import type { BillingFrequency, PlanDto } from '../../../src/contracts/plans.ts'
import { BILLING_FREQUENCIES, FREQUENCY_MONTHS } from '../../../src/contracts/plans.ts'
import { optionTotals } from '../../../src/domain/quote-pricing.ts'
import { perPeriodText, usd } from '../../../src/domain/quote-text.ts'
import type { FieldErrors } from '../api.ts'
import { CheckboxField, SelectField, TextAreaField, TextField } from '../fields.tsx'
import { parseDollars, parseTaxRate } from '../money.ts'
import { FREQUENCY_LABELS, MONTHS } from '../strings.ts'

/** What the person typed, as text, until it is converted to the contract's numbers. */
export interface LineDraft {
  description: string
  amount: string
  recurring: boolean
  taxable: boolean
}

export interface OptionDraft {
  planId: string
  name: string
  description: string
  price: string
  isTaxable: boolean
  billingFrequency: BillingFrequency
  interval: string
  term: string
  openEnded: boolean
  visits: string
  visitMonths: number[]
  extraLines: LineDraft[]
}

function MonthBoxes({ name, value, onChange, error }: { name: string; value: number[]; onChange(v: number[]): void; error?: string }) {
  const toggle = (month: number, on: boolean) => onChange(on ? [...value, month].sort((a, b) => a - b) : value.filter((m) => m !== month))
  return (
    <fieldset className={`field months${error ? ' has-error' : ''}`} data-field={name}>
      <legend>Visit months</legend>
      <div className="month-boxes">
        {MONTHS.map((label, i) => (
          <label key={label} className="inline">
            <input type="checkbox" checked={value.includes(i + 1)} onChange={(e) => toggle(i + 1, e.target.checked)} aria-invalid={error ? true : undefined} /> {label}
          </label>
        ))}
      </div>
      {error && <p className="field-error">Visit months {error}</p>}
    </fieldset>
  )
}

/** Live totals for an option as typed; nothing when a number is not readable yet. */
function OptionPreview({ option: o, taxRate }: { option: OptionDraft; taxRate: string }) {
  const price = parseDollars(o.price)
  const rate = taxRate.trim() === '' ? 0 : parseTaxRate(taxRate)
  const lines = o.extraLines.map((l) => ({ ...l, amountCents: parseDollars(l.amount) }))
  const interval = o.billingFrequency === 'every_n_months' ? Number(o.interval) : FREQUENCY_MONTHS[o.billingFrequency]
  const term = o.openEnded ? null : Number(o.term)
  if (price === null || rate === null || lines.some((l) => l.amountCents === null) || !(interval >= 1) || (term !== null && !(term >= 1))) return null
  const t = optionTotals({ name: o.name, priceCents: price, isTaxable: o.isTaxable, billingIntervalMonths: interval, termMonths: term, extraLines: lines.map((l) => ({ ...l, amountCents: l.amountCents! })) }, rate)
  const per = perPeriodText({ billingFrequency: o.billingFrequency, billingIntervalMonths: interval })
  return (
    <p className="preview" aria-live="polite">
      Each bill <strong>{usd(t.perPeriod.totalCents)}</strong> {per}
      {t.firstPeriod.totalCents !== t.perPeriod.totalCents && <> · first bill {usd(t.firstPeriod.totalCents)}</>} ·{' '}
      {t.perTermCents === null ? 'open-ended' : <>term total {usd(t.perTermCents)}</>}
    </p>
  )
}

interface OptionFieldsProps {
  index: number
  option: OptionDraft
  plans: PlanDto[]
  errors: FieldErrors
  onChange(o: OptionDraft): void
  onRemove?: () => void
  onPlan(plan: PlanDto): void
  taxRate: string
}

export function OptionFields({ index, option: o, plans, errors: e, onChange, onRemove, onPlan, taxRate }: OptionFieldsProps) {
  const p = `options.${index}`
  const set = <K extends keyof OptionDraft>(key: K) => (value: OptionDraft[K]) => onChange({ ...o, [key]: value })
  const setLine = (j: number, line: LineDraft) => set('extraLines')(o.extraLines.map((l, k) => (k === j ? line : l)))
  return (
    <fieldset className="stack" aria-label={`Option ${index + 1}`}>
      <legend>Option {index + 1}</legend>
      <div className="grid">
        <SelectField
          label="Start from plan"
          name={`${p}.planId`}
          value={o.planId}
          errors={e}
          options={[{ value: '', label: 'Ad hoc (no plan)' }, ...plans.map((x) => ({ value: x.id, label: x.name }))]}
          onChange={(id) => {
            const plan = plans.find((x) => x.id === id)
            if (plan) onPlan(plan)
            else set('planId')('')
          }}
        />
        <TextField label="Option name" name={`${p}.name`} required value={o.name} onChange={set('name')} errors={e} />
        <TextField label="Price per bill (dollars)" name={`${p}.priceCents`} inputMode="decimal" hint="e.g. 29.99" value={o.price} onChange={set('price')} errors={e} />
        <CheckboxField label="Price is taxable" name={`${p}.isTaxable`} checked={o.isTaxable} onChange={set('isTaxable')} errors={e} />
      </div>
      <TextAreaField label="Option description" name={`${p}.description`} rows={2} value={o.description} onChange={set('description')} errors={e} />
      <div className="grid">
        <SelectField label="Billing frequency" name={`${p}.billingFrequency`} value={o.billingFrequency} onChange={(v) => set('billingFrequency')(v as BillingFrequency)} errors={e} options={BILLING_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))} />
        {o.billingFrequency === 'every_n_months' && <TextField label="Bill every (months)" name={`${p}.billingIntervalMonths`} inputMode="numeric" value={o.interval} onChange={set('interval')} errors={e} />}
        <TextField label="Term (months)" name={`${p}.termMonths`} inputMode="numeric" disabled={o.openEnded} value={o.openEnded ? '' : o.term} onChange={set('term')} errors={e} />
        <CheckboxField label="No end date" name={`${p}.openEnded`} checked={o.openEnded} onChange={set('openEnded')} errors={e} />
        <TextField label="Visits per term" name={`${p}.visitsPerTerm`} inputMode="numeric" value={o.visits} onChange={set('visits')} errors={e} />
      </div>
      <MonthBoxes name={`${p}.visitMonths`} value={o.visitMonths} onChange={set('visitMonths')} error={e[`${p}.visitMonths`]} />
      <div className="row-group" data-field={`${p}.extraLines`}>
        <strong>Extra line items</strong>
        {o.extraLines.map((l, j) => (
          <div className="grid line-row" key={j}>
            <TextField label="Item" name={`${p}.extraLines.${j}.description`} value={l.description} onChange={(v) => setLine(j, { ...l, description: v })} errors={e} />
            <TextField label="Amount (dollars)" name={`${p}.extraLines.${j}.amountCents`} inputMode="decimal" value={l.amount} onChange={(v) => setLine(j, { ...l, amount: v })} errors={e} />
            <SelectField label="Billed" name={`${p}.extraLines.${j}.recurring`} value={l.recurring ? 'recurring' : 'once'} onChange={(v) => setLine(j, { ...l, recurring: v === 'recurring' })} errors={e} options={[{ value: 'recurring', label: 'Every bill' }, { value: 'once', label: 'Once (first bill)' }]} />
            <CheckboxField label="Taxable" name={`${p}.extraLines.${j}.taxable`} checked={l.taxable} onChange={(v) => setLine(j, { ...l, taxable: v })} errors={e} />
            <button type="button" className="link-button" onClick={() => set('extraLines')(o.extraLines.filter((_, k) => k !== j))}>
              Remove item
            </button>
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => set('extraLines')([...o.extraLines, { description: '', amount: '', recurring: false, taxable: false }])}>
          Add line item
        </button>
      </div>
      <OptionPreview option={o} taxRate={taxRate} />
      {onRemove && (
        <button type="button" className="link-button" onClick={onRemove}>
          Remove option {index + 1}
        </button>
      )}
    </fieldset>
  )
}

