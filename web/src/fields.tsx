import type { ReactNode } from 'react'
import type { FieldErrors } from './api.ts'

/** Labelled form controls with hints and inline errors keyed by the API's field paths. */

/** Element id for a field path; dots are fine in ids but awkward in CSS selectors. */
export const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`

export interface ControlProps {
  id: string
  name: string
  'data-field': string
  'aria-invalid': true | undefined
  'aria-describedby': string | undefined
}

interface FieldProps {
  label: string
  name: string
  errors: FieldErrors
  hint?: string
  className?: string
  children: (control: ControlProps) => ReactNode
}

/** A labelled control with its hint and inline error, tied together for screen readers. */
export function Field({ label, name, errors, hint, className, children }: FieldProps) {
  const id = fieldId(name)
  const error = errors[name]
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'data-field': name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {label} {error}
        </p>
      )}
    </div>
  )
}

interface TextFieldProps {
  label: string
  name: string
  value: string
  onChange(value: string): void
  errors: FieldErrors
  type?: 'text' | 'email' | 'tel' | 'password' | 'number' | 'search' | 'date'
  hint?: string
  required?: boolean
  autoComplete?: string
  disabled?: boolean
  inputMode?: 'numeric' | 'decimal' | 'text'
  className?: string
}

export function TextField({ label, value, onChange, type = 'text', required, autoComplete, disabled, inputMode, ...field }: TextFieldProps) {
  return (
    <Field label={label} {...field}>
      {(control) => (
        <input
          {...control}
          type={type}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-required={required || undefined}
          autoComplete={autoComplete}
          disabled={disabled}
          inputMode={inputMode}
        />
      )}
    </Field>
  )
}

export function TextAreaField({ label, value, onChange, rows = 3, ...field }: Omit<TextFieldProps, 'type'> & { rows?: number }) {
  return <Field label={label} {...field}>{(control) => <textarea {...control} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} />}</Field>
}

interface SelectFieldProps extends Omit<TextFieldProps, 'type'> {
  options: readonly { value: string; label: string }[]
}

export function SelectField({ label, value, onChange, options, disabled, ...field }: SelectFieldProps) {
  return (
    <Field label={label} {...field}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

interface CheckboxFieldProps {
  label: string
  name: string
  checked: boolean
  onChange(checked: boolean): void
  errors: FieldErrors
  disabled?: boolean
}

/** A checkbox with its label after it. */
export function CheckboxField({ label, name, checked, onChange, errors, disabled }: CheckboxFieldProps) {
  const id = fieldId(name)
  const error = errors[name]
  return (
    <div className={`field checkbox${error ? ' has-error' : ''}`}>
      <input
        id={id}
        name={name}
        type="checkbox"
        data-field={name}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {label} {error}
        </p>
      )}
    </div>
  )
}
