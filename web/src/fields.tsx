import { Checkbox, Input, NativeSelect, Textarea, TextInput } from '@mantine/core'
import type { ReactNode } from 'react'
import type { FieldErrors } from './api.ts'

/**
 * Labelled form controls (Mantine inputs) with hints, a mark on required fields and inline errors keyed by
 * the API's field paths. An error names its field ("ZIP code must be 5 digits"), so it reads on its own.
 */

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
  required?: boolean
  className?: string
  children: (control: ControlProps) => ReactNode
}

/** A labelled control of your own (a date input, a custom picker) with its hint and inline error. */
export function Field({ label, name, errors, hint, required, className, children }: FieldProps) {
  const id = fieldId(name)
  const error = errors[name]
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-description` : ''].filter(Boolean).join(' ') || undefined
  return (
    <Input.Wrapper
      id={id}
      label={label}
      description={hint}
      error={error && `${label} ${error}`}
      withAsterisk={required}
      className={className}
      inputWrapperOrder={['label', 'input', 'description', 'error']}
    >
      {children({ id, name, 'data-field': name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
    </Input.Wrapper>
  )
}

/** The props every field shares: the label, the API field path, the form's errors and the hint under it. */
function wrapperProps(label: string, name: string, errors: FieldErrors, hint?: string) {
  const error = errors[name]
  return {
    id: fieldId(name),
    name,
    'data-field': name,
    label,
    description: hint,
    error: error ? `${label} ${error}` : undefined,
    inputWrapperOrder: ['label', 'input', 'description', 'error'] as ('label' | 'input' | 'description' | 'error')[],
  }
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

export function TextField({ label, name, errors, hint, value, onChange, type = 'text', required, autoComplete, disabled, inputMode, className }: TextFieldProps) {
  return (
    <TextInput
      {...wrapperProps(label, name, errors, hint)}
      type={type}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      withAsterisk={required}
      aria-required={required || undefined}
      autoComplete={autoComplete}
      disabled={disabled}
      inputMode={inputMode}
      className={className}
    />
  )
}

export function TextAreaField({ label, name, errors, hint, value, onChange, required, disabled, className, rows = 3 }: Omit<TextFieldProps, 'type'> & { rows?: number }) {
  return (
    <Textarea
      {...wrapperProps(label, name, errors, hint)}
      rows={rows}
      autosize
      minRows={rows}
      maxRows={Math.max(rows, 16)}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      withAsterisk={required}
      aria-required={required || undefined}
      disabled={disabled}
      className={className}
    />
  )
}

interface SelectFieldProps extends Omit<TextFieldProps, 'type'> {
  options: readonly { value: string; label: string }[]
}

/** The browser's own select: keyboard- and phone-friendly, and fine for short fixed lists. */
export function SelectField({ label, name, errors, hint, value, onChange, options, required, disabled, className }: SelectFieldProps) {
  return (
    <NativeSelect
      {...wrapperProps(label, name, errors, hint)}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={options as { value: string; label: string }[]}
      withAsterisk={required}
      aria-required={required || undefined}
      disabled={disabled}
      className={className}
    />
  )
}

interface CheckboxFieldProps {
  label: string
  name: string
  checked: boolean
  onChange(checked: boolean): void
  errors: FieldErrors
  disabled?: boolean
  /** Said instead of label + reason when the box is in error: a long consent label reads badly twice. */
  errorText?: string
}

/** A checkbox with its label after it. */
export function CheckboxField({ label, name, checked, onChange, errors, disabled, errorText }: CheckboxFieldProps) {
  const error = errors[name]
  return (
    <Checkbox
      id={fieldId(name)}
      name={name}
      data-field={name}
      label={label}
      checked={checked}
      disabled={disabled}
      onChange={(e) => onChange(e.currentTarget.checked)}
      error={error ? (errorText ?? `${label} ${error}`) : undefined}
      className="checkbox-field"
    />
  )
}
