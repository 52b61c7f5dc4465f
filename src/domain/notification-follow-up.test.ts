import { test } from 'node:test'
import assert from 'node:assert/strict'
import { followUpOf } from './notification-follow-up.ts'

test('a sign-up asks for approval until it is approved or rejected', () => {
  assert.deepEqual(followUpOf('agreement.pending_approval', { status: 'pending_approval', owes: false }), { nextAction: 'Approve or reject', resolution: null })
  assert.deepEqual(followUpOf('agreement.pending_approval', { status: 'active', owes: false }), { nextAction: null, resolution: 'Approved' })
  assert.deepEqual(followUpOf('agreement.pending_approval', { status: 'rejected', owes: false }), { nextAction: null, resolution: 'Rejected' })
})

test('a suspension asks for the payment, then for reactivation once nothing is owed', () => {
  assert.equal(followUpOf('agreement.suspended', { status: 'suspended', owes: true }).nextAction, 'Collect the payment')
  assert.equal(followUpOf('agreement.suspended', { status: 'suspended', owes: false }).nextAction, 'Reactivate')
  assert.deepEqual(followUpOf('agreement.can_reactivate', { status: 'active', owes: false }), { nextAction: null, resolution: 'Reactivated' })
  assert.deepEqual(followUpOf('agreement.suspended', { status: 'closed', owes: false }), { nextAction: null, resolution: 'Agreement closed' })
})

test('a failed payment is done once nothing is owed; informational kinds have no follow-up', () => {
  assert.equal(followUpOf('billing.payment_failed', { status: 'active', owes: true }).nextAction, 'Send the payment link or retry')
  assert.equal(followUpOf('billing.retries_exhausted', { status: 'suspended', owes: false }).resolution, 'Paid: nothing is owed')
  assert.deepEqual(followUpOf('quote.declined', null), { nextAction: null, resolution: null })
  assert.deepEqual(followUpOf('billing.card_updated', { status: 'active', owes: false }), { nextAction: null, resolution: null })
})
