import { useDraggable, useDroppable } from '@dnd-kit/core'
import { memo, type CSSProperties, type ReactNode } from 'react'
import type { BoardDto, VisitSummaryDto } from '../../../src/contracts/scheduling.ts'
import { dayLabel, hhmm, minutesBetween, onHoldText, timeText, VISIT_STATUS_LABELS } from './visit-text.ts'
import { localMinuteOfDay } from '../../../src/domain/time-zone.ts'

/** The day view's visible hours and scale: 06:00 to 21:00 at 1.2 px a minute. */
export const DAY_START = 6 * 60
export const DAY_END = 21 * 60
export const PX_PER_MIN = 1.2
export const SNAP = 15

type Tech = BoardDto['technicians'][number]
export type Byslot = Map<string, VisitSummaryDto[]>
export const cellKey = (technicianId: string, date: string) => `cell:${technicianId}:${date}`

interface ChipProps {
  visit: VisitSummaryDto
  tz: string
  color?: string
  onOpen(id: string): void
  style?: CSSProperties
  resizable?: boolean
}

/** One visit: drag it by its body, resize it by its right edge (day view); click or Enter opens its dialog. */
export const VisitChip = memo(function VisitChip({ visit, tz, color, onOpen, style, resizable }: ChipProps) {
  const drag = useDraggable({ id: visit.id, data: { visit } })
  const resize = useDraggable({ id: `resize:${visit.id}`, data: { visit, resize: true }, disabled: !resizable })
  const when = visit.scheduledStart ? `${timeText(visit.scheduledStart, tz)} ` : ''
  const label = `${when}${visit.description} · ${visit.customerName}`
  return (
    <div
      ref={drag.setNodeRef}
      {...drag.listeners}
      className="visit-chip"
      data-visit={visit.id}
      data-hold={visit.onHold ? true : undefined}
      data-dragging={drag.isDragging || undefined}
      style={{ ...style, borderLeftColor: color }}
      title={visit.onHold ? onHoldText(visit) : `${label} (${visit.location.city}) · ${VISIT_STATUS_LABELS[visit.status]}`}
    >
      <button type="button" onClick={() => onOpen(visit.id)} aria-label={`${label}, ${visit.onHold ? 'on hold' : VISIT_STATUS_LABELS[visit.status]}`}>
        {visit.onHold ? 'On hold · ' : ''}
        {label}
      </button>
      {resizable && <div ref={resize.setNodeRef} {...resize.listeners} className="resize-handle" aria-hidden data-resize={visit.id} />}
    </div>
  )
})

function Drop({ id, className, style, children, off }: { id: string; className: string; style?: CSSProperties; children: ReactNode; off?: boolean }) {
  const { setNodeRef, isOver } = useDroppable({ id })
  return (
    <div ref={setNodeRef} className={className} style={style} data-over={isOver || undefined} data-off={off || undefined} data-cell={id}>
      {children}
    </div>
  )
}

const TRACK_WIDTH = (DAY_END - DAY_START) * PX_PER_MIN

/** Day view: one row per technician, a time track with working hours shaded and visits placed by time. */
export const DayLanes = memo(function DayLanes({ board, date, slots, onOpen }: { board: BoardDto; date: string; slots: Byslot; onOpen(id: string): void }) {
  const tz = board.timeZone
  const hours = []
  for (let m = DAY_START; m < DAY_END; m += 60) hours.push(m)
  return (
    <div style={{ width: `calc(9rem + ${TRACK_WIDTH}px)` }}>
      <div className="week-head">
        <div className="lane-name">Technician</div>
        <div className="lane-track" style={{ width: TRACK_WIDTH, height: 20 }}>
          {hours.map((m) => (
            <span key={m} className="hour-mark" style={{ left: (m - DAY_START) * PX_PER_MIN }}>
              {hhmm(m)}
            </span>
          ))}
        </div>
      </div>
      {board.technicians.map((t) => (
        <DayLane key={t.id} tech={t} date={date} tz={tz} visits={slots.get(cellKey(t.id, date))} onOpen={onOpen} />
      ))}
    </div>
  )
})

const DayLane = memo(function DayLane({ tech, date, tz, visits, onOpen }: { tech: Tech; date: string; tz: string; visits?: VisitSummaryDto[]; onOpen(id: string): void }) {
  const day = tech.days.find((d) => d.date === date)
  const x = (iso: string) => (localMinuteOfDay(new Date(iso), tz) - DAY_START) * PX_PER_MIN
  return (
    <div className="lane" data-lane={tech.id}>
      <div className="lane-name">
        <span style={{ color: tech.color }} aria-hidden>
          ●{' '}
        </span>
        {tech.name}
        {day?.dayOff ? ` (off: ${day.dayOff})` : ''}
      </div>
      <Drop id={cellKey(tech.id, date)} className="lane-track" style={{ width: TRACK_WIDTH }} off={!!day?.dayOff}>
        {day?.dayOff && <div className="lane-off" />}
        {day?.working.map((w, i) => <div key={i} className="lane-work" style={{ left: x(w.start), width: minutesBetween(w.start, w.end) * PX_PER_MIN }} />)}
        {visits?.map((v) => (
          <VisitChip
            key={v.id}
            visit={v}
            tz={tz}
            color={tech.color}
            onOpen={onOpen}
            resizable={!v.onHold}
            style={{ left: Math.max(0, x(v.scheduledStart!)), width: Math.max(24, minutesBetween(v.scheduledStart!, v.scheduledEnd!) * PX_PER_MIN) }}
          />
        ))}
      </Drop>
    </div>
  )
})

/** Week view: one row per technician, one cell per day with its visits in order. */
export const WeekLanes = memo(function WeekLanes({ board, dates, slots, onOpen }: { board: BoardDto; dates: string[]; slots: Byslot; onOpen(id: string): void }) {
  return (
    <div style={{ width: `calc(9rem + ${dates.length * 10}rem)` }}>
      <div className="week-head">
        <div className="lane-name">Technician</div>
        {dates.map((d) => (
          <div key={d} className="week-cell" style={{ minHeight: 0 }}>
            {dayLabel(d)}
          </div>
        ))}
      </div>
      {board.technicians.map((t) => (
        <WeekLane key={t.id} tech={t} dates={dates} tz={board.timeZone} slots={slots} onOpen={onOpen} />
      ))}
    </div>
  )
})

function WeekLane({ tech, dates, tz, slots, onOpen }: { tech: Tech; dates: string[]; tz: string; slots: Byslot; onOpen(id: string): void }) {
  return (
    <div className="lane" data-lane={tech.id}>
      <div className="lane-name">
        <span style={{ color: tech.color }} aria-hidden>
          ●{' '}
        </span>
        {tech.name}
      </div>
      {dates.map((d) => {
        const day = tech.days.find((x) => x.date === d)
        return (
          <Drop key={d} id={cellKey(tech.id, d)} className="week-cell" off={!!day?.dayOff || !day?.working.length}>
            {slots.get(cellKey(tech.id, d))?.map((v) => <VisitChip key={v.id} visit={v} tz={tz} color={tech.color} onOpen={onOpen} />)}
          </Drop>
        )
      })}
    </div>
  )
}

/** The unscheduled list beside the lanes; dropping a visit here unassigns it. */
export function UnscheduledDrop({ children }: { children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: 'unscheduled' })
  return (
    <div ref={setNodeRef} className="unscheduled-box" data-over={isOver || undefined} aria-label="Unscheduled visits" role="region">
      {children}
    </div>
  )
}
