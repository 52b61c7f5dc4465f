import { Button, Group, List, Modal, Stack, Text } from '@mantine/core'
import { useCallback, useState } from 'react'
import type { ConflictDto, ScheduleInput, ScheduleResultDto, VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import { api, ApiError, errorMessage } from '../api.ts'
import { toast } from '../notice.tsx'

type Body = Omit<ScheduleInput, 'confirm' | 'version'>
interface Pending {
  visit: VisitSummaryDto
  body: Body
  conflicts: ConflictDto[]
}

/**
 * Assign, move, resize and unassign, shared by drag and drop and the visit dialog. Conflicts the
 * server finds come back as `pending`: nothing is saved until the office confirms in ConflictDialog.
 * Refusals (a visit on hold, a stale version) are shown with the server's message.
 */
export function useScheduleActions(onDone?: () => void) {
  const [pending, setPending] = useState<Pending | null>(null)
  const [busy, setBusy] = useState(false)

  const schedule = useCallback(
    async (visit: VisitSummaryDto, body: Body, confirm = false) => {
      setBusy(true)
      try {
        const result = await api<ScheduleResultDto>('POST', `/api/visits/${visit.id}/schedule`, { ...body, confirm, version: visit.version })
        setPending(null)
        toast.success(`${visit.description} for ${visit.customerName} saved${result.conflicts.length ? ' with confirmed conflicts' : ''}.`)
        onDone?.()
        return true
      } catch (err) {
        if (err instanceof ApiError && err.code === 'schedule_conflicts') setPending({ visit, body, conflicts: (err.details.conflicts as ConflictDto[]) ?? [] })
        else {
          setPending(null)
          toast.failure(errorMessage(err), 'Not saved')
        }
        return false
      } finally {
        setBusy(false)
      }
    },
    [onDone],
  )

  const unassign = useCallback(
    async (visit: VisitSummaryDto) => {
      setBusy(true)
      try {
        await api('POST', `/api/visits/${visit.id}/unassign`, { version: visit.version })
        toast.success(`${visit.description} for ${visit.customerName} is back on the unscheduled list.`)
        onDone?.()
        return true
      } catch (err) {
        toast.failure(errorMessage(err), 'Not unassigned')
        return false
      } finally {
        setBusy(false)
      }
    },
    [onDone],
  )

  const dialog = (
    <ConflictDialog
      pending={pending}
      busy={busy}
      onCancel={() => setPending(null)}
      onConfirm={() => pending && void schedule(pending.visit, pending.body, true)}
    />
  )
  return { schedule, unassign, busy, conflictDialog: dialog }
}

function ConflictDialog({ pending, busy, onCancel, onConfirm }: { pending: Pending | null; busy: boolean; onCancel(): void; onConfirm(): void }) {
  const blocking = pending?.conflicts.some((c) => c.blocking) ?? false
  return (
    <Modal opened={pending !== null} onClose={onCancel} title="This change has conflicts" centered zIndex={400}>
      <Stack gap="sm">
        <Text size="sm">Nothing is saved yet. {blocking ? 'Some conflicts cannot be overridden.' : 'Save anyway only if you have checked these:'}</Text>
        <List size="sm" data-testid="conflicts">
          {pending?.conflicts.map((c, i) => <List.Item key={i}>{c.message}</List.Item>)}
        </List>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          {!blocking && (
            <Button color="orange" loading={busy} onClick={onConfirm}>
              Save anyway
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  )
}
