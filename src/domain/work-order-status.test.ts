import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { WorkOrderStatus } from '../db/schema.ts'
import { AppError } from './errors.ts'
import { assertWorkOrder, canWorkOrder, onTechnicianList, workOrdersThatCan } from './work-order-status.ts'

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
