import { test } from 'node:test'
import assert from 'node:assert/strict'
import { maskLinkTokens } from './log-redaction.ts'

test('sign-up tokens never reach the request log; other paths are unchanged', () => {
  const token = 'XKkjDbg0-RWQrRrJ8ea1KdmkUdusEDLrU_hQLVfZf3U'
  assert.equal(maskLinkTokens(`/q/${token}`), '/q/[token]')
  assert.equal(maskLinkTokens(`/api/signup/${token}/accept`), '/api/signup/[token]/accept')
  assert.equal(maskLinkTokens(`/api/signup/${token}?a=1`), '/api/signup/[token]?a=1')
  assert.equal(maskLinkTokens('/api/quotes/quo_1/send'), '/api/quotes/quo_1/send')
  assert.equal(maskLinkTokens('/quotes/q/x'), '/quotes/q/x')
})
