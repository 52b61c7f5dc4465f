import { DndContext, DragOverlay, PointerSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core'
import { Button, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput } from '@mantine/core'
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react'
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { BoardDto, ChangesDto, VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import { api } from '../api.ts'
import { LoadState, Page } from '../page.tsx'
import { useApiQuery } from '../query.ts'
import { navigate, useLocation, withQuery } from '../router.tsx'
import { cellKey, DAY_END, DAY_START, DayLanes, PX_PER_MIN, SNAP, UnscheduledDrop, VisitChip, WeekLanes, type Byslot } from './board-lanes.tsx'
import { useScheduleActions } from './schedule-actions.tsx'
import { VisitDialog } from './visit-dialog.tsx'
import { addDays, addMinutes, dateOf, instantAt, minutesBetween, timeText, VISIT_STATUS_LABELS, weekStart } from './visit-text.ts'
import './board.css'

const POLL_MS = 4000
const STATUSES = ['scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed', 'suspended'] as const

/**
 * The dispatch board: day and week views with a lane per technician and the unscheduled list
 * beside them. Drag to assign, move, resize (day view) or unassign (drop on the list); every visit
 * also opens a dialog doing the same by keyboard. Other users' changes arrive by polling the
 * changes feed and are merged into the board in place.
 */
export function BoardPage() {
  const { query } = useLocation()
  const view = query.get('view') === 'day' ? 'day' : 'week'
  const filters = { window: query.get('window') ?? '', skill: query.get('skill') ?? '', area: query.get('area') ?? '', status: query.get('status') ?? '' }
  const go = (changes: Record<string, string>) => navigate(withQuery('/schedule', { view, date: query.get('date') ?? undefined, ...filters, ...changes }), { replace: true })

  // The company's today comes with the first board answer; until then the browser's.
  const [today, setToday] = useState<string | null>(null)
  const date = query.get('date') ?? today ?? new Date().toISOString().slice(0, 10)
  const from = view === 'day' ? date : weekStart(date)
  const days = view === 'day' ? 1 : 7
  const boardPath = withQuery('/api/schedule/board', { from, days })
  const board = useApiQuery<BoardDto>(boardPath)
  const tz = board.data?.timeZone
  useEffect(() => {
    if (tz && !today) setToday(dateOf(new Date().toISOString(), tz))
  }, [tz, today])

  const thisWeek = weekStart(today ?? date)
  const listPath = withQuery('/api/visits', {
    status: 'open,suspended',
    pageSize: 200,
    windowFrom: filters.window === 'week' ? thisWeek : undefined,
    windowTo: filters.window === 'week' ? addDays(thisWeek, 6) : undefined,
    overdue: filters.window === 'overdue' || undefined,
    skill: filters.skill || undefined,
    area: filters.area || undefined,
  })
  const list = useApiQuery<PageOf<VisitSummaryDto>>(listPath)
  const unscheduled = useMemo(() => list.data?.items.filter((v) => !v.scheduledStart) ?? [], [list.data])

  usePollChanges(boardPath, board.data, listPath)

  const visible = useMemo(() => {
    const area = filters.area.toLowerCase()
    return (board.data?.visits ?? []).filter(
      (v) =>
        (!filters.status || v.status === filters.status) &&
        (!filters.skill || v.requiredSkill === filters.skill.toLowerCase()) &&
        (!area || v.location.postalCode.startsWith(area) || v.location.city.toLowerCase() === area),
    )
  }, [board.data, filters.status, filters.skill, filters.area])
  const slots = useMemo(() => {
    const map: Byslot = new Map()
    if (!tz) return map
    for (const v of visible) {
      if (!v.technicianId || !v.scheduledStart) continue
      const key = cellKey(v.technicianId, dateOf(v.scheduledStart, tz))
      const list = map.get(key)
      if (list) list.push(v)
      else map.set(key, [v])
    }
    for (const list of map.values()) list.sort((a, b) => a.scheduledStart!.localeCompare(b.scheduledStart!))
    return map
  }, [visible, tz])
  const byId = useMemo(() => new Map([...(board.data?.visits ?? []), ...unscheduled].map((v) => [v.id, v])), [board.data, unscheduled])

  const [openId, setOpenId] = useState<string | null>(null)
  const [dragging, setDragging] = useState<VisitSummaryDto | null>(null)
  const onOpen = useCallback((id: string) => setOpenId(id), [])
  // A change saved (also after confirming its conflicts) closes the visit's dialog.
  const actions = useScheduleActions(useCallback(() => setOpenId(null), []))
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }))

  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const visit = e.active.data.current?.visit as VisitSummaryDto | undefined
    if (!visit || !board.data || !tz) return
    if (e.active.data.current?.resize) {
      if (!visit.scheduledStart || !visit.scheduledEnd || !visit.technicianId) return
      const minutes = Math.max(SNAP, Math.round((minutesBetween(visit.scheduledStart, visit.scheduledEnd) + e.delta.x / PX_PER_MIN) / SNAP) * SNAP)
      void actions.schedule(visit, { technicianId: visit.technicianId, start: visit.scheduledStart, end: addMinutes(visit.scheduledStart, minutes) })
      return
    }
    const over = e.over?.id ? String(e.over.id) : null
    if (!over) return
    if (over === 'unscheduled') {
      if (visit.technicianId) void actions.unassign(visit)
      return
    }
    const [, technicianId, day] = over.split(':')
    const length = visit.scheduledStart && visit.scheduledEnd ? minutesBetween(visit.scheduledStart, visit.scheduledEnd) : visit.durationMinutes
    let minute: number
    const dropped = e.active.rect.current.translated
    if (view === 'day' && dropped && e.over) {
      minute = DAY_START + Math.round((dropped.left - e.over.rect.left) / PX_PER_MIN / SNAP) * SNAP
      minute = Math.min(Math.max(minute, 0), DAY_END * 1 - SNAP)
    } else {
      const working = board.data.technicians.find((t) => t.id === technicianId)?.days.find((d) => d.date === day)?.working[0]
      const keep = visit.scheduledStart ? timeText(visit.scheduledStart, tz) : working ? timeText(working.start, tz) : '08:00'
      const [h, m] = keep.split(':').map(Number)
      minute = h! * 60 + m!
    }
    const start = instantAt(day!, minute, tz)
    if (visit.technicianId === technicianId && visit.scheduledStart === start) return
    void actions.schedule(visit, { technicianId: technicianId!, start, end: addMinutes(start, length) })
  }

  const step = (n: number) => go({ date: addDays(date, n * days) })
  const skills = useMemo(() => [...new Set(board.data?.technicians.flatMap((t) => t.skills) ?? [])].sort(), [board.data])
  const dates = useMemo(() => Array.from({ length: days }, (_, i) => addDays(from, i)), [from, days])
  const open = openId ? (byId.get(openId) ?? null) : null

  return (
    <Page title="Schedule">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl aria-label="View" value={view} onChange={(v) => go({ view: v })} data={[{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }]} />
        <Group gap={4}>
          <Button variant="default" aria-label={`Previous ${view}`} onClick={() => step(-1)}>
            <IconChevronLeft size={16} aria-hidden />
          </Button>
          <TextInput aria-label="Date" type="date" value={date} onChange={(e) => e.currentTarget.value && go({ date: e.currentTarget.value })} />
          <Button variant="default" aria-label={`Next ${view}`} onClick={() => step(1)}>
            <IconChevronRight size={16} aria-hidden />
          </Button>
          <Button variant="default" onClick={() => go({ date: today ?? date })}>
            Today
          </Button>
        </Group>
        <NativeSelect label="Window" value={filters.window} onChange={(e) => go({ window: e.currentTarget.value })} data={[{ value: '', label: 'Any' }, { value: 'week', label: 'Due this week' }, { value: 'overdue', label: 'Overdue' }]} />
        <NativeSelect label="Skill" value={filters.skill} onChange={(e) => go({ skill: e.currentTarget.value })} data={[{ value: '', label: 'Any' }, ...skills]} />
        <TextInput label="Area" placeholder="ZIP prefix or city" value={filters.area} onChange={(e) => go({ area: e.currentTarget.value })} w={150} />
        <NativeSelect label="Status" value={filters.status} onChange={(e) => go({ status: e.currentTarget.value })} data={[{ value: '', label: 'Any' }, ...STATUSES.map((s) => ({ value: s, label: VISIT_STATUS_LABELS[s] }))]} />
      </Group>
      <LoadState loading={board.isLoading} error={board.error?.message ?? null} />
      {board.data && (
        <DndContext sensors={sensors} onDragStart={(e: DragStartEvent) => setDragging((e.active.data.current?.visit as VisitSummaryDto) ?? null)} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
          <div className="board-layout">
            <Stack gap={4}>
              <Text fw={600} size="sm">
                Unscheduled ({unscheduled.length}
                {list.data && list.data.total > list.data.items.length ? ` of ${list.data.total}` : ''})
              </Text>
              <UnscheduledDrop>
                <Stack gap={4}>
                  {unscheduled.map((v) => (
                    <VisitChip key={v.id} visit={v} tz={board.data!.timeZone} onOpen={onOpen} />
                  ))}
                  {list.data && unscheduled.length === 0 && <Text size="sm" c="dimmed">Nothing waiting to be scheduled.</Text>}
                </Stack>
              </UnscheduledDrop>
            </Stack>
            <div className="board-box" role="region" aria-label={`${view === 'day' ? 'Day' : 'Week'} board`} tabIndex={0}>
              {board.data.technicians.length === 0 ? (
                <Text p="md">No technicians yet: add them on the Technicians page.</Text>
              ) : view === 'day' ? (
                <DayLanes board={board.data} date={date} slots={slots} onOpen={onOpen} />
              ) : (
                <WeekLanes board={board.data} dates={dates} slots={slots} onOpen={onOpen} />
              )}
            </div>
          </div>
          <DragOverlay>{dragging ? <div className="visit-chip" style={{ padding: '2px 6px' }}>{dragging.description} · {dragging.customerName}</div> : null}</DragOverlay>
        </DndContext>
      )}
      {board.data && <VisitDialog visit={open} board={board.data} actions={actions} defaultDate={date} onClose={() => setOpenId(null)} />}
      {actions.conflictDialog}
    </Page>
  )
}

