import { Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { LocationDto } from '../../../src/contracts/customers.ts'
import { PRIORITIES, VisitCreateInput, type VisitDto, type VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import type { SettingsDto } from '../../../src/contracts/settings.ts'
import { DataTable, type Column } from '../data-table.tsx'
import { SelectField, TextAreaField, TextField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { toast } from '../notice.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { StatusBadge } from '../status-badge.tsx'
import { dateOf, timeText, VISIT_STATUS_LABELS } from './visit-text.ts'

const DONE = new Set(['completed', 'cancelled'])
const label = (s: VisitSummaryDto['status']) => (s === 'suspended' ? 'On hold: agreement suspended' : VISIT_STATUS_LABELS[s])

function columns(tz: string): Column<VisitSummaryDto>[] {
  return [
    { header: 'Visit', cell: (v) => v.description },
    { header: 'Window', cell: (v) => `${v.windowStart} – ${v.windowEnd}` },
    { header: 'Scheduled', cell: (v) => (v.scheduledStart ? `${dateOf(v.scheduledStart, tz)} ${timeText(v.scheduledStart, tz)}` : '') },
    { header: 'Status', cell: (v) => <StatusBadge status={v.status === 'completed' ? 'paid' : v.status} label={label(v.status)} /> },
  ]
}

const useTimeZone = () => useApiQuery<SettingsDto>('/api/settings', { staleTime: 60_000 }).data?.timeZone

/** An agreement's visits: how many are done and due, and each with its window, slot and status. */
export function AgreementVisits({ agreementId }: { agreementId: string }) {
  const tz = useTimeZone()
  const list = useApiQuery<PageOf<VisitSummaryDto>>(`/api/visits?agreementId=${agreementId}&pageSize=200`)
  const items = list.data?.items
  const done = items?.filter((v) => v.status === 'completed').length ?? 0
  const due = items?.filter((v) => !DONE.has(v.status)).length ?? 0
  return (
    <Stack gap="xs">
      {items && <Text size="sm">{`${done} done, ${due} due${list.data!.total > items.length ? ` (first ${items.length} of ${list.data!.total} shown)` : ''}`}</Text>}
      <DataTable caption="Work orders" columns={columns(tz ?? 'UTC')} rows={tz ? items : undefined} rowKey={(v) => v.id} minWidth={560} loading={list.isFetching} error={list.error?.message} empty={{ text: 'No work orders.' }} />
    </Stack>
  )
}

const UPCOMING = 'open,scheduled,dispatched,on_the_way,in_progress,suspended'

/** The customer's upcoming visits and a "New work order" (one-off) form. */
export function CustomerVisits({ customerId, locations }: { customerId: string; locations: LocationDto[] }) {
  const tz = useTimeZone()
  const today = tz ? dateOf(new Date().toISOString(), tz) : null
  const list = useApiQuery<PageOf<VisitSummaryDto>>(today ? `/api/visits?customerId=${customerId}&status=${UPCOMING}&pageSize=50` : null)
  const [adding, setAdding] = useState(false)
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2}>Upcoming visits</Title>
        {!adding && locations.length > 0 && (
          <Button variant="default" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
            New work order
          </Button>
        )}
      </Group>
      {adding && today && <NewWorkOrder customerId={customerId} locations={locations} today={today} onDone={() => setAdding(false)} />}
      <DataTable caption="Upcoming visits" columns={columns(tz ?? 'UTC')} rows={tz ? list.data?.items : undefined} rowKey={(v) => v.id} minWidth={560} loading={list.isFetching} error={list.error?.message} empty={{ text: 'No upcoming visits.' }} />
    </Stack>
  )
}

function NewWorkOrder({ customerId, locations, today, onDone }: { customerId: string; locations: LocationDto[]; today: string; onDone(): void }) {
  const [s, setS] = useState({ locationId: locations[0]!.id, description: '', windowStart: today, windowEnd: today, durationMinutes: '60', priority: 'normal', requiredSkill: '', notes: '' })
  const set = (key: keyof typeof s) => (value: string) => setS((prev) => ({ ...prev, [key]: value }))
  const { formRef, errors, formError, orphans, saving, validate, save, onSubmit } = useForm()
  const create = useApiMutation<VisitDto, VisitCreateInput>('POST', '/api/visits')
  const submit = async () => {
    const input = validate(VisitCreateInput, { ...s, customerId, durationMinutes: Number(s.durationMinutes), requiredSkill: s.requiredSkill.trim() || null })
    if (!input) return
    await save(() => create.mutateAsync(input), (v) => {
      toast.success(`Work order “${v.description}” added: it is on the board's unscheduled list.`)
      onDone()
    })
  }
  return (
    <form ref={formRef} onSubmit={onSubmit(submit)} noValidate aria-label="New work order">
      <Stack gap="sm" maw={720}>
        <FormErrors message={formError} orphans={orphans} />
        <SelectField label="Location" name="locationId" value={s.locationId} onChange={set('locationId')} errors={errors} options={locations.map((l) => ({ value: l.id, label: `${l.label ? `${l.label}: ` : ''}${l.line1}, ${l.city}` }))} required />
        <TextField label="What to do" name="description" value={s.description} onChange={set('description')} errors={errors} required />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextField label="Earliest date" name="windowStart" type="date" value={s.windowStart} onChange={set('windowStart')} errors={errors} required />
          <TextField label="Latest date" name="windowEnd" type="date" value={s.windowEnd} onChange={set('windowEnd')} errors={errors} required />
          <TextField label="Duration (minutes)" name="durationMinutes" type="number" value={s.durationMinutes} onChange={set('durationMinutes')} errors={errors} required />
          <SelectField label="Priority" name="priority" value={s.priority} onChange={set('priority')} errors={errors} options={PRIORITIES.map((p) => ({ value: p, label: p[0]!.toUpperCase() + p.slice(1) }))} />
          <TextField label="Required skill" name="requiredSkill" value={s.requiredSkill} onChange={set('requiredSkill')} errors={errors} hint="Optional, e.g. hvac" />
        </SimpleGrid>
        <TextAreaField label="Notes for the technician" name="notes" value={s.notes} onChange={set('notes')} errors={errors} />
        <FormActions>
          <SubmitButton saving={saving}>Add work order</SubmitButton>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </FormActions>
      </Stack>
    </form>
  )
}
