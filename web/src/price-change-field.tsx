import { Group, NativeSelect, TextInput } from '@mantine/core'
import type { PriceChange } from '../../src/domain/renewal-terms.ts'
import type { FieldErrors } from './api.ts'
import { centsToDollarText, parseDollars } from './money.ts'

/**
 * A renewal's price change as a person writes it: the same price, a percent ("5" or "-2.5"), an
 * amount per bill in dollars ("10.00" or "-3.50"), or the plan's price at renewal. Text until
 * submitted; `priceChangeOf` turns it into the contract's shape (basis points, cents) without float
 * arithmetic, or names what is wrong.
 */
export interface PriceChangeDraft {
  kind: PriceChange['kind']
  value: string
}

export const draftOfChange = (c: PriceChange): PriceChangeDraft => ({
  kind: c.kind,
  value: c.kind === 'percent' ? percentText(c.basisPoints) : c.kind === 'amount' ? centsToDollarText(c.amountCents) : '',
})

function percentText(bp: number): string {
  const sign = bp < 0 ? '-' : ''
  const abs = Math.abs(bp)
  const frac = String(abs % 100).padStart(2, '0').replace(/0+$/, '')
  return `${sign}${Math.trunc(abs / 100)}${frac ? `.${frac}` : ''}`
}

/** The contract's price change, or the reason the value is not one. */
export function priceChangeOf(d: PriceChangeDraft): { change: PriceChange; error: null } | { change: null; error: string } {
  if (d.kind === 'none' || d.kind === 'plan_price') return { change: { kind: d.kind }, error: null }
  const text = d.value.trim().replace(/%$/, '')
  const negative = text.startsWith('-')
  const digits = text.replace(/^[-+]/, '')
  if (d.kind === 'percent') {
    const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(digits)
    if (!m) return { change: null, error: 'must be a percent like 5 or 2.5 (minus for a decrease)' }
    const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
    return { change: { kind: 'percent', basisPoints: negative ? -bp : bp }, error: null }
  }
  const cents = parseDollars(digits)
  if (cents === null) return { change: null, error: 'must be a dollar amount like 10.00 (minus for a decrease)' }
  return { change: { kind: 'amount', amountCents: negative ? -cents : cents }, error: null }
}

const LABELS: Record<PriceChange['kind'], string> = {
  none: 'Same price',
  percent: 'Change by a percent',
  amount: 'Change by an amount per bill',
  plan_price: "The plan's price at renewal",
}

/** The select and, for a percent or an amount, its value; `name` is the API field path (`renewalChange`, `priceChange`). */
export function PriceChangeField({ name, label, value, onChange, errors }: { name: string; label: string; value: PriceChangeDraft; onChange(v: PriceChangeDraft): void; errors: FieldErrors }) {
  const error = errors[name] ?? errors[`${name}.basisPoints`] ?? errors[`${name}.amountCents`]
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <NativeSelect
        id={`f-${name}-kind`}
        label={label}
        value={value.kind}
        onChange={(e) => onChange({ kind: e.currentTarget.value as PriceChange['kind'], value: '' })}
        data={(Object.keys(LABELS) as PriceChange['kind'][]).map((k) => ({ value: k, label: LABELS[k] }))}
      />
      {(value.kind === 'percent' || value.kind === 'amount') && (
        <TextInput
          id={`f-${name}`}
          name={name}
          data-field={name}
          label={value.kind === 'percent' ? 'Percent' : 'Dollars per bill'}
          inputMode="decimal"
          description={value.kind === 'percent' ? 'e.g. 5 for +5%, -2.5 for -2.5%' : 'e.g. 10.00, or -3.50 for less'}
          value={value.value}
          onChange={(e) => onChange({ ...value, value: e.currentTarget.value })}
          error={error ? `${value.kind === 'percent' ? 'Percent' : 'Amount'} ${error}` : undefined}
          aria-invalid={error ? true : undefined}
          w="12rem"
        />
      )}
    </Group>
  )
}
