// Fault injection through the sandbox's /_sandbox/faults: added latency, HTTP 500s, requests
// that never answer, and approvals whose answer is dropped after the charge is recorded.
// Proves the outcome classes and that reconciling by order id charges exactly once.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { cents } from '../../domain/money.ts'
import type { ChargeOutcome, ChargeProfileInput, PaymentGateway } from '../../ports/payment-gateway.ts'
import { startHarness, type SandboxHarness } from './test-sandbox.ts'

let h: SandboxHarness
let stored: { profileId: string; accountId: string }

before(async () => {
  h = await startHarness({ client: { readTimeoutMs: 400 } })
  const token = await h.tokenize('4111111111111111')
  const outcome = await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: h.gateway.newOrderId(), cardholder: { name: 'Fay Fault' } })
  assert.ok(outcome.status === 'approved')
  stored = { profileId: outcome.profileId!, accountId: outcome.accountId! }
})
after(() => h.close())
beforeEach(() => h.faults({ reset: true }))

function charge(amount = 2000): ChargeProfileInput {
  return { ...stored, method: 'card', amountCents: cents(amount), orderId: h.gateway.newOrderId(), initiator: 'scheduled_recurring' }
}

/**
 * What a billing service must do: persist the order id (here: keep it), charge, and when the
 * answer is lost reconcile by order id; only an order id the gateway never saw is charged again.
 */
async function chargeExactlyOnce(gateway: PaymentGateway, input: ChargeProfileInput): Promise<ChargeOutcome> {
  for (let attempt = 0; attempt < 25; attempt++) {
    const outcome = await gateway.chargeProfile(input)
    if (outcome.status !== 'indeterminate') return outcome
    const lookup = await gateway.inquireByOrderId({ orderId: input.orderId })
    if (lookup.status === 'found') return lookup.charge
    if (lookup.status === 'unavailable') throw new Error(`lookup failed: ${JSON.stringify(lookup.cause)}`)
  }
  throw new Error('gave up')
}

async function approvalsFor(orderId: string) {
  return (await h.ledger()).filter((r) => r.type === 'auth' && r.orderid === orderId && r.respstat === 'A')
}

