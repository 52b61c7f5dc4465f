/** The classified errors services raise: kind (→ one HTTP status), a stable code, and a message for people. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError, conflict, notAllowed, notFound, unreachable, validationError } from './errors.ts'

test('an AppError is an Error carrying its kind, code, message and details', () => {
  const e = new AppError('integration', 'gateway_unavailable', 'The card gateway did not answer', { retryAfterSeconds: 30 })
  assert.ok(e instanceof Error)
  assert.equal(e.name, 'AppError')
  assert.deepEqual([e.kind, e.code, e.message, e.details], ['integration', 'gateway_unavailable', 'The card gateway did not answer', { retryAfterSeconds: 30 }])
  assert.equal(new AppError('conflict', 'x', 'y').details, undefined)
})

test('not found names the thing in words and the id asked for', () => {
  const e = notFound('work_order', 'wo_01jab')
  assert.deepEqual([e.kind, e.code, e.message], ['not_found', 'work_order_not_found', 'No work order with id wo_01jab'])
  assert.equal(notFound('payment_method_link', 'x').message, 'No payment method link with id x', 'every underscore')
})

test('a validation error names each field and its reason', () => {
  const e = validationError({ 'locations.0.postalCode': 'must be 5 digits' })
  assert.deepEqual([e.kind, e.code, e.message, e.details], ['validation', 'validation_failed', 'Some fields are invalid', { fields: { 'locations.0.postalCode': 'must be 5 digits' } }])
  assert.equal(validationError({ email: 'is taken' }, 'That e-mail is in use').message, 'That e-mail is in use')
})

test('conflict and not allowed keep the code and message given', () => {
  assert.deepEqual(
    [conflict('invoice_being_charged', 'Being charged').kind, conflict('invoice_being_charged', 'Being charged').code, conflict('a', 'Being charged').message],
    ['conflict', 'invoice_being_charged', 'Being charged'],
  )
  const e = notAllowed('quote_send_not_allowed', 'Only a draft')
  assert.deepEqual([e.kind, e.code, e.message], ['not_allowed', 'quote_send_not_allowed', 'Only a draft'])
})

test('an unhandled member of a closed union fails loudly, naming the value', () => {
  assert.throws(() => unreachable('refunded' as never), { message: 'unhandled case: "refunded"' })
})
