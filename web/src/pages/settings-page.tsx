import { useEffect, useState } from 'react'
import { SettingsInput, type SettingsDto } from '../../../src/contracts/settings.ts'
import { api } from '../api.ts'
import { TextField } from '../fields.tsx'
import { FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { useNotice } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useUser } from '../session.tsx'
import { useLoad } from '../use-load.ts'
import { SettingsNav } from './settings-nav.tsx'
import { LogoField } from './logo-field.tsx'

/** Company settings; only admins may change them, office users see them read-only. */
export function SettingsPage() {
  const user = useUser()
  const canEdit = user.role === 'admin'
  const loaded = useLoad<SettingsDto>('/api/settings')
  const form = useForm()
  const notice = useNotice()
  const [draft, setDraft] = useState<Record<'companyName' | 'timeZone' | 'email' | 'phone', string> | null>(null)

  useEffect(() => {
    const s = loaded.data
    if (s && !draft) setDraft({ companyName: s.companyName, timeZone: s.timeZone, email: s.email ?? '', phone: s.phone ?? '' })
  }, [loaded.data, draft])

  const submit = async () => {
    if (!draft) return
    const input = form.validate(SettingsInput, { ...draft, email: draft.email.trim() || null, phone: draft.phone.trim() || null })
    if (!input) return
    await form.save(() => api<SettingsDto>('PUT', '/api/settings', input), () => notice('Company settings saved.'))
  }

  const set = (key: keyof NonNullable<typeof draft>) => (value: string) => draft && setDraft({ ...draft, [key]: value })
  return (
    <Page title="Settings">
      <SettingsNav />
      <h2>Company</h2>
      <LoadState loading={loaded.loading && !draft} error={loaded.error} />
      {draft && (
        <form ref={form.formRef} onSubmit={form.onSubmit(submit)} noValidate className="stack narrow">
          {!canEdit && <p className="muted">Only an admin can change company settings.</p>}
          <FormErrors message={form.formError} orphans={form.orphans} />
          <fieldset disabled={!canEdit} className="plain">
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
            <TextField label="Company email" name="email" type="email" value={draft.email} onChange={set('email')} errors={form.errors} />
            <TextField label="Company phone" name="phone" type="tel" value={draft.phone} onChange={set('phone')} errors={form.errors} />
          </fieldset>
          {canEdit && <div className="form-actions"><SubmitButton saving={form.saving}>Save settings</SubmitButton></div>}
        </form>
      )}
      {loaded.data && <LogoField hasLogo={loaded.data.hasLogo} canEdit={canEdit} onChanged={loaded.reload} />}
    </Page>
  )
}