describe('fault injection', () => {
  test('added latency slows answers but changes nothing else', async () => {
    await h.faults({ latencyMs: 250 })
    const startedAt = Date.now()
    const outcome = await h.gateway.chargeProfile(charge())
    assert.ok(Date.now() - startedAt >= 240)
    assert.equal(outcome.status, 'approved')
  })

  test('an HTTP 500 on a charge is indeterminate; the lookup shows it never happened; the retry charges once', async () => {
    await h.faults({ errorRate: 1, endpoints: ['auth'] })
    const input = charge()
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    assert.deepEqual(await h.gateway.inquireByOrderId({ orderId: input.orderId }), { status: 'not_found', orderId: input.orderId })
    await h.faults({ reset: true })
    assert.equal((await chargeExactlyOnce(h.gateway, input)).status, 'approved')
    assert.equal((await approvalsFor(input.orderId)).length, 1)
  })

  test('an HTTP 500 on a read is retryable', async () => {
    await h.faults({ errorRate: 1, endpoints: ['inquireByOrderid'] })
    const lookup = await h.gateway.inquireByOrderId({ orderId: 'sbwhatever01' })
    assert.ok(lookup.status === 'unavailable' && lookup.cause.status === 'retryable')
  })

  test('a request that is never answered is indeterminate after the read timeout', async () => {
    await h.faults({ timeoutRate: 1, endpoints: ['auth'] })
    const input = charge()
    const startedAt = Date.now()
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    assert.ok(Date.now() - startedAt >= 390)
    assert.equal((await h.gateway.inquireByOrderId({ orderId: input.orderId })).status, 'not_found')
    assert.equal((await approvalsFor(input.orderId)).length, 0)
  })

  test('an approval whose answer is dropped is indeterminate, and inquireByOrderid finds the charge', async () => {
    await h.faults({ dropApprovedRate: 1, endpoints: ['auth'] })
    const input = charge(3300)
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    const lookup = await h.gateway.inquireByOrderId({ orderId: input.orderId })
    assert.ok(lookup.status === 'found' && lookup.charge.status === 'approved', JSON.stringify(lookup))
    assert.equal(lookup.charge.status === 'approved' && lookup.charge.amountCents, 3300)
    const rows = await approvalsFor(input.orderId)
    assert.equal(rows.length, 1)
    assert.equal(rows[0].retref, lookup.charge.gatewayRef)
  })

  test('under random 500s, hangs and dropped approvals every order is charged exactly once', async () => {
    await h.faults({ errorRate: 0.3, timeoutRate: 0.2, dropApprovedRate: 0.3, endpoints: ['auth'] })
    const inputs = Array.from({ length: 10 }, (_, i) => charge(1000 + i))
    for (const input of inputs) {
      const outcome = await chargeExactlyOnce(h.gateway, input)
      assert.equal(outcome.status, 'approved', JSON.stringify(outcome))
    }
    await h.faults({ reset: true })
    for (const input of inputs) {
      const rows = await approvalsFor(input.orderId)
      assert.equal(rows.length, 1, input.orderId)
      assert.equal(rows[0].amountCents, input.amountCents)
    }
  })

  test('latency slows only the endpoints named', async () => {
    await h.faults({ latencyMs: 1500, endpoints: ['auth'] })
    const input = charge()
    // Past the client's read timeout (400 ms) on auth; the inquiry right after is not slowed.
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    assert.deepEqual(await h.gateway.inquireByOrderId({ orderId: input.orderId }), { status: 'not_found', orderId: input.orderId })
  })

  test('a charge whose client hung up while the gateway was busy is dropped unprocessed', async () => {
    await h.faults({ latencyMs: 1000, endpoints: ['auth'] })
    const input = charge()
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    // A later request on the same slow endpoint, with no client timeout: when it is answered the first has been dealt with.
    const later = charge()
    const res = await rawAuth(later)
    assert.equal(res.respstat, 'A')
    assert.equal((await approvalsFor(input.orderId)).length, 0)
    assert.equal((await h.gateway.inquireByOrderId({ orderId: input.orderId })).status, 'not_found')
  })

  test('with processAfterHangupRate the gateway charges and approves after its client left', async () => {
    await h.faults({ latencyMs: 1500, processAfterHangupRate: 1, endpoints: ['auth'] })
    const input = charge(4100)
    assert.equal((await h.gateway.chargeProfile(input)).status, 'indeterminate')
    // Still at work: not found yet, then approved without anyone waiting for the answer.
    assert.equal((await h.gateway.inquireByOrderId({ orderId: input.orderId })).status, 'not_found')
    const lookup = await waitFor(async () => {
      const l = await h.gateway.inquireByOrderId({ orderId: input.orderId })
      return l.status === 'found' ? l : null
    })
    assert.ok(lookup.charge.status === 'approved' && lookup.charge.amountCents === 4100, JSON.stringify(lookup))
    assert.equal((await approvalsFor(input.orderId)).length, 1)
  })

  test("merchAdviceCode makes declined charges carry the issuer's advice; approvals are untouched", async () => {
    await h.faults({ merchAdviceCode: '29' })
    // $1116.00: insufficient funds.
    const declined = await h.gateway.chargeProfile(charge(111600))
    assert.ok(declined.status === 'declined', JSON.stringify(declined))
    assert.deepEqual([declined.codes.merchAdviceCode, declined.retry], ['29', { kind: 'retry_later', afterMs: 8 * 86_400_000 }])
    assert.equal((await h.gateway.chargeProfile(charge(2500))).status, 'approved')
  })

  test('a seed replays the same sequence of faults', async () => {
    const outcomes = async () => {
      await h.faults({ reset: true })
      await h.faults({ errorRate: 0.5, endpoints: ['auth'], seed: 20261201 })
      const seen: string[] = []
      for (let i = 0; i < 12; i++) seen.push((await h.gateway.chargeProfile(charge(1000 + i))).status)
      return seen
    }
    const first = await outcomes()
    assert.ok(first.includes('approved') && first.includes('indeterminate'), first.join())
    assert.deepEqual(await outcomes(), first)
  })

  test('fault settings are validated', async () => {
    for (const bad of [{ errorRate: 2 }, { processAfterHangupRate: -1 }, { latencyMs: 1.5 }, { merchAdviceCode: '99' }, { seed: -1 }, { seed: 'x' }]) {
      const res = await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify(bad) })
      assert.equal(res.status, 400, JSON.stringify(bad))
    }
  })
})

/** An auth sent with no client timeout (the gateway client's is 400 ms here). */
async function rawAuth(input: ChargeProfileInput): Promise<Record<string, string>> {
  const res = await fetch(`${h.sandbox.url}/cardconnect/rest/auth`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from('testing:testing123').toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ merchid: '496160873888', profile: `${input.profileId}/${input.accountId}`, amount: String(input.amountCents), orderid: input.orderId, capture: 'Y' }),
  })
  return (await res.json()) as Record<string, string>
}

/** Polls `probe` until it returns a value (10 s at most). */
async function waitFor<T>(probe: () => Promise<T | null>): Promise<T> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const v = await probe()
    if (v !== null) return v
  }
  throw new Error('condition not met within 10 s')
}
