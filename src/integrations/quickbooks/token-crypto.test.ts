import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { openToken, sealToken } from './token-crypto.ts'

const key = randomBytes(32)
const refresh = 'RT1-1700000000000-AbCdEf0123456789'

test('a sealed token opens with its key and context, and never shows the token', () => {
  const sealed = sealToken(refresh, key, 'realm-1')
  assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
  assert.ok(!sealed.includes(refresh))
  assert.equal(openToken(sealed, key, 'realm-1'), refresh)
  assert.notEqual(sealToken(refresh, key, 'realm-1'), sealed, 'a fresh IV every time')
})

test('a changed value, another key or another context does not open', () => {
  const sealed = sealToken(refresh, key, 'realm-1')
  const [v, iv, tag, ct] = sealed.split('.')
  const flipped = Buffer.from(ct, 'base64url')
  flipped[0] ^= 1
  assert.throws(() => openToken([v, iv, tag, flipped.toString('base64url')].join('.'), key, 'realm-1'), /does not open/)
  assert.throws(() => openToken(sealed, randomBytes(32), 'realm-1'), /does not open/)
  assert.throws(() => openToken(sealed, key, 'realm-2'), /does not open/)
  assert.throws(() => openToken('plain-text', key), /not a sealed token/)
  assert.throws(() => sealToken(refresh, randomBytes(16)), /32 bytes/)
})
