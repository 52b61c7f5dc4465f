import { Stack, Title } from '@mantine/core'
import { useState } from 'react'
import { ChangePasswordInput } from '../../../src/contracts/users.ts'
import { api } from '../api.ts'
import { TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { toast } from '../notice.tsx'
import { Page } from '../page.tsx'
import { SettingsNav } from './settings-nav.tsx'

/** Any user changes their own password; their sessions elsewhere end. */
export function PasswordPage() {
  const form = useForm()
  const [draft, setDraft] = useState({ currentPassword: '', newPassword: '' })
  const submit = async () => {
    const input = form.validate(ChangePasswordInput, draft)
    if (!input) return
    await form.save(
      () => api('POST', '/api/auth/password', input),
      () => {
        setDraft({ currentPassword: '', newPassword: '' })
        toast.success('Password changed. You stay logged in here; other sessions were logged out.')
      },
    )
  }
  return (
    <Page title="Settings">
      <SettingsNav />
      <Title order={2}>Your password</Title>
      <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate>
      <Stack maw={512} gap="sm">
        <FormErrors message={form.formError} orphans={form.orphans} />
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          required
          autoComplete="current-password"
          value={draft.currentPassword}
          onChange={(v) => setDraft({ ...draft, currentPassword: v })}
          errors={form.errors}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 10 characters"
          value={draft.newPassword}
          onChange={(v) => setDraft({ ...draft, newPassword: v })}
          errors={form.errors}
        />
        <FormActions>
          <SubmitButton saving={form.saving}>Change password</SubmitButton>
        </FormActions>
      </Stack>
    </form>
    </Page>
  )
}
