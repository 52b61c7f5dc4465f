// The sandbox's wire protocol, spoken raw: the consent redirect, token grants and rotation,
// revoke, the API's envelopes and rules (SyncToken, 6240/6140/610/2020/5010, balances and
// LinkedTxn), query, batch, requestid replay, throttling and faults, and a journal that
// survives a restart.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QUICKBOOKS_SANDBOX_DEFAULTS as D, startQuickBooksSandbox, type QuickBooksSandboxOptions, type RunningQuickBooksSandbox } from './server.ts'

type Json = { [key: string]: Json } & Json[] & string

const BASIC = `Basic ${Buffer.from(`${D.clientId}:${D.clientSecret}`).toString('base64')}`
const REDIRECT = 'http://localhost:3000/api/quickbooks/callback'
let dir: string
let sb: RunningQuickBooksSandbox

async function start(options: QuickBooksSandboxOptions = {}) {
  return startQuickBooksSandbox({ port: 0, dataFile: join(dir, 'qbo.jsonl'), ...options })
}

function authorizeUrl(base: RunningQuickBooksSandbox, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ client_id: D.clientId, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: REDIRECT, state: 'st-1', ...extra })
  return `${base.url}/connect/oauth2?${q}`
}

/** Consent (Connect on a new company), then the code exchange. */
async function connect(base = sb, company = 'new') {
  const res = await fetch(authorizeUrl(base), { method: 'POST', body: new URLSearchParams({ action: 'connect', company }), redirect: 'manual' })
  assert.equal(res.status, 302)
  const back = new URL(res.headers.get('location')!)
  const tokens = await tokenCall(base, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: REDIRECT })
  assert.equal(tokens.status, 200)
  return { realm: back.searchParams.get('realmId')!, state: back.searchParams.get('state'), access: tokens.json.access_token as string, refresh: tokens.json.refresh_token as string, tokens: tokens.json }
}

