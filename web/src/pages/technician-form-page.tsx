import { Button, ColorInput, Fieldset, Group, SimpleGrid, Stack } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { TechnicianCreateInput, TechnicianProfileInput, WEEKDAY_KEYS, type TechnicianDto } from '../../../src/contracts/scheduling.ts'
import { CheckboxField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { toast } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { Link, navigate } from '../router.tsx'
import { useUser } from '../session.tsx'
import { formatHours, parseHours } from '../schedule/technician-text.ts'

const DAY_LABELS = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } as const
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
type DayOff = { from: string; to: string; reason: string }

const blank = {
  name: '',
  email: '',
  password: '',
  color: '#2563eb',
  skills: '',
  hours: Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, (WEEKDAYS as readonly string[]).includes(d) ? '08:00-17:00' : ''])) as Record<(typeof WEEKDAY_KEYS)[number], string>,
  daysOff: [] as DayOff[],
  home: { line1: '', city: '', region: '', postalCode: '', latitude: '', longitude: '' },
  isActive: true,
}
type State = typeof blank

const fromDto = (t: TechnicianDto): State => ({
  ...blank,
  name: t.name,
  email: t.email,
  color: t.color,
  skills: t.skills.join(', '),
  hours: Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, formatHours(t.workingHours[d])])) as State['hours'],
  daysOff: t.daysOff,
  home: t.homeBase
    ? { ...t.homeBase, latitude: t.homeBase.latitude?.toString() ?? '', longitude: t.homeBase.longitude?.toString() ?? '' }
    : blank.home,
  isActive: t.isActive,
})

const toInput = (s: State) => {
  const h = s.home
  const hasHome = [h.line1, h.city, h.region, h.postalCode].some((v) => v.trim())
  const num = (v: string) => (v.trim() === '' ? null : Number(v))
  return {
    color: s.color,
    skills: s.skills.split(',').map((x) => x.trim()).filter(Boolean),
    workingHours: Object.fromEntries(WEEKDAY_KEYS.map((d) => [d, parseHours(s.hours[d])])),
    daysOff: s.daysOff.map((d) => ({ ...d, to: d.to || d.from })),
    homeBase: hasHome ? { line1: h.line1, city: h.city, region: h.region, postalCode: h.postalCode, latitude: num(h.latitude), longitude: num(h.longitude) } : null,
    isActive: s.isActive,
  }
}

/** Errors on a weekday's ranges (`workingHours.mon.0.end`) land on that weekday's field. */
const mapPath = (path: string) => path.replace(/^(workingHours\.[a-z]{3})\..*$/, '$1')

