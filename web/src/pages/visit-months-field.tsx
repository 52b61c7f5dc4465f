import { MONTHS } from '../strings.ts'

/** Twelve checkboxes for the months a plan's visits target (e.g. Apr and Oct tune-ups). */
export function VisitMonthsField({ value, onChange, error }: { value: number[]; onChange(months: number[]): void; error?: string }) {
  const toggle = (month: number, on: boolean) => onChange(on ? [...value, month].sort((a, b) => a - b) : value.filter((m) => m !== month))
  return (
    <fieldset className={`field months${error ? ' has-error' : ''}`} data-field="visitMonths" aria-describedby={error ? 'visit-months-error' : undefined}>
      <legend>Visit months</legend>
      <div className="month-boxes">
        {MONTHS.map((label, i) => (
          <label key={label} className="inline">
            <input type="checkbox" checked={value.includes(i + 1)} onChange={(e) => toggle(i + 1, e.target.checked)} aria-invalid={error ? true : undefined} /> {label}
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" id="visit-months-error">
          Visit months {error}
        </p>
      )}
    </fieldset>
  )
}
