import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { WorkOrderStatus } from '../db/schema.ts'
import { AppError } from './errors.ts'
import { assertWorkOrder, canWorkOrder, onTechnicianList, workOrdersThatCan } from './work-order-status.ts'

const ALL: WorkOrderStatus[] = ['open', 'scheduled', 'dispatched', 'completed', 'cancelled', 'suspended']

test('a suspended work order cannot be scheduled, dispatched or completed, and is on no technician list', () => {
  for (const action of ['schedule', 'dispatch', 'complete'] as const) {
    assert.equal(canWorkOrder('suspended', action), false)
    assert.throws(
      () => assertWorkOrder('suspended', action),
      (e: AppError) => e.kind === 'not_allowed' && /reactivate the agreement/.test(e.message),
    )
  }
  assert.equal(onTechnicianList('suspended'), false)
  assert.equal(canWorkOrder('suspended', 'resume'), true)
  assert.equal(canWorkOrder('suspended', 'cancel'), true)
})

test('suspension takes what is still to be done; finished work stays as it is', () => {
  assert.deepEqual(workOrdersThatCan('suspend'), ['open', 'scheduled', 'dispatched'])
  for (const s of ['completed', 'cancelled', 'suspended'] as const) assert.equal(canWorkOrder(s, 'suspend'), false)
  assert.deepEqual(ALL.filter(onTechnicianList), ['scheduled', 'dispatched'])
  assert.doesNotThrow(() => assertWorkOrder('open', 'schedule'))
  assert.throws(() => assertWorkOrder('completed', 'dispatch'), /it is completed/)
})
