// The sandbox's wire protocol, spoken raw: Basic auth and the credential check, 404 and 400
// shapes, path casing, both amount forms in and decimals out, FNOR amount codes, the
// tokenizer endpoints, UAT field noise, profile path forms, and a ledger that survives a
// restart without ever holding a card number.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCardPointeSandbox, type RunningSandbox, type SandboxOptions } from './server.ts'

/** Raw JSON for assertions: indexable by key or position without casts. */
type Json = { [key: string]: Json } & Json[] & string

const AUTH = `Basic ${Buffer.from('testing:testing123').toString('base64')}`
const MID = '496160873888'
let dir: string
let sb: RunningSandbox

async function start(options: SandboxOptions = {}) {
  return startCardPointeSandbox({ port: 0, ledgerFile: join(dir, 'ledger.json'), timeoutDelayMs: 50, ...options })
}

async function call(base: RunningSandbox, method: string, path: string, body?: unknown, auth: string | null = AUTH) {
  const res = await fetch(`${base.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json = null as unknown as Json
  try {
    json = JSON.parse(text) as Json
  } catch {
    // not JSON: callers use `text`
  }
  return { status: res.status, text, json, type: res.headers.get('content-type') ?? '' }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cardpointe-sandbox-raw-'))
  sb = await start()
})
after(async () => {
  await sb.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('protocol', () => {
  test('Basic auth is required; the credential check answers the servlet banner', async () => {
    assert.equal((await call(sb, 'PUT', '/cardconnect/rest/auth', {}, null)).status, 401)
    const wrong = `Basic ${Buffer.from('testing:nope').toString('base64')}`
    assert.equal((await call(sb, 'PUT', '/cardconnect/rest/', { merchid: MID }, wrong)).status, 401)
    const ok = await call(sb, 'PUT', '/cardconnect/rest/', { merchid: MID })
    assert.deepEqual([ok.status, ok.text], [200, 'CardConnect REST Servlet'])
  })

  test('wrong paths (including wrong casing) are 404 with the vendor body; bad JSON is 400', async () => {
    for (const path of ['/cardconnect/rest/inquireByOderid/x/1', '/cardconnect/rest/voidByOrderid', '/cardconnect/rest/inquireByOrderId/x/1']) {
      const res = await call(sb, path.includes('void') ? 'PUT' : 'GET', path, path.includes('void') ? {} : undefined)
      assert.equal(res.status, 404, path)
      assert.equal(res.json.error, 'Not Found')
      assert.equal(res.json.path, path)
    }
    assert.equal((await call(sb, 'PUT', '/cardconnect/rest/auth', '{not json')).status, 400)
  })

  test('amounts in either form; answers in decimals; declines are HTTP 200', async () => {
    const base = { merchid: MID, account: '4111111111111111', expiry: '1230' }
    const minor = await call(sb, 'PUT', '/cardconnect/rest/auth', { ...base, amount: '1000' })
    const decimal = await call(sb, 'POST', '/cardconnect/rest/auth', { ...base, amount: '10.00' })
    assert.deepEqual([minor.json.amount, decimal.json.amount], ['10.00', '10.00'])
    const decline = await call(sb, 'PUT', '/cardconnect/rest/auth', { ...base, amount: '111695' })
    assert.deepEqual([decline.status, decline.json.respstat, decline.json.respcode, decline.json.respproc], [200, 'C', '116', 'RPCT'])
    const expired = await call(sb, 'PUT', '/cardconnect/rest/auth', { ...base, expiry: '0120', amount: '5.00' })
    assert.equal(expired.json.resptext, 'Expired card')
    const badCard = await call(sb, 'PUT', '/cardconnect/rest/auth', { ...base, account: '4111111111111112', amount: '5.00' })
    assert.deepEqual([badCard.json.respproc, badCard.json.respcode], ['PPS', '11'])
    const badMid = await call(sb, 'PUT', '/cardconnect/rest/auth', { ...base, merchid: '1', amount: '5.00' })
    assert.deepEqual([badMid.json.respcode, badMid.json.resptext], ['21', 'Invalid merchant'])
  })

  test('answers shuffle their fields and carry junk, as UAT does (switchable)', async () => {
    const res = await call(sb, 'GET', `/cardconnect/rest/inquireByOrderid/none/${MID}`)
    assert.ok(Object.keys(res.json).some((k) => k.startsWith('uatjunk')))
    const quiet = await startCardPointeSandbox({ port: 0, ledgerFile: null, uatNoise: false })
    try {
      const plain = await call(quiet, 'GET', `/cardconnect/rest/inquireByOrderid/none/${MID}`)
      assert.deepEqual(plain.json, { respstat: 'C', respcode: '29', resptext: 'Txn not found', respproc: 'PPS' })
    } finally {
      await quiet.close()
    }
  })

  test('the FNOR emulation answers two-digit codes', async () => {
    const fnor = await startCardPointeSandbox({ port: 0, ledgerFile: null, processor: 'FNOR' })
    try {
      const res = await call(fnor, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: '4111111111111111', expiry: '1230', amount: '1005.00' })
      assert.deepEqual([res.json.respproc, res.json.respcode, res.json.resptext], ['FNOR', '05', 'Do not honor'])
      const nsf = await call(fnor, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: '4387751111111053', expiry: '1230', amount: '5.00' })
      assert.deepEqual([nsf.json.respcode, nsf.json.resptext], ['NU', 'Insufficient funds'])
    } finally {
      await fnor.close()
    }
  })

  test('tokens of the timeout cards time out too; expiry given to the tokenizer is used once', async () => {
    const tok = await call(sb, 'POST', '/cardsecure/api/v1/ccn/tokenize', { account: '5111006200620062', expiry: '203001' })
    assert.equal(tok.json.errorcode, '0')
    const timedOut = await call(sb, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: tok.json.token, amount: '5.00' })
    assert.deepEqual([timedOut.json.respstat, timedOut.json.respcode, timedOut.json.setlstat], ['B', '62', 'Declined'])
    const again = await call(sb, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: tok.json.token, amount: '5.00' })
    assert.equal(again.json.resptext, 'Invalid field: expiry')
  })

  test('CardSecure tokenize reports Luhn failures; the iFrame page is served', async () => {
    const bad = await call(sb, 'POST', '/cardsecure/api/v1/ccn/tokenize', { account: '4111111111111112' }, null)
    assert.deepEqual(bad.json, { token: '', errorcode: '0054', message: 'Luhn check failed' })
    const page = await call(sb, 'GET', '/itoke/ajax-tokenizer.html?useexpiry=true', undefined, null)
    assert.equal(page.status, 200)
    assert.match(page.type, /text\/html/)
    assert.match(page.text, /id="ccnumfield"/)
  })

  test('profiles: GET with an empty acctid lists every account; update keeps the ids', async () => {
    const created = await call(sb, 'PUT', '/cardconnect/rest/profile', { merchid: MID, account: '4111111111111111', expiry: '1230', name: 'Al' })
    const pid = created.json.profileid
    assert.deepEqual([created.json.respcode, created.json.resptext], ['09', 'Profile Saved'])
    await call(sb, 'PUT', '/cardconnect/rest/profile', { merchid: MID, profile: pid, account: '55554444', bankaba: '036001808', accttype: 'ECHK', name: 'Al' })
    const all = await call(sb, 'GET', `/cardconnect/rest/profile/${pid}//${MID}`)
    assert.deepEqual(all.json.map((a) => [a.acctid, a.accttype]), [['1', 'VISA'], ['2', 'ECHK']])
    await call(sb, 'PUT', '/cardconnect/rest/profile', { merchid: MID, profile: `${pid}/1`, profileupdate: 'Y', account: '4111111111111111', expiry: '1231' })
    const one = await call(sb, 'GET', `/cardconnect/rest/profile/${pid}/1/${MID}`)
    assert.deepEqual([one.json.length, one.json[0].expiry, one.json[0].name], [1, '1231', 'Al'])
    const missing = await call(sb, 'GET', `/cardconnect/rest/profile/12345678901234567890//${MID}`)
    assert.deepEqual([missing.json.respcode, missing.json.resptext], ['96', 'Profile not found'])
  })
})

