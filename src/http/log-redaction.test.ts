import { test } from 'node:test'
import assert from 'node:assert/strict'
import { newSignupToken } from '../domain/signup-token.ts'
import { newId } from '../domain/ids.ts'
import { maskSecrets } from './log-redaction.ts'

test('link tokens and secret query values never reach the request log; ids and ordinary values stay', () => {
  const token = 'XKkjDbg0-RWQrRrJ8ea1KdmkUdusEDLrU_hQLVfZf3U'
  assert.equal(maskSecrets(`/q/${token}`), '/q/[secret]')
  assert.equal(maskSecrets(`/pay/${token}`), '/pay/[secret]')
  assert.equal(maskSecrets(`/api/pay/${token}`), '/api/pay/[secret]')
  assert.equal(maskSecrets(`/api/signup/${token}/accept`), '/api/signup/[secret]/accept')
  assert.equal(maskSecrets(`/api/signup/${token}?a=1`), '/api/signup/[secret]?a=1')
  assert.equal(maskSecrets(`/somewhere/new?link=${token}&page=2`), '/somewhere/new?link=[secret]&page=2')
  assert.equal(maskSecrets('/x?token=abc&api_key=1&code=12&q=elm'), '/x?token=[secret]&api_key=[secret]&code=[secret]&q=elm')
  assert.equal(maskSecrets(`/x?${token}`), '/x?[secret]')
  assert.equal(maskSecrets('/x?%ZZ=1&q=%E0'), '/x?%ZZ=1&q=%E0')
  // Every freshly made token is masked, whatever characters it happened to draw.
  for (let i = 0; i < 200; i++) assert.equal(maskSecrets(`/pay/${newSignupToken().token}`), '/pay/[secret]')
  const id = newId('cus')
  assert.equal(maskSecrets(`/api/customers/${id}?q=lakeview%20blvd&through=2026-12-01`), `/api/customers/${id}?q=lakeview%20blvd&through=2026-12-01`)
  assert.equal(maskSecrets('/api/quotes/quo_1/send'), '/api/quotes/quo_1/send')
  assert.equal(maskSecrets('/assets/index-BXk3j2Lq.js'), '/assets/index-BXk3j2Lq.js')
})
