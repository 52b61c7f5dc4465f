import { Alert, Button, Group, List, Text } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useCallback, useEffect, useRef, useState, type Dispatch, type FormEvent, type ReactNode, type RefObject, type SetStateAction } from 'react'
import type { z } from 'zod'
import { fieldErrors } from '../../src/contracts/common.ts'
import { ApiError, errorMessage, type FieldErrors } from './api.ts'

/**
 * Form state shared by every form: field errors keyed by the API's field paths
 * (`locations.0.postalCode`), a form-level message, the saving flag, and focus on the first
 * invalid field after each failed submit. `mapPath` turns the API's paths into the form's, when the
 * form sends fewer rows than it shows (blank rows are left out).
 */
export function useForm(opts: { mapPath?: (path: string) => string } = {}) {
  const formRef = useRef<HTMLFormElement>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [orphans, setOrphans] = useState<FieldErrors>({})
  const [saving, setSaving] = useState(false)
  const busy = useRef(false)
  const [failures, setFailures] = useState(0)

  useEffect(() => {
    const form = formRef.current
    if (!failures || !form) return
    // Errors for paths no control on screen shows (e.g. "locations") go to the summary.
    const unmatched = Object.fromEntries(Object.entries(errors).filter(([path]) => !form.querySelector(`[data-field="${CSS.escape(path)}"]`)))
    setOrphans(unmatched)
  }, [failures, errors])
  // Focus moves to the first invalid field after a failed submit only, not while a field is being fixed.
  useEffect(() => {
    const form = formRef.current
    if (!failures || !form) return
    const first = form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.querySelector<HTMLElement>('[data-form-errors]')
    first?.focus()
  }, [failures])

  useErrorsClearOnInput(formRef, setErrors)
  // Once every highlighted field is fixed, the summary's "correct the highlighted fields" goes too.
  useEffect(() => {
    if (!Object.keys(errors).length) setFormError((message) => (message === CHECK_FIELDS ? null : message))
  }, [errors])

  const { mapPath } = opts
  const fail = useCallback((fields: FieldErrors, message: string | null) => {
    setErrors(mapPath ? Object.fromEntries(Object.entries(fields).map(([path, reason]) => [mapPath(path), reason])) : fields)
    setFormError(message)
    setFailures((n) => n + 1)
  }, [mapPath])

  /** Parses input with a shared zod schema; on failure shows the errors and returns null. */
  const validate = useCallback(
    <S extends z.ZodType>(schema: S, input: unknown, extra: FieldErrors = {}): z.output<S> | null => {
      const result = schema.safeParse(input)
      const fields = { ...(result.success ? {} : fieldErrors(result.error)), ...extra }
      if (result.success && !Object.keys(extra).length) return result.data
      fail(fields, CHECK_FIELDS)
      return null
    },
    [fail],
  )

  /** Runs the save call; server field errors land under their inputs, other errors on top. */
  const save = useCallback(
    async <T,>(action: () => Promise<T>, onSaved: (result: T) => void) => {
      busy.current = true
      setSaving(true)
      try {
        const result = await action()
        setErrors({})
        setOrphans({})
        setFormError(null)
        onSaved(result)
      } catch (err) {
        const fields = err instanceof ApiError ? err.fields : {}
        const hasFields = Object.keys(fields).length > 0
        fail(fields, hasFields && err instanceof ApiError && err.status === 422 ? CHECK_FIELDS : errorMessage(err))
      } finally {
        busy.current = false
        setSaving(false)
      }
    },
    [fail],
  )

  const onSubmit = (handler: () => void | Promise<void>) => (event: FormEvent) => {
    event.preventDefault()
    if (!busy.current) void handler()
  }

  return { formRef, errors, formError, orphans, saving, validate, save, fail, onSubmit }
}

const CHECK_FIELDS = 'Please correct the highlighted fields.'

/**
 * Takes a field's error off the screen as soon as the person changes that field: any `input` or
 * `change` event inside the form clears the error of the nearest `[data-field]` around its target
 * (every control of fields.tsx carries one). A mistake that is being fixed stops being shown as one.
 */
export function useErrorsClearOnInput(formRef: RefObject<HTMLFormElement | null>, setErrors: Dispatch<SetStateAction<FieldErrors>>) {
  useEffect(() => {
    const onInput = (event: Event) => {
      const target = event.target instanceof Element ? event.target : null
      const path = target && formRef.current?.contains(target) ? target.closest('[data-field]')?.getAttribute('data-field') : null
      if (path) setErrors((errors) => (path in errors ? withoutField(errors, path) : errors))
    }
    // NOTE: on the document, not the form: React's own handlers (at its root, below the document)
    // must take the typed value first. A re-render between the two would put a controlled
    // input's old value back and lose the keystroke.
    document.addEventListener('input', onInput)
    document.addEventListener('change', onInput)
    return () => {
      document.removeEventListener('input', onInput)
      document.removeEventListener('change', onInput)
    }
  }, [formRef, setErrors])
}

/** The errors without one field's. */
export function withoutField(errors: FieldErrors, path: string): FieldErrors {
  const { [path]: _gone, ...rest } = errors
  return rest
}

/** The form-level message and any errors that belong to no visible field. */
export function FormErrors({ message, orphans }: { message: string | null; orphans: FieldErrors }) {
  if (!message && !Object.keys(orphans).length) return null
  return (
    <Alert color="red" variant="light" role="alert" tabIndex={-1} data-form-errors icon={<IconAlertTriangle size={18} aria-hidden />}>
      {message && <Text size="sm">{message}</Text>}
      {Object.keys(orphans).length > 0 && (
        <List size="sm">
          {Object.entries(orphans).map(([path, reason]) => (
            <List.Item key={path}>
              {path === '_' ? '' : `${humanPath(path)} `}
              {reason}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  )
}

const humanPath = (path: string) =>
  path
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? `#${Number(part) + 1}` : part.replace(/([A-Z])/g, ' $1').toLowerCase()))
    .join(' ')

/** The form's submit button, busy while saving so a double click cannot save twice. */
export function SubmitButton({ saving, children }: { saving: boolean; children: ReactNode }) {
  return (
    <Button type="submit" loading={saving} aria-busy={saving || undefined}>
      {children}
    </Button>
  )
}

/** The row under a form: the submit button, then Cancel or other ways out. */
export function FormActions({ children }: { children: ReactNode }) {
  return (
    <Group gap="md" mt="xs" className="form-actions">
      {children}
    </Group>
  )
}
