import type { WorkOrderStatus } from '../db/schema.ts'
import { notAllowed } from './errors.ts'

/**
 * The work-order life cycle. Suspension (an agreement unpaid) takes a work order off the schedule
 * and off technicians' lists until the agreement is reactivated, which puts it back where it was.
 *
 *   open ──schedule──▶ scheduled ──dispatch──▶ dispatched ──complete──▶ completed
 *     │                    │                      │
 *     └───── suspend / cancel (open, scheduled, dispatched) ─────▶ suspended / cancelled
 *   suspended ──resume──▶ the status it had;  suspended ──cancel──▶ cancelled
 */
export type WorkOrderAction = 'schedule' | 'dispatch' | 'complete' | 'suspend' | 'resume' | 'cancel'

const FROM: Record<WorkOrderAction, readonly WorkOrderStatus[]> = {
  schedule: ['open', 'scheduled'],
  dispatch: ['scheduled'],
  complete: ['scheduled', 'dispatched'],
  suspend: ['open', 'scheduled', 'dispatched'],
  resume: ['suspended'],
  cancel: ['open', 'scheduled', 'dispatched', 'suspended'],
}

/** The statuses `action` applies to: what a bulk update (suspend an agreement's work orders) selects. */
export function workOrdersThatCan(action: WorkOrderAction): WorkOrderStatus[] {
  return [...FROM[action]]
}

export function canWorkOrder(current: WorkOrderStatus, action: WorkOrderAction): boolean {
  return FROM[action].includes(current)
}

/** A 409 naming why, e.g. a suspended work order cannot be scheduled or dispatched. */
export function assertWorkOrder(current: WorkOrderStatus, action: WorkOrderAction): void {
  if (canWorkOrder(current, action)) return
  const why = current === 'suspended' ? 'its agreement is suspended for non-payment; reactivate the agreement first' : `it is ${current}`
  throw notAllowed(`work_order_${action}_not_allowed`, `This work order cannot be ${PAST[action]}: ${why}`)
}

/** Whether a work order is on a technician's list (assigned, to be done). */
export function onTechnicianList(status: WorkOrderStatus): boolean {
  return status === 'scheduled' || status === 'dispatched'
}

const PAST: Record<WorkOrderAction, string> = {
  schedule: 'scheduled',
  dispatch: 'dispatched',
  complete: 'completed',
  suspend: 'suspended',
  resume: 'resumed',
  cancel: 'cancelled',
}