async function tokenCall(base: RunningQuickBooksSandbox, form: Record<string, string>, auth = BASIC) {
  const res = await fetch(`${base.url}/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  })
  return { status: res.status, json: (await res.json()) as Json }
}

async function api(c: { realm: string; access: string }, method: string, path: string, body?: unknown, base = sb) {
  const res = await fetch(`${base.url}/v3/company/${c.realm}/${path}${path.includes('?') ? '&' : '?'}minorversion=75`, {
    method,
    headers: { authorization: `Bearer ${c.access}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'application/text' : 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json = null as unknown as Json
  try {
    json = JSON.parse(text) as Json
  } catch {
    // XML or empty
  }
  return { status: res.status, json, text, type: res.headers.get('content-type') ?? '', headers: res.headers }
}

const query = (c: { realm: string; access: string }, q: string) => api(c, 'GET', `query?query=${encodeURIComponent(q)}`)
const code = (r: { json: Json }) => r.json.Fault.Error[0].code as string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qbo-sandbox-raw-'))
  sb = await start()
})
after(async () => {
  await sb.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('OAuth 2.0', () => {
  test('the consent page shows a Connect button; Connect redirects back with code, state and realmId', async () => {
    const page = await fetch(authorizeUrl(sb))
    const html = await page.text()
    assert.equal(page.status, 200)
    assert.match(html, /<button type="submit" name="action" value="connect">Connect<\/button>/)
    const c = await connect()
    assert.equal(c.state, 'st-1')
    assert.match(c.realm, /^\d{16}$/)
    assert.equal(c.tokens.token_type, 'bearer')
    assert.equal(c.tokens.expires_in, 3600)
    assert.equal(c.tokens.x_refresh_token_expires_in, 8_726_400)
    const cancel = await fetch(authorizeUrl(sb), { method: 'POST', body: new URLSearchParams({ action: 'cancel' }), redirect: 'manual' })
    assert.equal(new URL(cancel.headers.get('location')!).searchParams.get('error'), 'access_denied')
    const badScope = await fetch(authorizeUrl(sb, { scope: 'openid' }), { redirect: 'manual' })
    assert.equal(new URL(badScope.headers.get('location')!).searchParams.get('error'), 'invalid_scope')
    assert.equal((await fetch(authorizeUrl(sb, { client_id: 'nope' }))).status, 400)
    assert.equal((await fetch(authorizeUrl(sb, { redirect_uri: 'http://evil.example.com/cb' }))).status, 400)
  })

  test('codes are single use; client auth and form encoding are required', async () => {
    const res = await fetch(authorizeUrl(sb), { method: 'POST', body: new URLSearchParams({ action: 'connect' }), redirect: 'manual' })
    const codeValue = new URL(res.headers.get('location')!).searchParams.get('code')!
    const wrongClient = await tokenCall(sb, { grant_type: 'authorization_code', code: codeValue, redirect_uri: REDIRECT }, `Basic ${Buffer.from(`${D.clientId}:wrong`).toString('base64')}`)
    assert.deepEqual([wrongClient.status, wrongClient.json.error], [401, 'invalid_client'])
    const json = await fetch(`${sb.url}/oauth2/v1/tokens/bearer`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', code: codeValue }) })
    assert.equal(json.status, 400)
    const wrongRedirect = await tokenCall(sb, { grant_type: 'authorization_code', code: codeValue, redirect_uri: 'http://localhost/other' })
    assert.deepEqual([wrongRedirect.status, wrongRedirect.json.error], [400, 'invalid_grant'])
    assert.equal((await tokenCall(sb, { grant_type: 'authorization_code', code: codeValue, redirect_uri: REDIRECT })).status, 200)
    const again = await tokenCall(sb, { grant_type: 'authorization_code', code: codeValue, redirect_uri: REDIRECT })
    assert.deepEqual([again.status, again.json.error], [400, 'invalid_grant'])
  })

  test('refresh rotates the refresh token; the superseded one and a revoked connection get invalid_grant', async () => {
    const c = await connect()
    const first = await tokenCall(sb, { grant_type: 'refresh_token', refresh_token: c.refresh })
    assert.equal(first.status, 200)
    assert.notEqual(first.json.refresh_token, c.refresh)
    const reuse = await tokenCall(sb, { grant_type: 'refresh_token', refresh_token: c.refresh })
    assert.deepEqual([reuse.status, reuse.json.error], [400, 'invalid_grant'])
    const fresh = { realm: c.realm, access: first.json.access_token as string }
    assert.equal((await api(fresh, 'GET', `companyinfo/${c.realm}`)).status, 200)
    const revoke = await fetch(`${sb.url}/v2/oauth2/tokens/revoke`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ token: first.json.refresh_token }) })
    assert.equal(revoke.status, 200)
    const afterRevoke = await tokenCall(sb, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token as string })
    assert.deepEqual([afterRevoke.status, afterRevoke.json.error], [400, 'invalid_grant'])
    const denied = await api(fresh, 'GET', `companyinfo/${c.realm}`)
    assert.equal(denied.status, 401)
  })

  test('a missing, unknown or expired token is 401 in the lower-case fault envelope (3200); another realm is 403', async () => {
    const c = await connect()
    const none = await fetch(`${sb.url}/v3/company/${c.realm}/customer/1`, { headers: { accept: 'application/json' } })
    assert.equal(none.status, 401)
    const unknown = await api({ realm: c.realm, access: 'nope' }, 'GET', 'customer/1')
    assert.equal(unknown.status, 401)
    assert.equal(unknown.json.fault.error[0].code, '3200')
    assert.match(unknown.json.fault.error[0].message, /AuthenticationFailed; errorCode=003200; statusCode=401/)
    assert.equal(unknown.json.Fault, undefined)
    const other = await connect()
    assert.equal((await api({ realm: other.realm, access: c.access }, 'GET', 'customer/1')).status, 403)
    await post('/_sandbox/faults', { expireTokens: true })
    const expired = await api(c, 'GET', `companyinfo/${c.realm}`)
    assert.deepEqual([expired.status, expired.json.fault.error[0].code], [401, '3200'])
    assert.match(expired.json.fault.error[0].detail, /Token expired/)
    const refreshed = await tokenCall(sb, { grant_type: 'refresh_token', refresh_token: c.refresh })
    assert.equal((await api({ realm: c.realm, access: refreshed.json.access_token as string }, 'GET', `companyinfo/${c.realm}`)).status, 200)
    await post('/_sandbox/faults', { reset: true })
  })

  test('access tokens last their lifetime only', async () => {
    const short = await start({ dataFile: null, oauth: { accessTokenTtlSeconds: 1 } })
    try {
      const c = await connect(short)
      assert.equal((await api(c, 'GET', `companyinfo/${c.realm}`, undefined, short)).status, 200)
      await new Promise((r) => setTimeout(r, 1100))
      assert.equal((await api(c, 'GET', `companyinfo/${c.realm}`, undefined, short)).status, 401)
    } finally {
      await short.close()
    }
  })
})

