import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import type { VisitDto } from '../../../src/contracts/scheduling.ts'
import { TextAreaField } from '../fields.tsx'
import { FormActions, FormErrors, SubmitButton, useForm } from '../forms.tsx'
import { toast } from '../notice.tsx'
import { LoadState, Page } from '../page.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { Link } from '../router.tsx'
import { durationText } from './technician-text.ts'
import { VISIT_STATUS_LABELS } from './visit-text.ts'

type Report = { status: 'on_the_way' | 'in_progress' | 'completed'; completionNotes?: string; version: number }

/** One of the technician's visits (phone width): where, who, what to do; on the way, started, completed with notes. */
export function MyVisitPage({ id }: { id: string }) {
  const visit = useApiQuery<VisitDto>(`/api/visits/${id}`)
  const report = useApiMutation<VisitDto, Report>('POST', `/api/visits/${id}/status`)
  const { formRef, errors, formError, orphans, saving, save, onSubmit } = useForm()
  const [notes, setNotes] = useState('')
  const v = visit.data
  if (!v) return <Page title="Visit"><LoadState loading={visit.isLoading} error={visit.error?.message ?? null} /></Page>
  const send = (status: Report['status'], done: string) =>
    save(() => report.mutateAsync({ status, version: v.version, ...(status === 'completed' ? { completionNotes: notes } : {}) }), () => toast.success(done))
  const open = !['completed', 'cancelled', 'suspended'].includes(v.status)
  const address = `${v.location.line1}${v.location.line2 ? `, ${v.location.line2}` : ''}, ${v.location.city}, ${v.location.region} ${v.location.postalCode}`
  return (
    <Page title={v.description}>
      <Stack gap={4}>
        <Group gap="xs">
          <Badge variant="light" tt="none">{VISIT_STATUS_LABELS[v.status]}</Badge>
          <Text size="sm">{durationText(v.durationMinutes)}</Text>
        </Group>
        <Text fw={600}>{v.customerName}</Text>
        {v.customerPhone && <Anchor href={`tel:${v.customerPhone}`}>{v.customerPhone}</Anchor>}
        <Anchor href={`https://maps.google.com/?q=${encodeURIComponent(address)}`} target="_blank" rel="noopener noreferrer">
          {address}
        </Anchor>
        {v.location.accessNotes && <Text size="sm">Access: {v.location.accessNotes}</Text>}
        {v.notes && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>Notes: {v.notes}</Text>}
        {v.status === 'completed' && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>Completed: {v.completionNotes}</Text>}
      </Stack>
      {open && (
        <form ref={formRef} onSubmit={onSubmit(() => send('completed', 'Visit completed.'))} noValidate>
          <Stack gap="sm">
            <FormErrors message={formError} orphans={orphans} />
            <Group gap="xs">
              {['scheduled', 'dispatched'].includes(v.status) && (
                <Button variant="default" loading={saving} onClick={() => void send('on_the_way', 'Marked on the way.')}>
                  On my way
                </Button>
              )}
              {['scheduled', 'dispatched', 'on_the_way'].includes(v.status) && (
                <Button variant="default" loading={saving} onClick={() => void send('in_progress', 'Visit started.')}>
                  Start work
                </Button>
              )}
            </Group>
            <TextAreaField label="Completion notes" name="completionNotes" value={notes} onChange={setNotes} errors={errors} hint="What you did, parts used, anything the office should know" />
            <FormActions>
              <SubmitButton saving={saving}>Complete visit</SubmitButton>
            </FormActions>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/">
        Back to your visits
      </Anchor>
    </Page>
  )
}