/** A technician's login and profile: working hours per weekday, days off, skills, home base, colour, active. Admins edit; the office reads. */
export function TechnicianFormPage({ id }: { id?: string }) {
  const admin = useUser().role === 'admin'
  const existing = useApiQuery<TechnicianDto>(id ? `/api/technicians/${id}` : null)
  const [s, setS] = useState<State>(blank)
  const [loaded, setLoaded] = useState(!id)
  useEffect(() => {
    if (existing.data && !loaded) {
      setS(fromDto(existing.data))
      setLoaded(true)
    }
  }, [existing.data, loaded])
  const { formRef, errors, formError, orphans, saving, validate, save, onSubmit } = useForm({ mapPath })
  const create = useApiMutation<TechnicianDto, unknown>('POST', '/api/technicians')
  const update = useApiMutation<TechnicianDto, unknown>('PUT', `/api/technicians/${id}`)
  const set = <K extends keyof State>(key: K, value: State[K]) => setS((prev) => ({ ...prev, [key]: value }))
  const setHome = (key: keyof State['home'], value: string) => setS((prev) => ({ ...prev, home: { ...prev.home, [key]: value } }))
  const setDayOff = (i: number, patch: Partial<DayOff>) => set('daysOff', s.daysOff.map((d, j) => (j === i ? { ...d, ...patch } : d)))

  const submit = async () => {
    const input = id ? validate(TechnicianProfileInput, toInput(s)) : validate(TechnicianCreateInput, { ...toInput(s), name: s.name, email: s.email, password: s.password })
    if (!input) return
    await save(
      () => (id ? update.mutateAsync(input) : create.mutateAsync(input)),
      (t) => {
        toast.success(`${t.name} saved.`)
        navigate('/technicians')
      },
    )
  }

  const title = id ? (existing.data?.name ?? 'Technician') : 'New technician'
  if (id && !loaded) return <Page title={title}><LoadState loading={existing.isLoading} error={existing.error?.message ?? null} /></Page>
  return (
    <Page title={title}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate>
        <fieldset disabled={!admin} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <Stack gap="md" maw={720}>
            <FormErrors message={formError} orphans={orphans} />
            {!id && (
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextField label="Name" name="name" value={s.name} onChange={(v) => set('name', v)} errors={errors} required />
                <TextField label="Email" name="email" type="email" value={s.email} onChange={(v) => set('email', v)} errors={errors} required autoComplete="off" />
                <TextField label="Password" name="password" type="password" value={s.password} onChange={(v) => set('password', v)} errors={errors} required autoComplete="new-password" hint="They log in with it and can change it." />
              </SimpleGrid>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextField label="Skills" name="skills" value={s.skills} onChange={(v) => set('skills', v)} errors={errors} hint="Comma-separated, e.g. hvac, plumbing" />
              <ColorInput id="f-color" name="color" data-field="color" label="Colour on the board" value={s.color} onChange={(v) => set('color', v)} error={errors.color && `Colour ${errors.color}`} format="hex" withEyeDropper={false} />
            </SimpleGrid>
            <Fieldset legend="Working hours (company time zone)">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                {WEEKDAY_KEYS.map((d) => (
                  <TextField key={d} label={DAY_LABELS[d]} name={`workingHours.${d}`} value={s.hours[d]} onChange={(v) => set('hours', { ...s.hours, [d]: v })} errors={errors} hint="e.g. 08:00-12:00, 13:00-17:00; empty = day off" />
                ))}
              </SimpleGrid>
            </Fieldset>
            <Fieldset legend="Days off">
              <Stack gap="xs">
                {s.daysOff.map((d, i) => (
                  <Group key={i} align="flex-end" gap="xs" wrap="wrap">
                    <TextField label="From" name={`daysOff.${i}.from`} type="date" value={d.from} onChange={(v) => setDayOff(i, { from: v })} errors={errors} required />
                    <TextField label="To (empty: one day)" name={`daysOff.${i}.to`} type="date" value={d.to} onChange={(v) => setDayOff(i, { to: v })} errors={errors} />
                    <TextField label="Reason" name={`daysOff.${i}.reason`} value={d.reason} onChange={(v) => setDayOff(i, { reason: v })} errors={errors} />
                    <Button variant="subtle" color="red" aria-label={`Remove day off ${i + 1}`} onClick={() => set('daysOff', s.daysOff.filter((_, j) => j !== i))}>
                      <IconTrash size={16} aria-hidden />
                    </Button>
                  </Group>
                ))}
                <Group>
                  <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => set('daysOff', [...s.daysOff, { from: '', to: '', reason: '' }])}>
                    Add a day off
                  </Button>
                </Group>
              </Stack>
            </Fieldset>
            <Fieldset legend="Home base (where the day starts, for suggestions)">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextField label="Street" name="homeBase.line1" value={s.home.line1} onChange={(v) => setHome('line1', v)} errors={errors} />
                <TextField label="City" name="homeBase.city" value={s.home.city} onChange={(v) => setHome('city', v)} errors={errors} />
                <TextField label="State" name="homeBase.region" value={s.home.region} onChange={(v) => setHome('region', v)} errors={errors} />
                <TextField label="ZIP code" name="homeBase.postalCode" value={s.home.postalCode} onChange={(v) => setHome('postalCode', v)} errors={errors} inputMode="numeric" />
                <TextField label="Latitude (optional)" name="homeBase.latitude" value={s.home.latitude} onChange={(v) => setHome('latitude', v)} errors={errors} inputMode="decimal" />
                <TextField label="Longitude (optional)" name="homeBase.longitude" value={s.home.longitude} onChange={(v) => setHome('longitude', v)} errors={errors} inputMode="decimal" />
              </SimpleGrid>
            </Fieldset>
            <CheckboxField label="Active (can be given new visits)" name="isActive" checked={s.isActive} onChange={(v) => set('isActive', v)} errors={errors} />
            <FormActions>
              {admin && <SubmitButton saving={saving}>{id ? 'Save technician' : 'Add technician'}</SubmitButton>}
              <Button component={Link} to="/technicians" variant="default">
                {admin ? 'Cancel' : 'Back to technicians'}
              </Button>
            </FormActions>
          </Stack>
        </fieldset>
      </form>
    </Page>
  )
}