describe('ledger', () => {
  test('survives a restart, keeps tokens stable, and never holds a card number', async () => {
    const pan = '4788250000121443'
    const first = await call(sb, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: pan, expiry: '1230', amount: '7.00', orderid: 'sbpersist01', capture: 'Y' })
    assert.equal(first.json.respstat, 'A')
    await sb.close()
    sb = await start()
    const found = await call(sb, 'GET', `/cardconnect/rest/inquireByOrderid/sbpersist01/${MID}/1`)
    assert.deepEqual([found.json.retref, found.json.amount, found.json.setlstat], [first.json.retref, '7.00', 'Queued for Capture'])
    const tok = await call(sb, 'POST', '/cardsecure/api/v1/ccn/tokenize', { account: pan })
    assert.equal(tok.json.token, first.json.token)
    const ledger = readFileSync(join(dir, 'ledger.json'), 'utf8')
    assert.ok(!ledger.includes(pan), 'PAN in ledger')
    assert.ok(!ledger.includes('4111111111111111'), 'PAN in ledger')
    const listed = await call(sb, 'GET', '/_sandbox/transactions', undefined, null)
    assert.ok(listed.json.transactions.some((t) => t.orderid === 'sbpersist01' && t.type === 'auth' && t.amount === '7.00'))
  })
})
