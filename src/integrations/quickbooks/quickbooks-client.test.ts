// The production QuickBooks client against the local sandbox over HTTP: OAuth (consent,
// exchange, rotation, invalid_grant, revoke), every entity the integration uses, each error
// as an outcome (duplicate, stale, invalid with QuickBooks' words, unauthorized, rate-limited
// in XML and JSON, retryable, indeterminate), requestid replay and lookup after a lost answer,
// batch, and the throttle that keeps within Intuit's limits.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { QuickBooksClient, type BatchResult, type QboObject } from './quickbooks-client.ts'
import { parseFault } from './quickbooks-faults.ts'
import { MemoryTokenSource, QuickBooksOAuth, type TokenSet } from './quickbooks-oauth.ts'
import { QuickBooksThrottle } from './quickbooks-throttle.ts'
import { startQuickBooksHarness, type QuickBooksHarness } from './test-sandbox.ts'

let h: QuickBooksHarness
before(async () => {
  h = await startQuickBooksHarness()
})
after(async () => {
  await h.close()
})

function ok<T>(outcome: { status: string; value?: T }): T {
  assert.equal(outcome.status, 'ok', JSON.stringify(outcome))
  return outcome.value as T
}

const line = (amount: number, item = '1') => ({ DetailType: 'SalesItemLineDetail', Amount: amount, Description: 'Monthly service', SalesItemLineDetail: { ItemRef: { value: item }, Qty: 1, UnitPrice: amount } })

describe('OAuth helper', () => {
  test('authorize URL carries client, scope, redirect and state; a callback with another state is refused', () => {
    const url = new URL(h.oauth.authorizeUrl({ state: 'abc' }))
    assert.equal(url.pathname, '/connect/oauth2')
    assert.deepEqual([url.searchParams.get('response_type'), url.searchParams.get('scope'), url.searchParams.get('state'), url.searchParams.get('redirect_uri')], ['code', 'com.intuit.quickbooks.accounting', 'abc', h.redirectUri])
    assert.deepEqual(h.oauth.parseCallback(new URLSearchParams({ code: 'c', realmId: '1', state: 'other' }), 'abc'), { status: 'bad_state' })
    assert.deepEqual(h.oauth.parseCallback({ error: 'access_denied', state: 'abc' }, 'abc'), { status: 'denied', error: 'access_denied' })
  })

  test('code exchange gives tokens for the realm; refresh rotates; the old refresh token is invalid_grant; revoke ends it', async () => {
    const tokens = await h.connect()
    assert.ok(tokens.accessExpiresAt.getTime() - Date.now() > 3590_000)
    assert.ok(tokens.refreshHardExpiresAt && tokens.refreshHardExpiresAt > tokens.refreshExpiresAt)
    const next = await h.oauth.refresh(tokens)
    assert.equal(next.status, 'ok')
    assert.equal((await h.oauth.refresh(tokens)).status, 'invalid_grant')
    const wrongSecret = new QuickBooksOAuth({ clientId: 'x', clientSecret: 'y', redirectUri: h.redirectUri, hosts: { authorizeUrl: '', tokenUrl: `${h.sandbox.url}/oauth2/v1/tokens/bearer`, revokeUrl: '' } })
    assert.equal((await wrongSecret.refresh(tokens)).status, 'misconfigured')
    if (next.status !== 'ok') return
    assert.deepEqual(await h.oauth.revoke(next.tokens.refreshToken), { status: 'ok' })
    assert.equal((await h.oauth.refresh(next.tokens)).status, 'invalid_grant')
  })

  test('the token source runs one refresh at a time and hands every caller the newest token', async () => {
    const rotated: TokenSet[] = []
    const source = new MemoryTokenSource(h.oauth, await h.connect(), { onRotate: (t) => void rotated.push(t) })
    const stale = source.tokens.accessToken
    const [a, b, c] = await Promise.all([source.refreshAfterRejection(stale), source.refreshAfterRejection(stale), source.refreshAfterRejection(stale)])
    assert.equal(rotated.length, 1, 'concurrent rejections cause one refresh (a second would hit invalid_grant)')
    assert.deepEqual([a, b, c].map((l) => l.status === 'ok' && l.accessToken), Array(3).fill(rotated[0].accessToken))
  })
})

