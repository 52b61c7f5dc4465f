import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTokenKey, quickBooksSettings, readQuickBooksEnv } from './quickbooks.ts'

test('defaults point every host at the local sandbox with its own client id and secret', () => {
  const settings = quickBooksSettings(readQuickBooksEnv({}))
  assert.equal(settings.environment, 'local')
  assert.deepEqual(settings.hosts, {
    authorizeUrl: 'http://127.0.0.1:3102/connect/oauth2',
    tokenUrl: 'http://127.0.0.1:3102/oauth2/v1/tokens/bearer',
    revokeUrl: 'http://127.0.0.1:3102/v2/oauth2/tokens/revoke',
    apiBaseUrl: 'http://127.0.0.1:3102',
  })
  assert.equal(settings.clientSecret, 'sandbox-client-secret')
  assert.equal(settings.minorVersion, 75)
  assert.equal(readQuickBooksEnv({}).QUICKBOOKS_SANDBOX_PORT, 3102)
})

test('a real Intuit app is configured by environment alone; what is missing is named', () => {
  const key = Buffer.alloc(32, 7)
  const env = readQuickBooksEnv({
    QUICKBOOKS_ENVIRONMENT: 'production',
    QUICKBOOKS_CLIENT_ID: 'ABrealClient',
    QUICKBOOKS_CLIENT_SECRET: 'shh',
    QUICKBOOKS_REDIRECT_URI: 'https://office.example.com/api/quickbooks/callback',
    QUICKBOOKS_TOKEN_KEY: key.toString('base64'),
  })
  const settings = quickBooksSettings(env)
  assert.equal(settings.hosts.apiBaseUrl, 'https://quickbooks.api.intuit.com')
  assert.equal(settings.hosts.tokenUrl, 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer')
  assert.deepEqual(settings.tokenKey, key)
  assert.equal(quickBooksSettings(readQuickBooksEnv({ ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])), QUICKBOOKS_ENVIRONMENT: 'sandbox', QUICKBOOKS_TOKEN_KEY: key.toString('hex') })).hosts.apiBaseUrl, 'https://sandbox-quickbooks.api.intuit.com')
  assert.throws(
    () => readQuickBooksEnv({ QUICKBOOKS_ENVIRONMENT: 'sandbox', QUICKBOOKS_TOKEN_KEY: 'short' }),
    /QUICKBOOKS_CLIENT_ID[\s\S]*QUICKBOOKS_CLIENT_SECRET[\s\S]*QUICKBOOKS_REDIRECT_URI|QUICKBOOKS_TOKEN_KEY/,
  )
  assert.throws(() => readQuickBooksEnv({ QUICKBOOKS_ENVIRONMENT: 'staging' }), /QUICKBOOKS_ENVIRONMENT/)
})

test('token keys are 32 bytes of hex or base64, nothing else', () => {
  assert.equal(parseTokenKey('00'.repeat(32))?.length, 32)
  assert.equal(parseTokenKey(Buffer.alloc(32, 1).toString('base64url'))?.length, 32)
  assert.equal(parseTokenKey(Buffer.alloc(16, 1).toString('base64')), null)
  assert.equal(parseTokenKey('not a key'), null)
})
