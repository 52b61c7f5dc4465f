// Conformance: Intuit's own published Node clients drive the sandbox with nothing changed but
// their base URLs. intuit-oauth (Intuit's OAuth 2.0 client) does the consent → code exchange →
// refresh → revoke dance; node-quickbooks (the community client Intuit links to) creates a
// customer, an invoice and a payment, queries, updates, voids and batches. Both set their
// hosts through public static properties or setAuthorizeURLs: no patching.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import OAuthClient from 'intuit-oauth'
import { QUICKBOOKS_SANDBOX_DEFAULTS as D, startQuickBooksSandbox, type RunningQuickBooksSandbox } from './server.ts'

type Json = { [key: string]: Json } & Json[] & string
type Callback = (err: unknown, data?: unknown) => void
/** node-quickbooks is CommonJS (`module.exports = QuickBooks`) while its typings say `export default`. */
const QuickBooks = createRequire(import.meta.url)('node-quickbooks') as typeof import('node-quickbooks').QuickBooks

const REDIRECT = 'http://localhost:3000/api/quickbooks/callback'
let sb: RunningQuickBooksSandbox

before(async () => {
  sb = await startQuickBooksSandbox({ port: 0, dataFile: null })
})
after(async () => {
  await sb.close()
})

/** Follows the consent page as a person would: Connect, then the redirect's URL. */
async function consent(authorizeUri: string): Promise<string> {
  const page = await fetch(authorizeUri)
  assert.match(await page.text(), /value="connect">Connect</)
  const res = await fetch(authorizeUri, { method: 'POST', body: new URLSearchParams({ action: 'connect' }), redirect: 'manual' })
  assert.equal(res.status, 302)
  return res.headers.get('location')!
}

/** Promisifies a node-quickbooks call; an HTTP error rejects with the axios error, its message naming the answer. */
function call<T = Json>(fn: (cb: Callback) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, data) => {
      if (!err) return resolve(data as T)
      const e = err as Error & { response?: { status: number; data: unknown }; config?: { url?: string } }
      if (e.response) e.message = `${e.config?.url} → HTTP ${e.response.status} ${JSON.stringify(e.response.data)}`
      reject(e)
    }),
  )
}

