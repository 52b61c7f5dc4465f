import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cardPointeClientSettings, readCardPointeEnv } from './cardpointe.ts'

test('defaults point at the local sandbox with the UAT test merchant and a read timeout above 32 s', () => {
  const env = readCardPointeEnv({})
  assert.deepEqual(cardPointeClientSettings(env), {
    baseUrl: 'http://127.0.0.1:3101',
    merchantId: '496160873888',
    username: 'testing',
    password: 'testing123',
    readTimeoutMs: 40_000,
  })
  assert.equal(env.CARDPOINTE_SANDBOX_PORT, 3101)
})

test('the real gateway is configured by environment alone; bad values are named', () => {
  const env = readCardPointeEnv({
    CARDPOINTE_URL: 'https://fts-uat.cardconnect.com',
    CARDPOINTE_MERCHANT_ID: '800000000001',
    CARDPOINTE_USERNAME: 'apiuser',
    CARDPOINTE_PASSWORD: 'secret',
    CARDPOINTE_READ_TIMEOUT_MS: '45000',
  })
  assert.equal(cardPointeClientSettings(env).baseUrl, 'https://fts-uat.cardconnect.com')
  assert.equal(env.CARDPOINTE_READ_TIMEOUT_MS, 45_000)
  assert.throws(() => readCardPointeEnv({ CARDPOINTE_URL: 'not a url', CARDPOINTE_MERCHANT_ID: 'abc' }), /CARDPOINTE_URL[\s\S]*CARDPOINTE_MERCHANT_ID/)
})
