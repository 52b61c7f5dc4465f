// Settlement batches and funding as the vendor reports them: a batch a day (or on demand),
// settlestat by date and by batch id, funding the next day, an ACH debit returned with an
// R-code days later by the fault switch, the daily close at its hour, and batches kept across
// a restart.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCardPointeSandbox, type RunningSandbox, type SandboxOptions } from './server.ts'

type Json = { [key: string]: Json } & Json[] & string

const AUTH = `Basic ${Buffer.from('testing:testing123').toString('base64')}`
const MID = '496160873888'
const DAY = 86_400_000
let dir: string
// 2026-12-01 15:00 in New York.
let clock = new Date('2026-12-01T20:00:00Z')
const now = () => clock

async function start(options: SandboxOptions = {}) {
  return startCardPointeSandbox({ port: 0, ledgerFile: join(dir, `ledger-${Math.random()}.json`), timeoutDelayMs: 50, uatNoise: false, now, ...options })
}

async function call(sb: RunningSandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sb.url}${path}`, { method, headers: { authorization: AUTH, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Json }
}

const card = (sb: RunningSandbox, amount: string, orderid: string) =>
  call(sb, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: '4788250000121443', expiry: '1230', amount, capture: 'Y', orderid })
const ach = (sb: RunningSandbox, amount: string, orderid: string) =>
  call(sb, 'PUT', '/cardconnect/rest/auth', { merchid: MID, account: '1234567890', bankaba: '036001808', accttype: 'ECHK', name: 'Pat Doe', amount, orderid })

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardpointe-settlement-'))
})
after(() => rmSync(dir, { recursive: true, force: true }))

describe('settlement batches and funding', () => {
  test('a closed batch is listed by date and by batch id; it is funded the next day', async () => {
    clock = new Date('2026-12-01T20:00:00Z')
    const sb = await start({ closeAt: null })
    try {
      const sale = await card(sb, '25.00', 'ord-card-1')
      const debit = await ach(sb, '40.10', 'ord-ach-1')
      assert.deepEqual((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1201`)).json, [])
      assert.equal((await call(sb, 'POST', '/_sandbox/settle')).json.settled, 2)
      const byDate = await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1201`)
      assert.equal(byDate.status, 200)
      assert.equal(byDate.json.length, 1)
      const batch = byDate.json[0]
      assert.equal(batch.merchid, MID)
      assert.equal(batch.hoststat, 'GB')
      assert.equal(batch.chargetotal, '65.10')
      assert.equal(batch.refundtotal, '0.00')
      assert.deepEqual(
        batch.txns.map((t) => [t.retref, t.amount, t.setlstat, t.salesdoc]),
        [[sale.json.retref, '25.00', 'Y', 'ord-card-1'], [debit.json.retref, '40.10', 'Y', 'ord-ach-1']],
      )
      const byBatch = await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&batchid=${batch.batchid}`)
      assert.deepEqual(byBatch.json, byDate.json)
      const inquiry = await call(sb, 'GET', `/cardconnect/rest/inquire/${sale.json.retref}/${MID}`)
      assert.equal(inquiry.json.setlstat, 'Accepted')
      assert.equal(inquiry.json.batchid, batch.batchid)

      // Funding is the next day, and only once that day has come.
      assert.deepEqual((await call(sb, 'GET', `/cardconnect/rest/funding?merchid=${MID}&date=1202`)).json.txns, [])
      clock = new Date(clock.getTime() + DAY)
      const funding = await call(sb, 'GET', `/cardconnect/rest/funding?merchid=${MID}&date=20261202`)
      assert.equal(funding.json.fundings[0].netsales, '65.10')
      assert.deepEqual(funding.json.txns.map((t) => [t.retref, t.type, t.amount, t.status]), [
        [sale.json.retref, 'Sale', '25.00', 'Processed'],
        [debit.json.retref, 'Sale', '40.10', 'Processed'],
      ])
    } finally {
      await sb.close()
    }
  })

  test('with the ACH return switch on, a settled bank debit comes back with its R-code days later', async () => {
    clock = new Date('2026-12-01T20:00:00Z')
    const sb = await start({ closeAt: null })
    try {
      assert.equal((await call(sb, 'POST', '/_sandbox/faults', { achReturnCode: 'R01', achReturnAfterDays: 3 })).status, 200)
      const debit = await ach(sb, '40.10', 'ord-ach-2')
      await card(sb, '12.00', 'ord-card-2')
      await call(sb, 'POST', '/_sandbox/settle')
      clock = new Date(clock.getTime() + 3 * DAY)
      for (const date of ['1202', '1203']) assert.ok(!(await call(sb, 'GET', `/cardconnect/rest/funding?merchid=${MID}&date=${date}`)).json.txns.some((t) => t.type === 'Return'))
      const funding = await call(sb, 'GET', `/cardconnect/rest/funding?merchid=${MID}&date=1204`)
      assert.deepEqual(funding.json.txns.map((t) => [t.retref, t.type, t.amount, t.achreturncode, t.achreturndescription]), [
        [debit.json.retref, 'Return', '-40.10', 'R01', 'Insufficient Funds'],
      ])
      assert.equal((await call(sb, 'POST', '/_sandbox/faults', { achReturnCode: 'X1' })).status, 400)
    } finally {
      await call(sb, 'POST', '/_sandbox/faults', { reset: true })
      await sb.close()
    }
  })

  test('the batch closes by itself once a day at its hour, and the batches survive a restart', async () => {
    clock = new Date('2026-12-01T02:59:00Z') // 21:59 on Nov 30 in New York
    const file = join(dir, 'daily.json')
    let sb = await start({ closeAt: '22:00', ledgerFile: file })
    try {
      const sale = await card(sb, '9.99', 'ord-card-3')
      assert.deepEqual((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1130`)).json, [])
      clock = new Date('2026-12-01T03:01:00Z') // 22:01
      const closed = await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1130`)
      assert.deepEqual(closed.json[0].txns.map((t) => t.retref), [sale.json.retref])
      // Closed once that day: a later sale waits for the next day's batch.
      await card(sb, '5.00', 'ord-card-4')
      assert.equal((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1130`)).json[0].txns.length, 1)
      await sb.close()
      sb = await start({ closeAt: '22:00', ledgerFile: file })
      assert.deepEqual((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1130`)).json, closed.json)
    } finally {
      await sb.close()
    }
  })

  test('a wrong merchant or date is refused the vendor way', async () => {
    const sb = await start({ closeAt: null })
    try {
      assert.equal((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=1&date=1201`)).json.respcode, '21')
      assert.equal((await call(sb, 'GET', `/cardconnect/rest/settlestat?merchid=${MID}&date=1399`)).json.respcode, '34')
      assert.equal((await call(sb, 'GET', `/cardconnect/rest/funding?merchid=${MID}`)).json.respcode, '34')
    } finally {
      await sb.close()
    }
  })
})
