import { Stack } from '@mantine/core'
import { useState } from 'react'
import { ROLES, UserCreateInput, type Role, type UserDto } from '../../../src/contracts/users.ts'
import { api } from '../api.ts'
import { SelectField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { ROLE_LABELS } from '../strings.ts'

const EMPTY = { name: '', email: '', role: 'office' as Role, password: '' }

/** Creates an office account with a starting password. */
export function NewUserForm() {
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState(EMPTY)
  const set = (key: keyof typeof EMPTY) => (value: string) => setDraft({ ...draft, [key]: value })

  const submit = async () => {
    const input = form.validate(UserCreateInput, draft)
    if (!input) return
    await form.save(
      () => api<UserDto>('POST', '/api/users', input),
      (user) => {
        notice(`User ${user.name} created.`)
        setDraft(EMPTY)
      },
    )
  }

  return (
    <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate aria-label="Add a user">
      <Stack maw={512} gap="sm">
      <FormErrors message={form.formError} orphans={form.orphans} />
      <TextField label="Name" name="name" required value={draft.name} onChange={set('name')} errors={form.errors} />
      <TextField label="Email" name="email" type="email" required autoComplete="off" value={draft.email} onChange={set('email')} errors={form.errors} />
      <SelectField label="Role" name="role" value={draft.role} onChange={set('role')} errors={form.errors} options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
      <TextField label="Password" name="password" type="password" required autoComplete="new-password" hint="At least 10 characters" value={draft.password} onChange={set('password')} errors={form.errors} />
      <FormActions>
        <SubmitButton saving={form.saving}>Create user</SubmitButton>
      </FormActions>
    </Stack>
    </form>
  )
}
