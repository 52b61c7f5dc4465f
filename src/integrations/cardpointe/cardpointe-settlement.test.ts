// Settlement status and funding through the production gateway against the sandbox over HTTP:
// settled transactions with our order id, bank returns with their R-code, empty days, and the
// report being unavailable (not empty) when the gateway cannot be read.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { localDate } from '../../domain/time-zone.ts'
import { CardPointeGateway } from './cardpointe-gateway.ts'
import { readFunding, readSettlestat, wireDate } from './cardpointe-settlement.ts'
import { startHarness, type SandboxHarness } from './test-sandbox.ts'

let h: SandboxHarness
before(async () => {
  h = await startHarness({ sandbox: { uatNoise: true } })
})
after(() => h.close())

const today = () => localDate(new Date(), 'America/New_York')
const sale = (amount: string, orderid: string) => h.client.auth({ account: '4788250000121443', expiry: '1230', amount, capture: 'Y', orderid })
const debit = (amount: string, orderid: string) => h.client.auth({ account: '9876543210', bankaba: '036001808', accttype: 'ECHK', name: 'Pat Doe', amount, orderid, capture: 'Y' })
const retref = (r: Awaited<ReturnType<typeof sale>>) => (r.kind === 'http' ? String((r.body as Record<string, unknown>).retref) : '')

describe('settlement reports', () => {
  test('settled transactions of a day come back with amount, batch and our order id', async () => {
    const a = await sale('31.41', 'rcn-sale-1')
    assert.deepEqual(await h.gateway.settledOn(today()), { status: 'ok', value: [] })
    await h.settle()
    const report = await h.gateway.settledOn(today())
    assert.equal(report.status, 'ok')
    if (report.status !== 'ok') return
    const row = report.value.find((t) => t.gatewayRef === retref(a))
    assert.deepEqual({ ...row, batchId: undefined }, { gatewayRef: retref(a), orderId: 'rcn-sale-1', batchId: undefined, settledOn: today(), amountCents: 3141, accepted: true })
    assert.ok(row?.batchId)
  })

  test('a bank debit returned by the bank shows in funding with its R-code', async () => {
    const d = await h.withFaults({ achReturnCode: 'R02', achReturnAfterDays: 0 }, async () => {
      const d = await debit('58.00', 'rcn-ach-1')
      await h.settle()
      return d
    })
    const report = await h.gateway.fundedOn(today())
    assert.equal(report.status, 'ok')
    if (report.status !== 'ok') return
    assert.deepEqual(report.value.filter((e) => e.kind === 'bank_return'), [
      { kind: 'bank_return', gatewayRef: retref(d), returnedOn: today(), amountCents: 5800, returnCode: 'R02', returnReason: 'Account Closed' },
    ])
  })

  test('a report that cannot be read is unavailable, never an empty day', async () => {
    const wrong = new CardPointeGateway({ ...h.config, password: 'nope' })
    assert.equal((await wrong.settledOn(today())).status, 'unavailable')
    const otherMid = new CardPointeGateway({ ...h.config, merchantId: '111' })
    assert.match(JSON.stringify(await otherMid.fundedOn(today())), /unavailable.*Invalid merchant/)
    assert.equal(readSettlestat({ kind: 'no_answer', message: 'timeout' }, '2026-12-01').status, 'unavailable')
    assert.equal(readSettlestat({ kind: 'http', status: 200, body: { not: 'a list' }, retryAfterSeconds: null }, '2026-12-01').status, 'unavailable')
    assert.equal(readFunding({ kind: 'http', status: 200, body: { txns: [{ retref: '1' }] }, retryAfterSeconds: null }, '2026-12-01').status, 'unavailable')
  })

  test('dates go out as MMDD within the year and YYYYMMDD before it', () => {
    assert.equal(wireDate('2026-03-09', '2026-12-01'), '0309')
    assert.equal(wireDate('2025-12-31', '2026-01-02'), '20251231')
  })
})