async function post(path: string, body: unknown, base = sb) {
  const res = await fetch(`${base.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return (await res.json()) as Json
}

describe('a new company', () => {
  test('has Undeposited Funds, an income account, service items, the usual payment methods and its name', async () => {
    const c = await connect()
    const info = await api(c, 'GET', `companyinfo/${c.realm}`)
    assert.match(info.json.CompanyInfo.CompanyName, /^Sandbox Company US \d+$/)
    const deposit = await query(c, "select * from Account where AccountSubType = 'UndepositedFunds'")
    assert.equal(deposit.json.QueryResponse.Account[0].Name, 'Undeposited Funds')
    const income = await query(c, "select * from account where AccountType = 'Income' startposition 1 maxresults 1000")
    assert.ok(income.json.QueryResponse.Account.some((a: Json) => a.Name === 'Services'))
    const methods = await query(c, 'SELECT * FROM PaymentMethod')
    assert.deepEqual(methods.json.QueryResponse.PaymentMethod.map((m: Json) => m.Name), ['Cash', 'Check', 'Visa', 'MasterCard', 'American Express', 'Discover', 'Diners Club'])
    const items = await query(c, "select * from Item where Type = 'Service'")
    assert.equal(items.json.QueryResponse.Item[0].IncomeAccountRef.name, 'Services')
  })
})

describe('entities', () => {
  let c: { realm: string; access: string }
  before(async () => {
    c = await connect()
  })

  test('customers: create, read, sparse and full update with SyncToken; 5010 when stale; 610 for an unknown id', async () => {
    const created = await api(c, 'POST', 'customer', { DisplayName: 'Acme HVAC', PrimaryEmailAddr: { Address: 'ap@acme.test' } })
    assert.equal(created.status, 200)
    const customer = created.json.Customer
    assert.deepEqual([customer.SyncToken, customer.Active, customer.Balance], ['0', true, 0])
    assert.match(created.json.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[-+]\d\d:\d\d$/)
    const sparse = await api(c, 'POST', 'customer', { Id: customer.Id, SyncToken: '0', sparse: true, CompanyName: 'Acme Heating' })
    assert.deepEqual([sparse.json.Customer.SyncToken, sparse.json.Customer.CompanyName, sparse.json.Customer.PrimaryEmailAddr.Address], ['1', 'Acme Heating', 'ap@acme.test'])
    const stale = await api(c, 'POST', 'customer', { Id: customer.Id, SyncToken: '0', sparse: true, CompanyName: 'Late' })
    assert.deepEqual([stale.status, code(stale), stale.json.Fault.type], [400, '5010', 'ValidationFault'])
    const full = await api(c, 'POST', 'customer?operation=update', { Id: customer.Id, SyncToken: '1', DisplayName: 'Acme HVAC' })
    assert.equal(full.json.Customer.SyncToken, '2')
    assert.equal(full.json.Customer.CompanyName, undefined, 'a full update clears what it omits')
    const read = await api(c, 'GET', `customer/${customer.Id}`)
    assert.equal(read.json.Customer.SyncToken, '2')
    const missing = await api(c, 'GET', 'customer/99999')
    assert.deepEqual([missing.status, code(missing), missing.json.Fault.Error[0].Message], [400, '610', 'Object Not Found'])
    const noName = await api(c, 'POST', 'customer', { CompanyName: 'Nameless' })
    assert.equal(code(noName), '2020')
    const generated = await api(c, 'POST', 'customer', { GivenName: 'Ana', FamilyName: 'Lopez' })
    assert.equal(generated.json.Customer.DisplayName, 'Ana Lopez')
    assert.equal(code(await api(c, 'POST', 'customer?operation=delete', { Id: customer.Id, SyncToken: '2' })), '500')
  })

  test('DisplayName is unique across customers (inactive included), vendors and employees: 6240', async () => {
    const first = await api(c, 'POST', 'customer', { DisplayName: 'Jones Plumbing' })
    const off = await api(c, 'POST', 'customer', { Id: first.json.Customer.Id, SyncToken: '0', sparse: true, Active: false })
    assert.equal(off.json.Customer.Active, false)
    const dup = await api(c, 'POST', 'customer', { DisplayName: 'Jones Plumbing' })
    assert.deepEqual([dup.status, code(dup), dup.json.Fault.Error[0].Message], [400, '6240', 'Duplicate Name Exists Error'])
    assert.match(dup.json.Fault.Error[0].Detail, /^The name supplied already exists\./)
    const hidden = await query(c, "select * from Customer where DisplayName = 'Jones Plumbing'")
    assert.deepEqual(hidden.json.QueryResponse, {}, 'name-list queries hide inactive records')
    const asked = await query(c, "select * from Customer where DisplayName = 'Jones Plumbing' and Active in (true, false)")
    assert.equal(asked.json.QueryResponse.Customer[0].Active, false)
    await api(c, 'POST', 'vendor', { DisplayName: 'Supply House' })
    assert.equal(code(await api(c, 'POST', 'customer', { DisplayName: 'supply house' })), '6240')
    assert.equal(code(await api(c, 'POST', 'employee', { DisplayName: 'Supply House' })), '6240')
    assert.equal(code(await api(c, 'POST', 'item', { Name: 'Services', Type: 'Service', IncomeAccountRef: { value: '1' } })), '6240')
  })

  test('invoices and payments: totals, Balance and LinkedTxn as payments apply, void and delete give it back', async () => {
    const cust = (await api(c, 'POST', 'customer', { DisplayName: 'Balance Co', PrimaryEmailAddr: { Address: 'pay@balance.test' } })).json.Customer
    const line = (amount: number) => ({ DetailType: 'SalesItemLineDetail', Amount: amount, Description: 'Monthly service', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } })
    const inv = await api(c, 'POST', 'invoice?requestid=inv-1', { CustomerRef: { value: cust.Id }, DocNumber: 'INV-1001', TxnDate: '2026-03-01', PrivateNote: 'servicebook:inv_01', Line: [line(100), line(50.25)] })
    assert.equal(inv.status, 200)
    const invoice = inv.json.Invoice
    assert.deepEqual([invoice.TotalAmt, invoice.Balance, invoice.DocNumber, invoice.CustomerRef.name, invoice.BillEmail.Address], [150.25, 150.25, 'INV-1001', 'Balance Co', 'pay@balance.test'])
    assert.equal(invoice.Line[invoice.Line.length - 1].DetailType, 'SubTotalLineDetail')
    assert.equal(code(await api(c, 'POST', 'invoice', { CustomerRef: { value: cust.Id }, DocNumber: 'INV-1001', Line: [line(1)] })), '6140')
    assert.equal((await api(c, 'POST', 'invoice?include=allowduplicatedocnum', { CustomerRef: { value: cust.Id }, DocNumber: 'INV-1001', Line: [line(1)] })).status, 200)
    const auto = await api(c, 'POST', 'invoice', { CustomerRef: { value: cust.Id }, Line: [line(5)] })
    assert.match(auto.json.Invoice.DocNumber, /^\d+$/)
    assert.equal(code(await api(c, 'POST', 'invoice', { CustomerRef: { value: cust.Id } })), '2020')
    assert.equal(code(await api(c, 'POST', 'invoice', { Line: [line(1)] })), '2020')
    assert.equal(code(await api(c, 'POST', 'invoice', { CustomerRef: { value: '424242' }, Line: [line(1)] })), '2500')
    const badMath = await api(c, 'POST', 'invoice', { CustomerRef: { value: cust.Id }, Line: [{ ...line(10), SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 2, UnitPrice: 10 } }] })
    assert.equal(code(badMath), '6070')

    const pay1 = await api(c, 'POST', 'payment', { CustomerRef: { value: cust.Id }, TotalAmt: 100, PaymentMethodRef: { value: '3' }, PaymentRefNum: 'retref-1', Line: [{ Amount: 100, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] })
    assert.equal(pay1.status, 200)
    assert.deepEqual([pay1.json.Payment.DepositToAccountRef.name, pay1.json.Payment.UnappliedAmt, pay1.json.Payment.PaymentMethodRef.name], ['Undeposited Funds', 0, 'Visa'])
    let now = (await api(c, 'GET', `invoice/${invoice.Id}`)).json.Invoice
    assert.deepEqual([now.Balance, now.LinkedTxn], [50.25, [{ TxnId: pay1.json.Payment.Id, TxnType: 'Payment' }]])
    assert.equal(now.SyncToken, '1', 'applying a payment changes the invoice')
    const over = await api(c, 'POST', 'payment', { CustomerRef: { value: cust.Id }, TotalAmt: 60, Line: [{ Amount: 60, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] })
    assert.equal(code(over), '6000')
    const pay2 = await api(c, 'POST', 'payment', { CustomerRef: { value: cust.Id }, TotalAmt: 50.25, Line: [{ Amount: 50.25, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] })
    now = (await api(c, 'GET', `invoice/${invoice.Id}`)).json.Invoice
    assert.equal(now.Balance, 0)
    assert.equal(now.LinkedTxn.length, 2)
    const customerNow = (await api(c, 'GET', `customer/${cust.Id}`)).json.Customer
    assert.equal(customerNow.Balance, 6, 'open balance: the duplicate-number invoice (1) and the auto-numbered one (5)')
    // Intuit's payment void: a sparse update with include=void
    const voided = await api(c, 'POST', 'payment?operation=update&include=void', { Id: pay2.json.Payment.Id, SyncToken: pay2.json.Payment.SyncToken, sparse: true })
    assert.deepEqual([voided.json.Payment.TotalAmt, voided.json.Payment.PrivateNote], [0, 'Voided'])
    now = (await api(c, 'GET', `invoice/${invoice.Id}`)).json.Invoice
    assert.deepEqual([now.Balance, now.LinkedTxn.length], [50.25, 1])
    const deleted = await api(c, 'POST', 'payment?operation=delete', { Id: pay1.json.Payment.Id, SyncToken: pay1.json.Payment.SyncToken })
    assert.deepEqual(deleted.json.Payment, { domain: 'QBO', status: 'Deleted', Id: pay1.json.Payment.Id })
    now = (await api(c, 'GET', `invoice/${invoice.Id}`)).json.Invoice
    assert.deepEqual([now.Balance, now.LinkedTxn], [150.25, undefined])
    const invVoid = await api(c, 'POST', 'invoice?operation=void', { Id: now.Id, SyncToken: now.SyncToken })
    assert.deepEqual([invVoid.json.Invoice.TotalAmt, invVoid.json.Invoice.Balance, invVoid.json.Invoice.PrivateNote], [0, 0, 'Voided - servicebook:inv_01'])
    const p3 = await api(c, 'POST', 'payment', { CustomerRef: { value: cust.Id }, TotalAmt: 5, Line: [{ Amount: 5, LinkedTxn: [{ TxnId: auto.json.Invoice.Id, TxnType: 'Invoice' }] }] })
    assert.equal(p3.status, 200)
    const p3void = await api(c, 'POST', 'payment?operation=void', { Id: p3.json.Payment.Id, SyncToken: p3.json.Payment.SyncToken })
    assert.equal(p3void.json.Payment.TotalAmt, 0)
    assert.equal((await api(c, 'GET', `invoice/${auto.json.Invoice.Id}`)).json.Invoice.Balance, 5)
  })

  test('items need an income account; references to unknown records are 2500, to inactive ones 610', async () => {
    assert.equal(code(await api(c, 'POST', 'item', { Name: 'Tune-up', Type: 'Service' })), '2020')
    const item = await api(c, 'POST', 'item', { Name: 'Tune-up', Type: 'Service', IncomeAccountRef: { value: '1' }, UnitPrice: 89 })
    assert.deepEqual([item.status, item.json.Item.IncomeAccountRef.name], [200, 'Services'])
    await api(c, 'POST', 'item', { Id: item.json.Item.Id, SyncToken: '0', sparse: true, Active: false })
    const cust = (await api(c, 'POST', 'customer', { DisplayName: 'Ref Co' })).json.Customer
    const inactive = await api(c, 'POST', 'invoice', { CustomerRef: { value: cust.Id }, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 89, SalesItemLineDetail: { ItemRef: { value: item.json.Item.Id } } }] })
    assert.equal(code(inactive), '610')
  })
})

describe('query', () => {
  let c: { realm: string; access: string }
  before(async () => {
    c = await connect()
    for (let i = 1; i <= 12; i++) await api(c, 'POST', 'customer', { DisplayName: `Q Customer ${String(i).padStart(2, '0')}`, PrimaryEmailAddr: { Address: `q${i}@x.test` } })
  })

  test('WHERE with = < > <= >= IN LIKE joined by AND, ORDERBY, STARTPOSITION, MAXRESULTS, count(*)', async () => {
    const like = await query(c, "select * from Customer where DisplayName like 'Q Customer 1%' orderby DisplayName desc")
    assert.deepEqual(like.json.QueryResponse.Customer.map((x: Json) => x.DisplayName), ['Q Customer 12', 'Q Customer 11', 'Q Customer 10'])
    const page = await query(c, "SELECT * FROM Customer WHERE DisplayName LIKE 'Q Customer%' ORDERBY DisplayName STARTPOSITION 3 MAXRESULTS 2")
    assert.deepEqual(page.json.QueryResponse.Customer.map((x: Json) => x.DisplayName), ['Q Customer 03', 'Q Customer 04'])
    assert.deepEqual([page.json.QueryResponse.startPosition, page.json.QueryResponse.maxResults], [3, 2])
    const ids = like.json.QueryResponse.Customer.map((x: Json) => x.Id)
    const inList = await query(c, `select * from Customer where Id in ('${ids[0]}', '${ids[1]}')`)
    assert.equal(inList.json.QueryResponse.Customer.length, 2)
    const range = await query(c, `select count(*) from Customer where Id >= '${ids[2]}' and Id <= '${ids[0]}' and DisplayName like 'Q%'`)
    assert.deepEqual(range.json.QueryResponse, { totalCount: 3 })
    const email = await query(c, "select * from Customer where PrimaryEmailAddr = 'q7@x.test'")
    assert.equal(email.json.QueryResponse.Customer[0].DisplayName, 'Q Customer 07')
    const quoted = await api(c, 'POST', 'customer', { DisplayName: "O'Brien Heating" })
    assert.equal(quoted.status, 200)
    assert.equal((await query(c, "select * from Customer where DisplayName = 'O\\'Brien Heating'")).json.QueryResponse.Customer.length, 1)
    const none = await query(c, "select * from Customer where DisplayName = 'Nobody'")
    assert.deepEqual(Object.keys(none.json), ['QueryResponse', 'time'])
    assert.deepEqual(none.json.QueryResponse, {})
    const byPost = await api(c, 'POST', 'query', 'select count(*) from Customer')
    assert.ok(Number(byPost.json.QueryResponse.totalCount) >= 12)
  })

  test('MAXRESULTS is capped at 1000 and defaults to 100; bad statements are 4000/4001', async () => {
    const big = await query(c, 'select * from PaymentMethod maxresults 5000')
    assert.equal(big.json.QueryResponse.PaymentMethod.length, 7)
    assert.equal(code(await query(c, "select * from Customer where DisplayName = 'a' or DisplayName = 'b'")), '4000')
    assert.equal(code(await query(c, 'select DisplayName from Customer')), '4000')
    assert.equal(code(await query(c, "select * from Payment where PrivateNote = 'x'")), '4001')
    assert.equal(code(await query(c, 'select * from Nothing')), '4001')
  })
})

describe('batch, requestid, limits and faults', () => {
  let c: { realm: string; access: string }
  before(async () => {
    c = await connect()
  })

  test('batch answers HTTP 200 with per-item results and faults; more than 30 items is refused', async () => {
    const res = await api(c, 'POST', 'batch', {
      BatchItemRequest: [
        { bId: 'b1', operation: 'create', Customer: { DisplayName: 'Batch One' } },
        { bId: 'b2', operation: 'create', Customer: { DisplayName: 'Batch One' } },
        { bId: 'b3', Query: "select * from Customer where DisplayName = 'Batch One'" },
        { bId: 'b4', operation: 'create', Invoice: { CustomerRef: { value: '99999' }, Line: [] } },
      ],
    })
    assert.equal(res.status, 200)
    const [b1, b2, b3, b4] = res.json.BatchItemResponse
    assert.equal(b1.Customer.DisplayName, 'Batch One')
    assert.equal(b2.Fault.Error[0].code, '6240')
    assert.equal(b3.QueryResponse.Customer.length, 1)
    assert.ok(b4.Fault.Error[0].code)
    const tooMany = await api(c, 'POST', 'batch', { BatchItemRequest: Array.from({ length: 31 }, (_, i) => ({ bId: `x${i}`, Query: 'select * from Item' })) })
    assert.equal(tooMany.status, 400)
  })

  test('a repeated requestid returns the first response without doing the work again; forgetful mode does it again', async () => {
    const first = await api(c, 'POST', 'customer?requestid=req-cust-1', { DisplayName: 'Replay Co' })
    const second = await api(c, 'POST', 'customer?requestid=req-cust-1', { DisplayName: 'Replay Co' })
    assert.equal(second.text, first.text)
    await post('/_sandbox/faults', { requestIdReplay: false })
    const third = await api(c, 'POST', 'customer?requestid=req-cust-1', { DisplayName: 'Replay Co' })
    assert.equal(code(third), '6240')
    await post('/_sandbox/faults', { reset: true })
  })

  test('past the per-minute limit answers 429 with an XML ThrottleExceeded body (or JSON when asked)', async () => {
    const tight = await start({ dataFile: null, rateLimitPerMinute: 5 })
    try {
      const t = await connect(tight)
      for (let i = 0; i < 5; i++) assert.equal((await api(t, 'GET', `companyinfo/${t.realm}`, undefined, tight)).status, 200)
      const throttled = await api(t, 'GET', `companyinfo/${t.realm}`, undefined, tight)
      assert.equal(throttled.status, 429)
      assert.match(throttled.type, /xml/)
      assert.match(throttled.text, /<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429<\/Message>/)
      await post('/_sandbox/faults', { throttleFormat: 'json', retryAfterSeconds: 7 }, tight)
      const json = await api(t, 'GET', `companyinfo/${t.realm}`, undefined, tight)
      assert.deepEqual([json.status, json.json.Fault.Error[0].code, json.headers.get('retry-after')], [429, '3001', '7'])
    } finally {
      await tight.close()
    }
  })

  test('more than 10 requests in flight at once for one company answers 429', async () => {
    await post('/_sandbox/faults', { latencyMs: 300 })
    try {
      const answers = await Promise.all(Array.from({ length: 14 }, () => api(c, 'GET', `companyinfo/${c.realm}`)))
      const statuses = answers.map((a) => a.status)
      assert.equal(statuses.filter((s) => s === 200).length, 10)
      assert.equal(statuses.filter((s) => s === 429).length, 4)
    } finally {
      await post('/_sandbox/faults', { reset: true })
    }
  })

  test('faults: 500s do nothing, dropped responses keep the write, the requestid then replays it', async () => {
    await post('/_sandbox/faults', { errorRate: 1 })
    const failed = await api(c, 'POST', 'customer', { DisplayName: 'Fault 500' })
    assert.deepEqual([failed.status, code(failed)], [500, '10000'])
    await post('/_sandbox/faults', { errorRate: 0, dropRate: 1, endpoints: ['customer'] })
    await assert.rejects(api(c, 'POST', 'customer?requestid=drop-1', { DisplayName: 'Dropped Co' }))
    await post('/_sandbox/faults', { reset: true })
    assert.deepEqual((await query(c, "select * from Customer where DisplayName = 'Fault 500'")).json.QueryResponse, {})
    const replay = await api(c, 'POST', 'customer?requestid=drop-1', { DisplayName: 'Dropped Co' })
    assert.equal(replay.json.Customer.DisplayName, 'Dropped Co')
    assert.equal((await query(c, "select count(*) from Customer where DisplayName = 'Dropped Co'")).json.QueryResponse.totalCount, 1)
    const entities = (await (await fetch(`${sb.url}/_sandbox/companies/${c.realm}/entities`)).json()) as Json
    assert.ok(entities.entities.Customer.some((x: Json) => x.DisplayName === 'Dropped Co'))
  })
})

test('companies, entities, tokens and requestids survive a restart', async () => {
  const c = await connect()
  const created = await api(c, 'POST', 'customer?requestid=persist-1', { DisplayName: 'Persistent Co' })
  await sb.close()
  sb = await start()
  const read = await api(c, 'GET', `customer/${created.json.Customer.Id}`)
  assert.equal(read.json.Customer.DisplayName, 'Persistent Co')
  assert.equal((await api(c, 'POST', 'customer?requestid=persist-1', { DisplayName: 'Persistent Co' })).text, created.text)
  assert.equal((await tokenCall(sb, { grant_type: 'refresh_token', refresh_token: c.refresh })).status, 200)
})

test('the API needs Accept: application/json (Intuit answers XML otherwise)', async () => {
  const c = await connect()
  const res = await fetch(`${sb.url}/v3/company/${c.realm}/companyinfo/${c.realm}`, { headers: { authorization: `Bearer ${c.access}`, accept: 'application/xml' } })
  assert.equal(res.status, 406)
})
