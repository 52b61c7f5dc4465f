import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertTransition, canTransition } from './agreement-status.ts'
import { AppError } from './errors.ts'

test('agreement transitions follow the life cycle', () => {
  assert.equal(assertTransition('pending_approval', 'approve'), 'active')
  assert.equal(assertTransition('pending_approval', 'reject'), 'rejected')
  assert.equal(assertTransition('active', 'suspend'), 'suspended')
  assert.equal(assertTransition('suspended', 'reactivate'), 'active')
  assert.equal(assertTransition('suspended', 'close'), 'closed')
  for (const [from, action] of [
    ['active', 'approve'],
    ['rejected', 'approve'],
    ['closed', 'reactivate'],
    ['pending_approval', 'suspend'],
    ['closed', 'close'],
  ] as const) {
    assert.equal(canTransition(from, action), false)
    assert.throws(() => assertTransition(from, action), (e: AppError) => e.kind === 'not_allowed')
  }
})
