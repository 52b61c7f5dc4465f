import { Stack, Switch, Text, Title } from '@mantine/core'
import type { SchedulingSettingsDto } from '../../../src/contracts/scheduling.ts'
import { toast } from '../notice.tsx'
import { queryClient, useApiMutation, useApiQuery } from '../query.ts'
import { useUser } from '../session.tsx'

/** Settings → Company, Scheduling section: whether customers are e-mailed when their technician is on the way. */
export function SchedulingSettings() {
  const canEdit = useUser().role === 'admin'
  const settings = useApiQuery<SchedulingSettingsDto>('/api/schedule/settings')
  const save = useApiMutation<SchedulingSettingsDto, SchedulingSettingsDto>('PUT', '/api/schedule/settings')
  if (!settings.data) return null
  const change = async (onTheWayEmail: boolean) => {
    try {
      const saved = await save.mutateAsync({ onTheWayEmail })
      queryClient.setQueryData(['/api/schedule/settings'], saved)
      toast.success(saved.onTheWayEmail ? 'Customers will be e-mailed when their technician is on the way.' : 'No more on-the-way e-mails.')
    } catch (e) {
      toast.failure(e instanceof Error ? e.message : 'Could not save the scheduling settings.')
    }
  }
  return (
    <Stack gap="xs" maw={512} mt="lg">
      <Title order={2}>Scheduling</Title>
      <Switch
        label="E-mail the customer when their technician is on the way"
        description="Sent when a technician marks a visit “On my way” on their phone, with the technician's name and the company's phone."
        // Shows the new position while it saves (the switch would otherwise lag the click by a round trip).
        checked={save.isPending && save.variables ? save.variables.onTheWayEmail : settings.data.onTheWayEmail}
        disabled={!canEdit || save.isPending}
        onChange={(e) => void change(e.currentTarget.checked)}
      />
      {!canEdit && <Text c="dimmed" size="sm">Only an admin can change this.</Text>}
    </Stack>
  )
}
