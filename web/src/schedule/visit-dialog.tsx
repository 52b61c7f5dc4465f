import { Alert, Badge, Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core'
import { useEffect, useState } from 'react'
import type { BoardDto, SuggestionsDto, VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import { api, errorMessage } from '../api.ts'
import { toast } from '../notice.tsx'
import { durationText } from './technician-text.ts'
import type { useScheduleActions } from './schedule-actions.tsx'
import { addMinutes, dateOf, dayLabel, instantAt, minutesBetween, onHoldText, timeText, VISIT_STATUS_LABELS } from './visit-text.ts'

interface Props {
  visit: VisitSummaryDto | null
  board: BoardDto
  actions: ReturnType<typeof useScheduleActions>
  defaultDate: string
  onClose(): void
}

/**
 * The keyboard and click way to do everything a drag does: pick technician, date, time and duration
 * and save (assign, move, resize), unassign, dispatch, or ask for a suggestion and accept it.
 */
export function VisitDialog({ visit, board, actions, defaultDate, onClose }: Props) {
  const tz = board.timeZone
  const [tech, setTech] = useState('')
  const [date, setDate] = useState('')
  const [time, setTime] = useState('')
  const [duration, setDuration] = useState('')
  const [suggestions, setSuggestions] = useState<SuggestionsDto | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!visit) return
    setTech(visit.technicianId ?? '')
    setDate(visit.scheduledStart ? dateOf(visit.scheduledStart, tz) : defaultDate)
    setTime(visit.scheduledStart ? timeText(visit.scheduledStart, tz) : '08:00')
    setDuration(String(visit.scheduledStart && visit.scheduledEnd ? minutesBetween(visit.scheduledStart, visit.scheduledEnd) : visit.durationMinutes))
    setSuggestions(null)
    setError(null)
  }, [visit, tz, defaultDate])
  if (!visit) return null

  const save = async () => {
    const minutes = Number(duration)
    const [h, m] = time.split(':').map(Number)
    if (!tech) return setError('Choose a technician.')
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(h) || Number.isNaN(m)) return setError('Give a date and a time.')
    if (!Number.isInteger(minutes) || minutes < 5) return setError('Duration must be whole minutes, at least 5.')
    const start = instantAt(date, h! * 60 + m!, tz)
    if (await actions.schedule(visit, { technicianId: tech, start, end: addMinutes(start, minutes) })) onClose()
  }
  const suggest = async () => {
    setError(null)
    try {
      setSuggestions(await api<SuggestionsDto>('GET', `/api/visits/${visit.id}/suggestions?limit=3`))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const dispatch = async () => {
    try {
      await api('POST', `/api/visits/${visit.id}/dispatch`, { version: visit.version })
      toast.success(`${visit.description} dispatched.`)
      onClose()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const techs = board.technicians.filter((t) => t.isActive || t.id === visit.technicianId)
  return (
    <Modal opened onClose={onClose} title={`${visit.description} · ${visit.customerName}`} size="lg">
      <Stack gap="sm">
        <Group gap="xs">
          <Badge variant="light" color={visit.onHold ? 'orange' : 'blue'} tt="none">
            {VISIT_STATUS_LABELS[visit.status]}
          </Badge>
          <Text size="sm">
            {visit.location.line1}, {visit.location.city} {visit.location.postalCode} · window {visit.windowStart} to {visit.windowEnd} · {durationText(visit.durationMinutes)}
            {visit.requiredSkill ? ` · needs ${visit.requiredSkill}` : ''}
          </Text>
        </Group>
        {visit.onHold && <Alert color="orange" variant="light">{onHoldText(visit)}. It cannot be scheduled or dispatched until the agreement is reactivated.</Alert>}
        {visit.rescheduleReason && <Alert color="yellow" variant="light">Needs rescheduling: {visit.rescheduleReason}</Alert>}
        {error && <Alert color="red" variant="light" role="alert">{error}</Alert>}
        <Group grow align="flex-end" wrap="wrap">
          <NativeSelect label="Technician" value={tech} onChange={(e) => setTech(e.currentTarget.value)} data={[{ value: '', label: 'Choose…' }, ...techs.map((t) => ({ value: t.id, label: t.name }))]} />
          <TextInput label="Date" type="date" value={date} onChange={(e) => setDate(e.currentTarget.value)} />
          <TextInput label="Start time" type="time" step={900} value={time} onChange={(e) => setTime(e.currentTarget.value)} />
          <TextInput label="Duration (minutes)" type="number" min={5} step={15} value={duration} onChange={(e) => setDuration(e.currentTarget.value)} />
        </Group>
        {suggestions && (
          <Stack gap={4} data-testid="suggestions">
            <Text size="sm" c="dimmed">
              Travel measured by {suggestions.basis === 'coordinates' ? 'straight-line distance' : 'ZIP code proximity'}: {suggestions.basisReason}
            </Text>
            {suggestions.suggestions.length === 0 && <Text size="sm">No free qualified technician within the window.</Text>}
            {suggestions.suggestions.map((s, i) => (
              <Group key={i} justify="space-between" wrap="wrap">
                <Text size="sm">
                  {s.technicianName}, {dayLabel(dateOf(s.start, tz))} {timeText(s.start, tz)}–{timeText(s.end, tz)}
                  {s.addedTravel !== null ? ` (+${s.addedTravel}${suggestions.basis === 'coordinates' ? ' km' : ' ZIP steps'})` : ''}
                </Text>
                <Button size="xs" variant="light" onClick={async () => (await actions.schedule(visit, { technicianId: s.technicianId, start: s.start, end: s.end })) && onClose()}>
                  Accept
                </Button>
              </Group>
            ))}
          </Stack>
        )}
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            {!visit.technicianId && (
              <Button variant="default" onClick={() => void suggest()}>
                Suggest
              </Button>
            )}
            {visit.technicianId && (
              <Button variant="default" color="red" onClick={async () => (await actions.unassign(visit)) && onClose()}>
                Unassign
              </Button>
            )}
            {visit.status === 'scheduled' && (
              <Button variant="default" onClick={() => void dispatch()}>
                Dispatch
              </Button>
            )}
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button loading={actions.busy} onClick={() => void save()}>
              {visit.technicianId ? 'Save' : 'Assign'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  )
}
