import { Fieldset, Stack, Text, Title } from '@mantine/core'
import { useEffect, useState } from 'react'
import { SettingsInput, type SettingsDto } from '../../../src/contracts/settings.ts'
import { api } from '../api.ts'
import { TextAreaField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { toast } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { useUser } from '../session.tsx'
import { LogoField } from './logo-field.tsx'
import { SchedulingSettings } from './scheduling-settings.tsx'
import { SettingsNav } from './settings-nav.tsx'

type Draft = Record<'companyName' | 'timeZone' | 'email' | 'phone' | 'address' | 'locale', string>

/** Company settings; only admins may change them, office users see them read-only. */
export function SettingsPage() {
  const user = useUser()
  const canEdit = user.role === 'admin'
  const settings = useApiQuery<SettingsDto>('/api/settings')
  const form = useForm()
  const [draft, setDraft] = useState<Draft | null>(null)

  useEffect(() => {
    const s = settings.data
    if (s && !draft) setDraft({ companyName: s.companyName, timeZone: s.timeZone, email: s.email ?? '', phone: s.phone ?? '', address: s.address, locale: s.locale })
  }, [settings.data, draft])

  const submit = async () => {
    if (!draft) return
    const input = form.validate(SettingsInput, { ...draft, email: draft.email.trim() || null, phone: draft.phone.trim() || null })
    if (!input) return
    await form.save(() => api<SettingsDto>('PUT', '/api/settings', input), () => toast.success('Company settings saved.'))
  }

  const set = (key: keyof Draft) => (value: string) => draft && setDraft({ ...draft, [key]: value })
  return (
    <Page title="Settings">
      <SettingsNav />
      <Title order={2}>Company</Title>
      <LoadState loading={settings.isFetching && !draft} error={settings.error?.message ?? null} />
      {draft && (
        <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate>
      <Stack maw={512} gap="sm">
          {!canEdit && <Text c="dimmed">Only an admin can change company settings.</Text>}
          <FormErrors message={form.formError} orphans={form.orphans} />
          <Fieldset disabled={!canEdit} variant="unstyled" legend={<span className="visually-hidden">Company details</span>}>
            <Stack gap="sm">
              <TextField label="Company name" name="companyName" required value={draft.companyName} onChange={set('companyName')} errors={form.errors} />
              <TextField
                label="Time zone"
                name="timeZone"
                required
                hint="IANA name such as America/Chicago; it decides which day “today” is for billing"
                value={draft.timeZone}
                onChange={set('timeZone')}
                errors={form.errors}
              />
              <TextField label="Company email (replies to e-mails go here)" name="email" type="email" value={draft.email} onChange={set('email')} errors={form.errors} />
              <TextField label="Company phone" name="phone" type="tel" value={draft.phone} onChange={set('phone')} errors={form.errors} />
              <TextAreaField label="Company address" name="address" hint="Shown in the footer of every e-mail; one line per line" value={draft.address} onChange={set('address')} errors={form.errors} />
              <TextField
                label="Locale"
                name="locale"
                required
                hint="How dates and amounts are written everywhere (pages, e-mails, PDFs), e.g. en-US"
                value={draft.locale}
                onChange={set('locale')}
                errors={form.errors}
              />
            </Stack>
          </Fieldset>
          {canEdit && (
            <FormActions>
              <SubmitButton saving={form.saving}>Save settings</SubmitButton>
            </FormActions>
          )}
        </Stack>
        </form>
      )}
      {settings.data && <LogoField hasLogo={settings.data.hasLogo} canEdit={canEdit} />}
      <SchedulingSettings />
    </Page>
  )
}