test('intuit-oauth: authorize URL, consent, code exchange, refresh rotation, API call and revoke against the sandbox', async () => {
  const oauth = new OAuthClient({ clientId: D.clientId, clientSecret: D.clientSecret, environment: 'sandbox', redirectUri: REDIRECT, includeRefreshTokenHardExpiresIn: true })
  oauth.setAuthorizeURLs({
    authorizeEndpoint: `${sb.url}/connect/oauth2`,
    tokenEndpoint: `${sb.url}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${sb.url}/v2/oauth2/tokens/revoke`,
    userInfoEndpoint: `${sb.url}/v1/openid_connect/userinfo`,
  })
  OAuthClient.environment.sandbox = `${sb.url}/`
  const uri = oauth.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: 'conformance-state' })
  assert.ok(uri.startsWith(`${sb.url}/connect/oauth2?`))
  const callback = await consent(uri)
  assert.equal(new URL(callback).searchParams.get('state'), 'conformance-state')

  const created = await oauth.createToken(callback)
  const token = created.getToken()
  assert.match(token.realmId ?? '', /^\d+$/)
  assert.equal(token.expires_in, 3600)
  assert.ok((token.x_refresh_token_hard_expires_in ?? 0) > 0, 'the opt-in hard expiry comes back')
  assert.ok(oauth.isAccessTokenValid())

  const info = await oauth.makeApiCall({ url: `v3/company/${token.realmId}/companyinfo/${token.realmId}?minorversion=75` })
  assert.match(info.json.CompanyInfo.CompanyName, /^Sandbox Company US/)

  const firstRefresh = token.refresh_token ?? ''
  await oauth.refresh()
  const rotated = oauth.getToken().refresh_token
  assert.notEqual(rotated, firstRefresh)
  await assert.rejects(oauth.refreshUsingToken(firstRefresh), (e: { error?: string }) => e.error === 'invalid_grant')
  const again = await oauth.makeApiCall({ url: `${sb.url}/v3/company/${token.realmId}/query?query=${encodeURIComponent('select count(*) from PaymentMethod')}&minorversion=75` })
  assert.deepEqual(again.json.QueryResponse, { totalCount: 7 })

  await oauth.revoke({ refresh_token: rotated })
  const afterRevoke = await fetch(`${sb.url}/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${D.clientId}:${D.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rotated }),
  })
  assert.deepEqual([afterRevoke.status, ((await afterRevoke.json()) as Json).error], [400, 'invalid_grant'])
})

test('node-quickbooks: customer, invoice, payment, query, sparse update, void, batch and token refresh against the sandbox', async () => {
  const oauth = new OAuthClient({ clientId: D.clientId, clientSecret: D.clientSecret, environment: 'sandbox', redirectUri: REDIRECT })
  oauth.setAuthorizeURLs({ authorizeEndpoint: `${sb.url}/connect/oauth2`, tokenEndpoint: `${sb.url}/oauth2/v1/tokens/bearer`, revokeEndpoint: `${sb.url}/v2/oauth2/tokens/revoke`, userInfoEndpoint: `${sb.url}/v1/openid_connect/userinfo` })
  const token = (await oauth.createToken(await consent(oauth.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: 's' })))).getToken()
  const realmId = token.realmId ?? ''

  QuickBooks.V3_ENDPOINT_BASE_URL = `${sb.url}/v3/company/`
  QuickBooks.TOKEN_URL = `${sb.url}/oauth2/v1/tokens/bearer`
  QuickBooks.REVOKE_URL = `${sb.url}/v2/oauth2/tokens/revoke`
  const qbo = new QuickBooks(D.clientId, D.clientSecret, token.access_token ?? '', false, realmId, true, false, '75', '2.0', token.refresh_token)

  const info = await call((cb) => qbo.getCompanyInfo(realmId, cb))
  assert.equal(info.Id, '1')

  const customer = await call((cb) => qbo.createCustomer({ DisplayName: 'Conformance HVAC', PrimaryEmailAddr: { Address: 'ap@conformance.test' } } as never, cb))
  assert.equal(customer.SyncToken, '0')
  // node-quickbooks hands HTTP errors over as the axios error; the body is Intuit's Fault.
  const duplicate = await call((cb) => qbo.createCustomer({ DisplayName: 'Conformance HVAC' } as never, cb)).catch((e: Json) => e)
  assert.deepEqual([duplicate.response.status, duplicate.response.data.Fault.Error[0].code], [400, '6240'])

  const invoice = await call((cb) =>
    qbo.createInvoice(
      { CustomerRef: { value: customer.Id }, DocNumber: 'CONF-1', Line: [{ DetailType: 'SalesItemLineDetail', Amount: 120, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 120 } }] } as never,
      cb,
    ),
  )
  assert.deepEqual([invoice.TotalAmt, invoice.Balance], [120, 120])

  const payment = await call((cb) =>
    qbo.createPayment({ CustomerRef: { value: customer.Id }, TotalAmt: 120, PaymentRefNum: 'retref-9', Line: [{ Amount: 120, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] } as never, cb),
  )
  assert.equal(payment.UnappliedAmt, 0)
  const paid = await call((cb) => qbo.getInvoice(invoice.Id, cb))
  assert.deepEqual([paid.Balance, paid.LinkedTxn[0].TxnId], [0, payment.Id])

  const found = await call((cb) => qbo.findCustomers({ DisplayName: 'Conformance HVAC' } as never, cb))
  assert.equal(found.QueryResponse.Customer[0].Id, customer.Id)
  const counted = await call((cb) => qbo.findInvoices({ DocNumber: 'CONF-1', count: true } as never, cb))
  assert.equal(counted.QueryResponse.totalCount, 1)
  const nothing = await call((cb) => qbo.findCustomers({ DisplayName: "Nobody's Here" } as never, cb))
  assert.deepEqual(nothing.QueryResponse, {})

  const updated = await call((cb) => qbo.updateCustomer({ Id: customer.Id, SyncToken: customer.SyncToken, CompanyName: 'Conformance Heating' } as never, cb))
  assert.deepEqual([updated.SyncToken, updated.CompanyName, updated.PrimaryEmailAddr.Address], ['1', 'Conformance Heating', 'ap@conformance.test'])

  const voided = await call((cb) => qbo.voidPayment({ Id: payment.Id, SyncToken: payment.SyncToken } as never, cb))
  assert.equal(voided.TotalAmt, 0)
  assert.equal((await call((cb) => qbo.getInvoice(invoice.Id, cb))).Balance, 120)

  const batch = await call((cb) =>
    qbo.batch(
      [
        { bId: '1', operation: 'create', Customer: { DisplayName: 'Batch Conformance' } },
        { bId: '2', operation: 'create', Customer: { DisplayName: 'Conformance HVAC' } },
      ] as never,
      cb,
    ),
  )
  assert.equal(batch.BatchItemResponse[0].Customer.DisplayName, 'Batch Conformance')
  assert.equal(batch.BatchItemResponse[1].Fault.Error[0].code, '6240')

  const before = qbo.refreshToken
  await call((cb) => qbo.refreshAccessToken(cb))
  assert.notEqual(qbo.refreshToken, before)
  const afterRefresh = await call((cb) => qbo.getCustomer(customer.Id, cb))
  assert.equal(afterRefresh.DisplayName, 'Conformance HVAC')
})
