import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AgreementStatus } from '../db/schema.ts'
import { assertTransition, canTransition, type AgreementAction } from './agreement-status.ts'
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

const STATUSES: AgreementStatus[] = ['pending_approval', 'active', 'suspended', 'rejected', 'closed', 'expired', 'renewed']
// action → the statuses it applies to and the status it leads to
const LIFE_CYCLE: Record<AgreementAction, [AgreementStatus[], AgreementStatus]> = {
  approve: [['pending_approval'], 'active'],
  reject: [['pending_approval'], 'rejected'],
  suspend: [['active'], 'suspended'],
  reactivate: [['suspended'], 'active'],
  close: [['active', 'suspended'], 'closed'],
  expire: [['active', 'suspended'], 'expired'],
  renew: [['active', 'suspended', 'expired'], 'renewed'],
}

test('every status and action: a term ends renewed or expired, a late renewal revives an expired one, rejected, closed and renewed are final', () => {
  for (const [action, [from, to]] of Object.entries(LIFE_CYCLE) as [AgreementAction, [AgreementStatus[], AgreementStatus]][])
    for (const status of STATUSES) {
      assert.equal(canTransition(status, action), from.includes(status), `${status} ${action}`)
      if (from.includes(status)) assert.equal(assertTransition(status, action), to, `${status} ${action}`)
      else assert.throws(() => assertTransition(status, action), (e: AppError) => e.kind === 'not_allowed' && e.code === `agreement_${action}_not_allowed`, `${status} ${action}`)
    }
})

test('a refusal names the status and the action in words', () => {
  const messages: [AgreementStatus, AgreementAction, string][] = [
    ['pending_approval', 'suspend', 'An agreement that is pending approval cannot be suspended'],
    ['active', 'approve', 'An agreement that is active cannot be approved'],
    ['active', 'reject', 'An agreement that is active cannot be rejected'],
    ['active', 'reactivate', 'An agreement that is active cannot be reactivated'],
    ['closed', 'close', 'An agreement that is closed cannot be closed'],
    ['renewed', 'expire', 'An agreement that is renewed cannot be expired'],
    ['rejected', 'renew', 'An agreement that is rejected cannot be renewed'],
  ]
  for (const [status, action, message] of messages) {
    assert.throws(() => assertTransition(status, action), { message })
  }
})
