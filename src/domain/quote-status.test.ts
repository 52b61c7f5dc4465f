/**
 * The quote life cycle as a whole: for every status and action, whether it is allowed, the status
 * it leads to, and what the refusal (409) tells the office or the customer.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { QuoteStatus } from '../db/schema.ts'
import { AppError } from './errors.ts'
import { aQuote, assertQuoteAction, canQuote, type QuoteAction } from './quote-status.ts'

const STATUSES: QuoteStatus[] = ['draft', 'sent', 'viewed', 'accepted', 'declined', 'expired']
const ACTIONS: QuoteAction[] = ['edit', 'send', 'view', 'accept', 'decline', 'expire', 'revise']

// status → action → the status after it ('' : not allowed)
const LIFE_CYCLE: Record<QuoteStatus, Record<QuoteAction, QuoteStatus | ''>> = {
  draft: { edit: 'draft', send: 'sent', view: '', accept: '', decline: '', expire: '', revise: '' },
  sent: { edit: '', send: '', view: 'viewed', accept: 'accepted', decline: 'declined', expire: 'expired', revise: 'draft' },
  viewed: { edit: '', send: '', view: 'viewed', accept: 'accepted', decline: 'declined', expire: 'expired', revise: 'draft' },
  accepted: { edit: '', send: '', view: '', accept: '', decline: '', expire: '', revise: '' },
  declined: { edit: '', send: '', view: '', accept: '', decline: '', expire: '', revise: 'draft' },
  expired: { edit: '', send: '', view: '', accept: '', decline: '', expire: '', revise: 'draft' },
}

test('every status and action: only a draft is edited or sent, an accepted quote is final, the rest revise to a new draft', () => {
  for (const status of STATUSES)
    for (const action of ACTIONS) {
      const to = LIFE_CYCLE[status][action]
      assert.equal(canQuote(status, action), to !== '', `${status} ${action}`)
      if (to) assert.equal(assertQuoteAction(status, action), to, `${status} ${action}`)
      else assert.throws(() => assertQuoteAction(status, action), (e: AppError) => e.kind === 'not_allowed' && e.code === `quote_${action}_not_allowed`, `${status} ${action}`)
    }
})

test('a refusal says why in words', () => {
  const message = (status: QuoteStatus, action: QuoteAction) => {
    try {
      assertQuoteAction(status, action)
    } catch (e) {
      return (e as AppError).message
    }
    assert.fail(`${status} ${action} was allowed`)
  }
  assert.equal(message('sent', 'edit'), 'A sent quote cannot be edited; make a new revision instead')
  assert.equal(message('viewed', 'send'), 'A viewed quote cannot be sent; only a draft can')
  assert.equal(message('draft', 'view'), 'A draft quote cannot be viewed by the customer')
  assert.equal(message('declined', 'accept'), 'A declined quote cannot be accepted')
  assert.equal(message('accepted', 'decline'), 'An accepted quote cannot be declined')
  assert.equal(message('expired', 'expire'), 'An expired quote cannot expire')
  assert.equal(message('draft', 'revise'), 'This quote is already a draft; edit it')
  assert.equal(message('accepted', 'revise'), 'An accepted quote cannot be revised')
  assert.deepEqual(STATUSES.map(aQuote), ['A draft quote', 'A sent quote', 'A viewed quote', 'An accepted quote', 'A declined quote', 'An expired quote'])
})