/**
 * Polls GET /api/schedule/changes with the board's cursor and merges changed visits into the
 * cached board (replacing by id, dropping those that left its range); a resync or a technician
 * change reloads it. The unscheduled list reloads when anything changed.
 */
function usePollChanges(boardPath: string, board: BoardDto | undefined, listPath: string) {
  const client = useQueryClient()
  const cursor = useRef<string | null>(null)
  useEffect(() => {
    if (board) cursor.current = board.cursor
  }, [board])
  useEffect(() => {
    let stopped = false
    const timer = setInterval(async () => {
      if (!cursor.current || stopped) return
      try {
        const c = await api<ChangesDto>('GET', `/api/schedule/changes?cursor=${cursor.current}`)
        if (stopped) return
        cursor.current = c.cursor
        if (c.resync || c.technicians.length) {
          void client.invalidateQueries({ queryKey: [boardPath] })
          void client.invalidateQueries({ queryKey: [listPath] })
          return
        }
        if (!c.visits.length) return
        client.setQueryData<BoardDto>([boardPath], (old) => {
          if (!old) return old
          const inRange = (v: VisitSummaryDto) => !!v.scheduledStart && !!v.technicianId && dateOf(v.scheduledStart, old.timeZone) >= old.from && dateOf(v.scheduledStart, old.timeZone) < old.to
          const changed = new Map(c.visits.map((v) => [v.id, v]))
          const kept = old.visits.filter((v) => !changed.has(v.id))
          return { ...old, cursor: c.cursor, visits: [...kept, ...c.visits.filter(inRange)] }
        })
        void client.invalidateQueries({ queryKey: [listPath] })
      } catch {
        // A failed poll (network, session) is retried at the next tick.
      }
    }, POLL_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [client, boardPath, listPath])
}
