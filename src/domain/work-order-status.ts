import type { WorkOrderStatus } from '../db/schema.ts'
import { AppError, notAllowed } from './errors.ts'

/**
 * The work-order (visit) life cycle. `open` is what the office calls unscheduled; `suspended` is
 * "on hold because the agreement is suspended": an unpaid agreement takes its visits off the
 * schedule and off technicians' lists until it is reactivated, which puts each back where it was.
 *
 *   open ──schedule──▶ scheduled ──dispatch──▶ dispatched ──travel──▶ on_the_way ──start──▶ in_progress ──complete──▶ completed
 *     ▲                  │   ▲                    │   (travel, start and complete may skip steps: a visit can be completed
 *     └──unschedule──────┴───┴────────────────────┘    straight from scheduled when the technician forgot to tap)
 *   suspend: anything still to be done ──▶ suspended;  resume: suspended ──▶ the status it had
 *   cancel: open, scheduled, dispatched, on_the_way, suspended ──▶ cancelled
 *
 * A scheduled or dispatched visit can be moved (schedule again); a visit under way cannot.
 */
export type WorkOrderAction = 'schedule' | 'unschedule' | 'dispatch' | 'travel' | 'start' | 'complete' | 'suspend' | 'resume' | 'cancel'

const FROM: Record<WorkOrderAction, readonly WorkOrderStatus[]> = {
  schedule: ['open', 'scheduled', 'dispatched'],
  unschedule: ['scheduled', 'dispatched'],
  dispatch: ['scheduled'],
  travel: ['scheduled', 'dispatched'],
  start: ['scheduled', 'dispatched', 'on_the_way'],
  complete: ['scheduled', 'dispatched', 'on_the_way', 'in_progress'],
  suspend: ['open', 'scheduled', 'dispatched', 'on_the_way', 'in_progress'],
  resume: ['suspended'],
  cancel: ['open', 'scheduled', 'dispatched', 'on_the_way', 'suspended'],
}

/** The statuses `action` applies to: what a bulk update (suspend an agreement's work orders) selects. */
export function workOrdersThatCan(action: WorkOrderAction): WorkOrderStatus[] {
  return [...FROM[action]]
}

export function canWorkOrder(current: WorkOrderStatus, action: WorkOrderAction): boolean {
  return FROM[action].includes(current)
}

/** The suspended agreement a visit is on hold for, to name it in the refusal. */
export interface HeldBy {
  agreementId: string
  agreementNumber: number
  agreementName: string
}

/**
 * Throws unless `action` applies: a 409 naming why. A visit on hold (its agreement suspended) gets
 * `agreement_suspended` naming the agreement, whatever route or role asked.
 */
export function assertWorkOrder(current: WorkOrderStatus, action: WorkOrderAction, heldBy?: HeldBy | null): void {
  if (canWorkOrder(current, action)) return
  if (current === 'suspended') throw onHold(action, heldBy ?? null)
  throw notAllowed(`work_order_${action}_not_allowed`, `This visit cannot be ${PAST[action]}: it is ${STATUS_WORDS[current].toLowerCase()}`)
}

/** The refusal for a visit whose agreement is suspended (`action` null: opening it at all, as a technician). */
export function onHold(action: WorkOrderAction | null, heldBy: HeldBy | null): AppError {
  const which = heldBy ? `agreement #${heldBy.agreementNumber} (${heldBy.agreementName})` : 'its agreement'
  return new AppError(
    'not_allowed',
    'agreement_suspended',
    `${action ? `This visit cannot be ${PAST[action]}: it is` : 'This visit is'} on hold because ${which} is suspended; reactivate the agreement first`,
    heldBy ? { agreementId: heldBy.agreementId, agreementNumber: heldBy.agreementNumber } : null,
  )
}

/** Statuses on a technician's own list; the same visits hold the technician's time on the board. */
export const TECHNICIAN_LIST: readonly WorkOrderStatus[] = ['scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed']

/**
 * Whether a visit is on its technician's list and holds that time slot. An open (unscheduled),
 * cancelled or suspended (on hold) one is not: suspension frees the slot.
 */
export function onTechnicianList(status: WorkOrderStatus): boolean {
  return TECHNICIAN_LIST.includes(status)
}

/** How statuses read to people (board, technician pages, messages). */
export const STATUS_WORDS: Record<WorkOrderStatus, string> = {
  open: 'Unscheduled',
  scheduled: 'Scheduled',
  dispatched: 'Dispatched',
  on_the_way: 'On the way',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
  suspended: 'On hold (agreement suspended)',
}

const PAST: Record<WorkOrderAction, string> = {
  schedule: 'scheduled',
  unschedule: 'unscheduled',
  dispatch: 'dispatched',
  travel: 'marked on the way',
  start: 'started',
  complete: 'completed',
  suspend: 'put on hold',
  resume: 'resumed',
  cancel: 'cancelled',
}