describe('entities', () => {
  test('customers: create with a requestid, read, sparse update, stale SyncToken, duplicate name, required field, unknown id', async () => {
    const created = await h.client.create('Customer', { DisplayName: 'Client Test HVAC', PrimaryEmailAddr: { Address: 'ap@client.test' }, Notes: 'servicebook:cus_1' })
    const customer = ok<QboObject>(created)
    assert.match(created.requestId, /^[0-9a-f-]{36}$/)
    assert.equal(ok<QboObject | null>(await h.client.read('Customer', customer.Id!))?.DisplayName, 'Client Test HVAC')
    const updated = ok<QboObject>(await h.client.update('Customer', { Id: customer.Id!, SyncToken: customer.SyncToken!, CompanyName: 'Client Test Heating' }))
    assert.deepEqual([updated.SyncToken, (updated.PrimaryEmailAddr as QboObject).Address], ['1', 'ap@client.test'])
    const stale = await h.client.update('Customer', { Id: customer.Id!, SyncToken: '0', CompanyName: 'Late' })
    assert.equal(stale.status, 'stale')
    const dup = await h.client.create('Customer', { DisplayName: 'client test hvac' })
    assert.ok(dup.status === 'duplicate' && dup.fault.code === '6240' && dup.fault.message === 'Duplicate Name Exists Error')
    const invalid = await h.client.create('Customer', { CompanyName: 'No name' })
    assert.ok(invalid.status === 'invalid' && invalid.fault.code === '2020' && invalid.httpStatus === 400)
    assert.match(invalid.status === 'invalid' ? invalid.fault.detail : '', /DisplayName/)
    assert.deepEqual(await h.client.read('Customer', '987654'), { status: 'ok', value: null })
  })

  test('company info, accounts, items and payment methods of a new company', async () => {
    assert.match(String(ok<QboObject | null>(await h.client.companyInfo())?.CompanyName), /^Sandbox Company US/)
    const undeposited = ok<{ rows: QboObject[] }>(await h.client.query("select * from Account where AccountSubType = 'UndepositedFunds'")).rows
    assert.equal(undeposited[0].Name, 'Undeposited Funds')
    const income = ok<QboObject[]>(await h.client.queryAll('Account', "AccountType = 'Income'"))
    const item = ok<QboObject>(await h.client.create('Item', { Name: 'Quarterly maintenance', Type: 'Service', IncomeAccountRef: { value: income[0].Id } }))
    assert.equal(item.Type, 'Service')
    assert.equal((await h.client.create('Item', { Name: 'quarterly maintenance', Type: 'Service', IncomeAccountRef: { value: income[0].Id } })).status, 'duplicate')
    const visa = ok<{ rows: QboObject[] }>(await h.client.query(`select * from PaymentMethod where Name = ${QuickBooksClient.quote('Visa')}`)).rows
    assert.equal(visa[0].Type, 'CREDIT_CARD')
    assert.equal(ok<number>(await h.client.count('PaymentMethod')), 7)
    assert.deepEqual(ok<{ rows: QboObject[] }>(await h.client.query("select * from Customer where DisplayName = 'No such'")).rows, [])
  })

  test('invoice and payment: balance drops as the payment links, void gives it back, lookups by DocNumber and PrivateNote', async () => {
    const customer = ok<QboObject>(await h.client.create('Customer', { DisplayName: "O'Neil Lawn Care" }))
    const invoice = ok<QboObject>(await h.client.create('Invoice', { CustomerRef: { value: customer.Id }, DocNumber: 'SB-1001', TxnDate: '2026-05-01', DueDate: '2026-05-01', PrivateNote: 'servicebook inv_01ABC', Line: [line(89.99), line(10)] }))
    assert.deepEqual([invoice.TotalAmt, invoice.Balance], [99.99, 99.99])
    assert.equal((await h.client.create('Invoice', { CustomerRef: { value: customer.Id }, DocNumber: 'SB-1001', Line: [line(1)] })).status, 'duplicate')
    const payment = ok<QboObject>(
      await h.client.create('Payment', { CustomerRef: { value: customer.Id }, TotalAmt: 99.99, PaymentRefNum: '123456789012', PrivateNote: 'servicebook pay_01XYZ', Line: [{ Amount: 99.99, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] }),
    )
    const paid = ok<QboObject | null>(await h.client.read('Invoice', invoice.Id!))!
    assert.deepEqual([paid.Balance, paid.LinkedTxn], [0, [{ TxnId: payment.Id, TxnType: 'Payment' }]])
    assert.equal(ok<QboObject | null>(await h.client.findByDocNumber('Invoice', 'SB-1001'))?.Id, invoice.Id)
    assert.equal(ok<QboObject | null>(await h.client.findByReference('Payment', 'pay_01XYZ', { customerId: customer.Id! }))?.Id, payment.Id)
    assert.equal(ok<QboObject | null>(await h.client.findByReference('Payment', 'pay_nope', { customerId: customer.Id! })), null)
    const voided = ok<QboObject>(await h.client.void('Payment', { Id: payment.Id!, SyncToken: payment.SyncToken! }))
    assert.equal(voided.TotalAmt, 0)
    const owed = ok<QboObject | null>(await h.client.read('Invoice', invoice.Id!))!
    assert.equal(owed.Balance, 99.99)
    const invoiceVoid = ok<QboObject>(await h.client.void('Invoice', { Id: owed.Id!, SyncToken: owed.SyncToken! }))
    assert.deepEqual([invoiceVoid.TotalAmt, invoiceVoid.Balance], [0, 0])
    const second = ok<QboObject>(await h.client.create('Payment', { CustomerRef: { value: customer.Id }, TotalAmt: 5 }))
    assert.equal(second.UnappliedAmt, 5)
    assert.deepEqual(ok<QboObject>(await h.client.delete('Payment', { Id: second.Id!, SyncToken: second.SyncToken! })), { domain: 'QBO', status: 'Deleted', Id: second.Id })
  })

  test('batch: per-item results and faults in one request; more than 30 items is refused before sending', async () => {
    const out = await h.client.batch([
      { bId: 'c1', operation: 'create', entity: 'Customer', body: { DisplayName: 'Batch Client One' } },
      { bId: 'c2', operation: 'create', entity: 'Customer', body: { DisplayName: 'Batch Client One' } },
      { bId: 'q1', query: "select * from Customer where DisplayName = 'Batch Client One'" },
    ])
    const [c1, c2, q1] = ok<BatchResult[]>(out)
    assert.ok(c1.status === 'ok' && c1.entity?.DisplayName === 'Batch Client One')
    assert.ok(c2.status === 'failed' && c2.outcome.status === 'duplicate')
    assert.ok(q1.status === 'ok' && q1.rows?.length === 1)
    const tooMany = await h.client.batch(Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, query: 'select * from Item' })))
    assert.equal(tooMany.status, 'invalid')
  })
})

