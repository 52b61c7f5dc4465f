import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { WorkOrderStatus } from '../db/schema.ts'
import { AppError } from './errors.ts'
import { assertWorkOrder, canWorkOrder, onHold, onTechnicianList, STATUS_WORDS, workOrdersThatCan, type WorkOrderAction } from './work-order-status.ts'

const ALL: WorkOrderStatus[] = ['open', 'scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed', 'cancelled', 'suspended']
const held = { agreementId: 'agr_1', agreementNumber: 1042, agreementName: 'Comfort Club' }

test('a visit on hold cannot be scheduled, dispatched, started or completed, names its agreement, and is on no technician list', () => {
  for (const action of ['schedule', 'unschedule', 'dispatch', 'travel', 'start', 'complete'] as const) {
    assert.equal(canWorkOrder('suspended', action), false)
    assert.throws(
      () => assertWorkOrder('suspended', action, held),
      (e: AppError) =>
        e.kind === 'not_allowed' && e.code === 'agreement_suspended' && /agreement #1042 \(Comfort Club\) is suspended; reactivate the agreement/.test(e.message),
    )
  }
  assert.equal(onTechnicianList('suspended'), false)
  assert.equal(canWorkOrder('suspended', 'resume'), true)
  assert.equal(canWorkOrder('suspended', 'cancel'), true)
})

test('suspension takes what is still to be done; finished work stays as it is', () => {
  assert.deepEqual(workOrdersThatCan('suspend'), ['open', 'scheduled', 'dispatched', 'on_the_way', 'in_progress'])
  for (const s of ['completed', 'cancelled', 'suspended'] as const) assert.equal(canWorkOrder(s, 'suspend'), false)
  assert.deepEqual(ALL.filter(onTechnicianList), ['scheduled', 'dispatched', 'on_the_way', 'in_progress', 'completed'])
  assert.doesNotThrow(() => assertWorkOrder('open', 'schedule'))
  assert.throws(() => assertWorkOrder('completed', 'dispatch'), (e: AppError) => e.code === 'work_order_dispatch_not_allowed' && /it is completed/.test(e.message))
})

test('the way through a visit: travel, start and complete; a visit under way cannot be moved or unscheduled', () => {
  assert.ok(canWorkOrder('dispatched', 'travel') && canWorkOrder('on_the_way', 'start') && canWorkOrder('in_progress', 'complete'))
  assert.ok(canWorkOrder('scheduled', 'complete'), 'a forgotten tap does not block completion')
  for (const s of ['on_the_way', 'in_progress', 'completed'] as const) {
    assert.equal(canWorkOrder(s, 'schedule'), false)
    assert.equal(canWorkOrder(s, 'unschedule'), false)
  }
  assert.equal(canWorkOrder('open', 'dispatch'), false, 'an unscheduled visit has no one to dispatch to')
  assert.equal(canWorkOrder('in_progress', 'cancel'), false)
})

// status → the actions it allows
const ALLOWED: Record<WorkOrderStatus, WorkOrderAction[]> = {
  open: ['schedule', 'suspend', 'cancel'],
  scheduled: ['schedule', 'unschedule', 'dispatch', 'travel', 'start', 'complete', 'suspend', 'cancel'],
  dispatched: ['schedule', 'unschedule', 'travel', 'start', 'complete', 'suspend', 'cancel'],
  on_the_way: ['start', 'complete', 'suspend', 'cancel'],
  in_progress: ['complete', 'suspend'],
  completed: [],
  cancelled: [],
  suspended: ['resume', 'cancel'],
}
const ACTIONS: WorkOrderAction[] = ['schedule', 'unschedule', 'dispatch', 'travel', 'start', 'complete', 'suspend', 'resume', 'cancel']

test('every status and action: what is allowed; completed and cancelled are final, a visit on hold only resumes or is cancelled', () => {
  for (const status of ALL)
    for (const action of ACTIONS) {
      const allowed = ALLOWED[status].includes(action)
      assert.equal(canWorkOrder(status, action), allowed, `${status} ${action}`)
      if (allowed) assert.doesNotThrow(() => assertWorkOrder(status, action), `${status} ${action}`)
      else assert.throws(() => assertWorkOrder(status, action), AppError, `${status} ${action}`)
    }
  for (const action of ACTIONS) assert.deepEqual(workOrdersThatCan(action), ALL.filter((s) => ALLOWED[s].includes(action)), action)
})

test('a refusal says in words what the visit cannot be and what it is', () => {
  const refusals: [WorkOrderStatus, WorkOrderAction, string][] = [
    ['open', 'unschedule', 'This visit cannot be unscheduled: it is unscheduled'],
    ['open', 'dispatch', 'This visit cannot be dispatched: it is unscheduled'],
    ['in_progress', 'schedule', 'This visit cannot be scheduled: it is in progress'],
    ['on_the_way', 'travel', 'This visit cannot be marked on the way: it is on the way'],
    ['completed', 'start', 'This visit cannot be started: it is completed'],
    ['cancelled', 'complete', 'This visit cannot be completed: it is cancelled'],
    ['completed', 'suspend', 'This visit cannot be put on hold: it is completed'],
    ['scheduled', 'resume', 'This visit cannot be resumed: it is scheduled'],
    ['in_progress', 'cancel', 'This visit cannot be cancelled: it is in progress'],
    ['dispatched', 'dispatch', 'This visit cannot be dispatched: it is dispatched'],
  ]
  for (const [status, action, message] of refusals)
    assert.throws(() => assertWorkOrder(status, action), (e: AppError) => e.kind === 'not_allowed' && e.code === `work_order_${action}_not_allowed` && e.message === message && e.details === undefined)
  assert.equal(STATUS_WORDS.suspended, 'On hold (agreement suspended)')
  assert.equal(STATUS_WORDS.open, 'Unscheduled', 'what the office calls an open visit')
})

test('a visit on hold names its agreement and carries it for the page to link; without it, says "its agreement"', () => {
  const e = onHold('complete', held)
  assert.deepEqual([e.kind, e.code, e.message, e.details], [
    'not_allowed',
    'agreement_suspended',
    'This visit cannot be completed: it is on hold because agreement #1042 (Comfort Club) is suspended; reactivate the agreement first',
    { agreementId: 'agr_1', agreementNumber: 1042 },
  ])
  const opened = onHold(null, held)
  assert.equal(opened.message, 'This visit is on hold because agreement #1042 (Comfort Club) is suspended; reactivate the agreement first', 'a technician opening it')
  const unnamed = onHold('start', null)
  assert.deepEqual([unnamed.message, unnamed.details], ['This visit cannot be started: it is on hold because its agreement is suspended; reactivate the agreement first', null])
  assert.throws(() => assertWorkOrder('suspended', 'dispatch'), (e: AppError) => e.code === 'agreement_suspended' && /because its agreement is suspended/.test(e.message) && e.details === null)
})
