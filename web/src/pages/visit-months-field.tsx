import { Checkbox, Input, SimpleGrid } from '@mantine/core'
import { MONTHS } from '../strings.ts'

/** Twelve checkboxes for the months a plan's visits target (e.g. Apr and Oct tune-ups). */
export function VisitMonthsField({ value, onChange, error }: { value: number[]; onChange(months: number[]): void; error?: string }) {
  const toggle = (month: number, on: boolean) => onChange(on ? [...value, month].sort((a, b) => a - b) : value.filter((m) => m !== month))
  return (
    <fieldset className="months" data-field="visitMonths" aria-describedby={error ? 'visit-months-error' : undefined}>
      <Input.Label component="legend">Visit months</Input.Label>
      <SimpleGrid cols={{ base: 4, xs: 6 }} spacing="xs" verticalSpacing={6} mt={4}>
        {MONTHS.map((label, i) => (
          <Checkbox key={label} label={label} checked={value.includes(i + 1)} onChange={(e) => toggle(i + 1, e.currentTarget.checked)} aria-invalid={error ? true : undefined} />
        ))}
      </SimpleGrid>
      {error && <Input.Error id="visit-months-error" mt={4}>Visit months {error}</Input.Error>}
    </fieldset>
  )
}