describe('failures as outcomes', () => {
  test('an expired access token is refreshed once and the call retried; a revoked connection needs reconnecting', async () => {
    const rotated: TokenSet[] = []
    const source = new MemoryTokenSource(h.oauth, await h.connect(), { onRotate: (t) => void rotated.push(t) })
    const client = h.clientFor(source)
    await h.faults({ expireTokens: true })
    assert.equal(ok<number>(await client.count('PaymentMethod')), 7)
    assert.equal(rotated.length, 1)
    await h.oauth.revoke(source.tokens.refreshToken)
    const out = await client.count('PaymentMethod')
    assert.ok(out.status === 'unauthorized' && out.needsReconnect, JSON.stringify(out))
    await h.faults({ reset: true })
  })

  test('429 in XML is rate_limited with a one-minute wait; in JSON with Retry-After the header wins; nothing is stored', async () => {
    await h.withFaults({ throttleRate: 1 }, async () => {
      const out = await h.client.create('Customer', { DisplayName: 'Throttled Co' })
      assert.ok(out.status === 'rate_limited' && out.retryAfterMs === 60_000 && /ThrottleExceeded/.test(out.message), JSON.stringify(out))
    })
    await h.withFaults({ throttleRate: 1, throttleFormat: 'json', retryAfterSeconds: 7 }, async () => {
      const out = await h.client.query('select * from Item')
      assert.ok(out.status === 'rate_limited' && out.retryAfterMs === 7_000)
    })
    assert.equal(ok<number>(await h.client.count('Customer', "DisplayName = 'Throttled Co'")), 0)
  })

  test('a 500 is retryable for a read and indeterminate for a write', async () => {
    await h.withFaults({ errorRate: 1 }, async () => {
      assert.equal((await h.client.count('Item')).status, 'retryable')
      const write = await h.client.create('Customer', { DisplayName: 'Five Hundred Co' }, { requestId: 'req-500' })
      assert.ok(write.status === 'indeterminate' && write.requestId === 'req-500')
    })
  })

  test('a write whose answer is lost is indeterminate; the same requestid replays it, and a lookup finds it when replay forgets', async () => {
    const customer = ok<QboObject>(await h.client.create('Customer', { DisplayName: 'Lost Answer Co' }))
    const body = { CustomerRef: { value: customer.Id }, DocNumber: 'SB-LOST-1', Line: [line(42)] }
    const lost = await h.withFaults({ dropRate: 1, endpoints: ['invoice'] }, () => h.client.create('Invoice', body))
    assert.equal(lost.status, 'indeterminate')
    const replayed = ok<QboObject>(await h.client.create('Invoice', body, { requestId: lost.requestId }))
    assert.equal(replayed.DocNumber, 'SB-LOST-1')
    await h.withFaults({ requestIdReplay: false }, async () => {
      assert.equal((await h.client.create('Invoice', body, { requestId: lost.requestId })).status, 'duplicate', 'without replay the DocNumber still refuses a second invoice')
      assert.equal(ok<QboObject | null>(await h.client.findByDocNumber('Invoice', 'SB-LOST-1'))?.Id, replayed.Id)
    })
    assert.equal((await h.entities()).Invoice.filter((i) => i.DocNumber === 'SB-LOST-1').length, 1)
  })

  test('no answer within the read timeout: indeterminate for a write, retryable for a read; an unreachable host is retryable', async () => {
    const slow = h.clientFor(h.tokens, { readTimeoutMs: 200 })
    await h.withFaults({ latencyMs: 600 }, async () => {
      assert.equal((await slow.create('Customer', { DisplayName: 'Slow Co' })).status, 'indeterminate')
      assert.equal((await slow.count('Item')).status, 'retryable')
    })
    const nowhere = h.clientFor(h.tokens, { apiBaseUrl: 'http://127.0.0.1:1' })
    assert.equal((await nowhere.count('Item')).status, 'retryable')
  })

  test('with the throttle, 25 calls at once stay within 10 in flight (no 429); without it some are rate_limited', async () => {
    await h.withFaults({ latencyMs: 150 }, async () => {
      const bare = await Promise.all(Array.from({ length: 25 }, () => h.client.count('Item')))
      assert.ok(bare.some((o) => o.status === 'rate_limited'))
      const paced = h.clientFor(h.tokens, { throttle: new QuickBooksThrottle() })
      const results = await Promise.all(Array.from({ length: 25 }, () => paced.count('Item')))
      assert.deepEqual([...new Set(results.map((o) => o.status))], ['ok'])
    })
  })

  test('the throttle spreads requests over the window', async () => {
    const throttle = new QuickBooksThrottle({ perMinute: 4, windowMs: 300 })
    const started = Date.now()
    const paced = h.clientFor(h.tokens, { throttle })
    await Promise.all(Array.from({ length: 9 }, () => paced.count('Item')))
    assert.ok(Date.now() - started >= 600, 'nine calls at four per 300 ms need two more windows')
  })

  test('a request holds its slot until a minute after its answer (Intuit counts it from its arrival, after our send)', async () => {
    const throttle = new QuickBooksThrottle({ perMinute: 1, windowMs: 200 })
    const started = Date.now()
    const release = await throttle.acquire('realm-answer')
    await new Promise((r) => setTimeout(r, 150)) // the request is in flight for 150 ms
    release()
    ;(await throttle.acquire('realm-answer'))()
    assert.ok(Date.now() - started >= 350, 'the second request waits for the window after the first answer, not after its send')
  })
})

test('fault bodies are read in every shape Intuit sends', () => {
  assert.deepEqual(parseFault('{"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"d","code":"5010","element":""}],"type":"ValidationFault"}}'), { code: '5010', message: 'Stale Object Error', detail: 'd', element: null })
  assert.equal(parseFault('{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired","code":"3200","element":null}],"type":"AUTHENTICATION"}}')?.code, '3200')
  assert.deepEqual(
    parseFault('<?xml version="1.0"?><IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached. Try again later</Detail></Error></Fault></IntuitResponse>'),
    { code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', detail: 'The request limit was reached. Try again later', element: null },
  )
  assert.equal(parseFault('<html>Bad gateway</html>'), null)
})

test('everything written survives a sandbox restart', async () => {
  const created = ok<QboObject>(await h.client.create('Customer', { DisplayName: 'Restart Co' }))
  await h.restart()
  assert.equal(ok<QboObject | null>(await h.client.read('Customer', created.Id!))?.DisplayName, 'Restart Co')
})
