import { companyToday } from '../strings.ts'
import { Select, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useEffect, useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { CustomerDto, CustomerSummaryDto } from '../../../src/contracts/customers.ts'
import type { PlanDto } from '../../../src/contracts/plans.ts'
import { MAX_OPTIONS, QuoteInput, type QuoteDto } from '../../../src/contracts/quotes.ts'
import { api, type FieldErrors } from '../api.ts'
import { Field, fieldId, SelectField, TextAreaField, TextField } from '../fields.tsx'
import { FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { centsToDollarText, dollarField, parseTaxRate, taxRateDigits } from '../money.ts'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { Link, navigate, useLocation, withQuery } from '../router.tsx'
import { useLoad } from '../use-load.ts'
import { OptionFields, type OptionDraft } from './quote-option-fields.tsx'

/** What the person typed, as text, until it is converted to the contract's numbers. */
interface QuoteDraft {
  customerId: string
  locationId: string
  title: string
  startDate: string
  expiresOn: string
  taxRate: string
  termsText: string
  options: OptionDraft[]
}

const isoIn = (days: number) => companyToday(days)

const EMPTY_OPTION: OptionDraft = {
  planId: '', name: '', description: '', price: '', isTaxable: false, billingFrequency: 'monthly', interval: '2', term: '12',
  openEnded: false, visits: '0', visitMonths: [], extraLines: [],
}

const emptyDraft = (customerId = ''): QuoteDraft => ({
  customerId, locationId: '', title: '', startDate: isoIn(14), expiresOn: isoIn(30), taxRate: '', termsText: '', options: [{ ...EMPTY_OPTION }],
})

const draftOf = (q: QuoteDto): QuoteDraft => ({
  customerId: q.customerId,
  locationId: q.revision.locationId,
  title: q.revision.title,
  startDate: q.revision.startDate,
  expiresOn: q.revision.expiresOn,
  taxRate: q.revision.taxRatePpm ? taxRateDigits(q.revision.taxRatePpm) : '',
  termsText: q.revision.termsText,
  options: q.revision.options.map((o) => ({
    planId: o.planId ?? '', name: o.name, description: o.description, price: centsToDollarText(o.priceCents), isTaxable: o.isTaxable,
    billingFrequency: o.billingFrequency, interval: String(o.billingIntervalMonths), term: o.termMonths === null ? '' : String(o.termMonths),
    openEnded: o.termMonths === null, visits: String(o.visitsPerTerm), visitMonths: o.visitMonths,
    extraLines: o.extraLines.map((l) => ({ description: l.description, amount: centsToDollarText(l.amountCents), recurring: l.recurring, taxable: l.taxable })),
  })),
})

const wholeNumber = (text: string) => (text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN)

/** Converts the draft to the contract's shape; dollars and percents are parsed as text, exactly. */
function toInput(d: QuoteDraft): { input: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const dollars = (text: string, path: string) => {
    const field = dollarField(text)
    if (field.error) errors[path] = field.error
    return field.cents ?? 0
  }
  const taxRatePpm = d.taxRate.trim() === '' ? 0 : parseTaxRate(d.taxRate)
  if (taxRatePpm === null) errors.taxRatePpm = 'must be a percent from 0 to 100 like 8.875 (at most four decimals)'
  const input = {
    customerId: d.customerId,
    locationId: d.locationId,
    title: d.title,
    startDate: d.startDate,
    expiresOn: d.expiresOn,
    taxRatePpm: taxRatePpm ?? 0,
    termsText: d.termsText,
    options: d.options.map((o, i) => ({
      name: o.name,
      description: o.description,
      planId: o.planId || null,
      priceCents: dollars(o.price, `options.${i}.priceCents`),
      isTaxable: o.isTaxable,
      billingFrequency: o.billingFrequency,
      ...(o.billingFrequency === 'every_n_months' ? { billingIntervalMonths: wholeNumber(o.interval) } : {}),
      termMonths: o.openEnded ? null : wholeNumber(o.term),
      visitsPerTerm: wholeNumber(o.visits) ?? 0,
      visitMonths: o.visitMonths,
      extraLines: o.extraLines.map((l, j) => ({
        description: l.description,
        amountCents: dollars(l.amount, `options.${i}.extraLines.${j}.amountCents`),
        recurring: l.recurring,
        taxable: l.taxable,
      })),
    })),
  }
  return { input, errors }
}

/**
 * Picks a customer from all of them: typing searches the customers list on the server (name, email, phone,
 * address), so the 500th customer is as easy to find as the first.
 */
function CustomerPicker({ value, onChange, errors }: { value: string; onChange(id: string): void; errors: FieldErrors }) {
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search.trim(), 250)
  const chosen = useApiQuery<CustomerDto>(value ? `/api/customers/${encodeURIComponent(value)}` : null)
  // After a choice the box shows the chosen name: that is not a new search.
  const q = chosen.data && debounced === chosen.data.name ? '' : debounced
  const results = useApiQuery<PageOf<CustomerSummaryDto>>(withQuery('/api/customers', { pageSize: 20, q }))
  const found = results.data?.items ?? []
  const details = new Map(found.map((c) => [c.id, [c.city, c.primaryEmail ?? c.primaryPhone].filter(Boolean).join(' · ')]))
  const data = [
    ...(chosen.data && !found.some((c) => c.id === value) ? [{ value, label: chosen.data.name }] : []),
    ...found.map((c) => ({ value: c.id, label: c.name })),
  ]
  const more = results.data && results.data.total > found.length ? results.data.total - found.length : 0
  const error = errors.customerId
  return (
    <Select
      id={fieldId('customerId')}
      data-field="customerId"
      label="Customer"
      placeholder="Type a name, email, phone or address"
      searchable
      clearable
      withAsterisk
      aria-required
      searchValue={search}
      onSearchChange={setSearch}
      // The server has already searched: show its answer as it is.
      filter={({ options }) => options}
      data={data}
      value={value || null}
      onChange={(id) => onChange(id ?? '')}
      renderOption={({ option }) => (
        <div>
          <Text size="sm">{option.label}</Text>
          {details.get(option.value) && (
            <Text size="xs" c="dimmed">
              {details.get(option.value)}
            </Text>
          )}
        </div>
      )}
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No customer matches'}
      description={more > 0 ? `Showing ${found.length} of ${results.data!.total}: type to narrow` : undefined}
      error={error && `Customer ${error}`}
      inputWrapperOrder={['label', 'input', 'description', 'error']}
      maw={480}
    />
  )
}

/** Build or edit a draft quote: customer and location, dates, tax, terms, and up to three options. */
export function QuoteFormPage({ id }: { id?: string }) {
  const { query } = useLocation()
  const existing = useLoad<QuoteDto>(id ? `/api/quotes/${encodeURIComponent(id)}` : null)
  const plans = useLoad<PageOf<PlanDto>>('/api/plans?pageSize=200')
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState<QuoteDraft | null>(id ? null : emptyDraft(query.get('customerId') ?? ''))
  const customer = useLoad<CustomerDto>(draft?.customerId ? `/api/customers/${encodeURIComponent(draft.customerId)}` : null)

  useEffect(() => {
    if (existing.data && !draft) setDraft(draftOf(existing.data))
  }, [existing.data, draft])
  useEffect(() => {
    // One active location: choose it for the person.
    const active = customer.data?.locations.filter((l) => !l.archivedAt) ?? []
    if (draft && customer.data?.id === draft.customerId && !draft.locationId && active.length === 1) setDraft({ ...draft, locationId: active[0].id })
  }, [customer.data, draft])

  if (!draft) return <Page title="Quote"><LoadState loading={existing.loading} error={existing.error} /></Page>
  if (existing.data && existing.data.status !== 'draft')
    return (
      <Page title="Edit quote">
        <p>This quote has been sent, so it cannot be edited. <Link to={`/quotes/${existing.data.id}`}>Open it</Link> and start a new revision instead.</p>
      </Page>
    )
  const e = form.errors
  const set = <K extends keyof QuoteDraft>(key: K) => (value: QuoteDraft[K]) => setDraft({ ...draft, [key]: value })
  const setOption = (i: number, o: OptionDraft) => setDraft({ ...draft, options: draft.options.map((x, k) => (k === i ? o : x)) })
  const usePlan = (i: number, plan: PlanDto) => {
    const o: OptionDraft = {
      ...draft.options[i], planId: plan.id, name: plan.name, description: plan.description, price: centsToDollarText(plan.priceCents),
      isTaxable: plan.isTaxable, billingFrequency: plan.billingFrequency, interval: String(plan.billingIntervalMonths),
      term: plan.termMonths === null ? '' : String(plan.termMonths), openEnded: plan.termMonths === null, visits: String(plan.visitsPerTerm), visitMonths: plan.visitMonths,
    }
    setDraft({
      ...draft,
      options: draft.options.map((x, k) => (k === i ? o : x)),
      termsText: draft.termsText || plan.termsText,
      taxRate: draft.taxRate || (plan.isTaxable ? taxRateDigits(plan.taxRatePpm) : ''),
    })
  }

  const submit = async () => {
    const { input: raw, errors } = toInput(draft)
    const input = form.validate(QuoteInput, raw, errors)
    if (!input) return
    await form.save(
      () => (id ? api<QuoteDto>('PUT', `/api/quotes/${encodeURIComponent(id)}`, input) : api<QuoteDto>('POST', '/api/quotes', input)),
      (saved) => {
        notice(`Quote saved as a draft.`)
        navigate(`/quotes/${saved.id}`)
      },
    )
  }

  const locations = (customer.data?.locations ?? []).filter((l) => !l.archivedAt || l.id === draft.locationId)
  return (
    <Page title={id ? 'Edit quote' : 'New quote'}>
      <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack">
        <FormErrors message={form.formError} orphans={form.orphans} />
        {id ? (
          <p>
            Customer: <strong>{existing.data?.customerName}</strong>
          </p>
        ) : (
          <CustomerPicker value={draft.customerId} onChange={(v) => setDraft({ ...draft, customerId: v, locationId: '' })} errors={e} />
        )}
        <div className="grid">
          <SelectField
            label="Service location"
            name="locationId"
            value={draft.locationId}
            onChange={set('locationId')}
            errors={e}
            options={[{ value: '', label: draft.customerId ? 'Choose a location…' : 'Choose a customer first' }, ...locations.map((l) => ({ value: l.id, label: [l.label, l.line1, l.city].filter(Boolean).join(', ') }))]}
          />
          <TextField label="Title" name="title" value={draft.title} onChange={set('title')} errors={e} hint="e.g. HVAC maintenance" />
          <Field label="Start date" name="startDate" errors={e}>
            {(c) => <input {...c} type="date" value={draft.startDate} onChange={(ev) => set('startDate')(ev.target.value)} />}
          </Field>
          <Field label="Offer expires on" name="expiresOn" errors={e}>
            {(c) => <input {...c} type="date" value={draft.expiresOn} onChange={(ev) => set('expiresOn')(ev.target.value)} />}
          </Field>
          <TextField label="Tax rate (%)" name="taxRatePpm" inputMode="decimal" hint="on taxable items, e.g. 8.875" value={draft.taxRate} onChange={set('taxRate')} errors={e} />
        </div>
        {plans.error && <p className="form-error">{plans.error}</p>}
        {draft.options.map((o, i) => (
          <OptionFields
            key={i}
            index={i}
            option={o}
            plans={(plans.data?.items ?? []).filter((pl) => !pl.archivedAt)}
            errors={e}
            onChange={(next) => setOption(i, next)}
            onPlan={(plan) => usePlan(i, plan)}
            taxRate={draft.taxRate}
            {...(draft.options.length > 1 ? { onRemove: () => setDraft({ ...draft, options: draft.options.filter((_, k) => k !== i) }) } : {})}
          />
        ))}
        {draft.options.length < MAX_OPTIONS && (
          <button type="button" onClick={() => setDraft({ ...draft, options: [...draft.options, { ...EMPTY_OPTION }] })}>
            Add option
          </button>
        )}
        <TextAreaField label="Terms and conditions" name="termsText" rows={6} value={draft.termsText} onChange={set('termsText')} errors={e} />
        <div className="form-actions">
          <SubmitButton saving={form.saving}>Save draft</SubmitButton>
          <Link to={id ? `/quotes/${id}` : '/quotes'}>Cancel</Link>
        </div>
      </form>
    </Page>
  )
}
