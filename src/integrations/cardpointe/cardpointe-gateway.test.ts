// The production gateway against the CardPointe sandbox over HTTP, as it would talk to the
// vendor. Covers: $0 verification + store, sale + store, stored-credential indicators for
// first sign-up vs scheduled recurring, declines by test card and by amount, partial approval,
// "Timed out", void (full/partial by state), refund (by settlement state), inquireByOrderid
// (not found / object / array), voidByOrderId, profiles (get/delete/de-duplication), ACH,
// and misconfiguration (password, merchant id, URL).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { cents } from '../../domain/money.ts'
import type { ChargeOutcome } from '../../ports/payment-gateway.ts'
import { CardPointeGateway } from './cardpointe-gateway.ts'
import { startHarness, type SandboxHarness } from './test-sandbox.ts'

let h: SandboxHarness
before(async () => {
  h = await startHarness()
})
after(() => h.close())

function approved(outcome: ChargeOutcome) {
  assert.equal(outcome.status, 'approved', JSON.stringify(outcome))
  if (outcome.status !== 'approved') throw new Error('unreachable')
  return outcome
}

function declined(outcome: ChargeOutcome) {
  assert.equal(outcome.status, 'declined', JSON.stringify(outcome))
  if (outcome.status !== 'declined') throw new Error('unreachable')
  return outcome
}

async function storedVisa(pan = '4111111111111111', name = 'Ann Lee') {
  const token = await h.tokenize(pan)
  const orderId = h.gateway.newOrderId()
  return approved(await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId, cardholder: { name, postalCode: '55555' } }))
}

describe('signing up and charging stored cards', () => {
  test('a $0 verification stores the card as a customer-initiated recurring agreement', async () => {
    const stored = await storedVisa('4788250000121443')
    assert.ok(stored.profileId && stored.accountId)
    assert.equal(stored.amountCents, 0)
    assert.equal(stored.lastFour, '1443')
    assert.equal(stored.expiry, '1230')
    assert.match(stored.token ?? '', /^947\d{9}1443$/)
    const row = (await h.ledger()).find((r) => r.orderid === stored.orderId)
    assert.deepEqual([row?.cof, row?.cofscheduled, row?.ecomind, row?.status], ['C', 'Y', 'E', 'Zero Amount'])
  })

  test('a first charge at sign-up is a sale that also stores the card', async () => {
    const token = await h.tokenize('5454545454545454')
    const orderId = h.gateway.newOrderId()
    const sale = approved(await h.gateway.verifyAndStoreCard({ token, expiry: '202912', orderId, firstChargeCents: cents(4995) }))
    assert.equal(sale.amountCents, 4995)
    assert.ok(sale.profileId && sale.gatewayRef && sale.authCode)
    const row = (await h.ledger()).find((r) => r.orderid === orderId)
    assert.deepEqual([row?.amount, row?.status, row?.cof, row?.cofscheduled], ['49.95', 'Queued for Capture', 'C', 'Y'])
  })

  test('scheduled recurring charges are merchant-initiated with ecomind R; customer charges are not', async () => {
    const stored = await storedVisa()
    const base = { profileId: stored.profileId!, accountId: stored.accountId!, method: 'card' as const, amountCents: cents(2500) }
    const recurring = approved(await h.gateway.chargeProfile({ ...base, orderId: h.gateway.newOrderId(), initiator: 'scheduled_recurring' }))
    const oneOff = approved(await h.gateway.chargeProfile({ ...base, orderId: h.gateway.newOrderId(), initiator: 'customer' }))
    const extra = approved(await h.gateway.chargeProfile({ ...base, orderId: h.gateway.newOrderId(), initiator: 'merchant_unscheduled' }))
    const rows = await h.ledger()
    const flags = (orderId: string | null) => {
      const r = rows.find((x) => x.orderid === orderId)
      return [r?.cof, r?.cofscheduled, r?.ecomind, r?.amount]
    }
    assert.deepEqual(flags(recurring.orderId), ['M', 'Y', 'R', '25.00'])
    assert.deepEqual(flags(oneOff.orderId), ['C', 'N', 'E', '25.00'])
    assert.deepEqual(flags(extra.orderId), ['M', 'N', 'E', '25.00'])
    assert.equal(recurring.profileId, stored.profileId)
  })

  test('storing the same card with the same details returns the existing profile', async () => {
    const a = await storedVisa('4444333322221111', 'Dee Dup')
    const b = await storedVisa('4444333322221111', 'Dee Dup')
    assert.equal(b.profileId, a.profileId)
    assert.equal(b.accountId, a.accountId)
    const c = await storedVisa('4444333322221111', 'Someone Else')
    assert.notEqual(c.profileId, a.profileId)
  })
})

describe('declines, partial approvals and timeouts', () => {
  test('test cards decline with their reason and advice', async () => {
    const cases: Array<[string, string, string]> = [
      ['4387751111111038', 'do_not_honor', 'retry_later'],
      ['4387751111111046', 'expired_card', 'update_payment_method'],
      ['4387751111111020', 'refer_to_issuer', 'update_payment_method'],
    ]
    for (const [pan, reason, advice] of cases) {
      const token = await h.tokenize(pan)
      const outcome = declined(await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: h.gateway.newOrderId() }))
      assert.equal(outcome.reason, reason, pan)
      assert.equal(outcome.retry.kind, advice, pan)
      assert.ok(outcome.gatewayRef)
    }
  })

  test('a $1116.00 charge declines as insufficient funds (RPCT 116) with Visa category 2', async () => {
    const stored = await storedVisa()
    const outcome = declined(
      await h.gateway.chargeProfile({
        profileId: stored.profileId!,
        accountId: stored.accountId!,
        method: 'card',
        amountCents: cents(111600),
        orderId: h.gateway.newOrderId(),
        initiator: 'scheduled_recurring',
      }),
    )
    assert.equal(outcome.reason, 'insufficient_funds')
    assert.deepEqual(outcome.codes.declineCategory, '2')
    assert.deepEqual(outcome.retry, { kind: 'retry_later', afterMs: 86_400_000 })
    assert.equal(outcome.codes.respcode, '116')
  })

  test('the partial-approval card approves $5.00 of $10.00', async () => {
    const token = await h.tokenize('4387750101010101')
    const outcome = approved(await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: h.gateway.newOrderId(), firstChargeCents: cents(1000) }))
    assert.equal(outcome.amountCents, 500)
    assert.equal(outcome.isPartial, true)
  })

  test('the timeout card answers "Timed out" (retryable) after the configured delay', async () => {
    const token = await h.tokenize('4999006200620062')
    const startedAt = Date.now()
    const outcome = await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: h.gateway.newOrderId(), firstChargeCents: cents(500) })
    assert.ok(Date.now() - startedAt >= 280)
    assert.equal(outcome.status, 'retryable')
    assert.ok(outcome.status === 'retryable' && outcome.gatewayRef && outcome.codes.respcode === '62')
  })
})

describe('void, refund and inquiries', () => {
  async function sale(amount = 3000) {
    const stored = await storedVisa()
    const orderId = h.gateway.newOrderId()
    const charge = approved(
      await h.gateway.chargeProfile({
        profileId: stored.profileId!,
        accountId: stored.accountId!,
        method: 'card',
        amountCents: cents(amount),
        orderId,
        initiator: 'scheduled_recurring',
      }),
    )
    return { ...charge, orderId }
  }

  test('an unsettled sale can be voided in full but not in part', async () => {
    const charge = await sale()
    const partial = declined(await h.gateway.void({ gatewayRef: charge.gatewayRef!, amountCents: cents(1000) }))
    assert.equal(partial.reason, 'invalid_request')
    approved(await h.gateway.void({ gatewayRef: charge.gatewayRef! }))
    const lookup = await h.gateway.inquireByOrderId({ orderId: charge.orderId })
    assert.ok(lookup.status === 'found')
    assert.equal(lookup.transactions[0].settlementStatus, 'Voided')
    assert.equal(lookup.transactions[0].isVoidable, false)
  })

  test('refunds wait for settlement, then may be partial, never more than was charged', async () => {
    const charge = await sale(3000)
    const early = declined(await h.gateway.refund({ gatewayRef: charge.gatewayRef! }))
    assert.equal(early.reason, 'not_allowed_in_state')
    await h.settle()
    const voidAfter = declined(await h.gateway.void({ gatewayRef: charge.gatewayRef! }))
    assert.equal(voidAfter.reason, 'not_allowed_in_state')
    const part = approved(await h.gateway.refund({ gatewayRef: charge.gatewayRef!, amountCents: cents(1000) }))
    assert.notEqual(part.gatewayRef, charge.gatewayRef)
    assert.equal(part.amountCents, 1000)
    declined(await h.gateway.refund({ gatewayRef: charge.gatewayRef!, amountCents: cents(2500) }))
    const rest = approved(await h.gateway.refund({ gatewayRef: charge.gatewayRef! }))
    assert.equal(rest.amountCents, 2000)
    const refunds = (await h.ledger()).filter((r) => r.type === 'refund' && r.orderid === charge.orderId && r.respstat === 'A')
    assert.deepEqual(refunds.map((r) => r.amount), ['10.00', '20.00'])
  })

  test('inquireByOrderId: not found, one charge, or the approved one among several', async () => {
    assert.deepEqual(await h.gateway.inquireByOrderId({ orderId: 'sbneverseen01' }), { status: 'not_found', orderId: 'sbneverseen01' })
    const charge = await sale(1234)
    const one = await h.gateway.inquireByOrderId({ orderId: charge.orderId })
    assert.ok(one.status === 'found' && one.charge.status === 'approved')
    assert.equal(one.charge.gatewayRef, charge.gatewayRef)
    assert.equal(one.charge.status === 'approved' && one.charge.amountCents, 1234)

    // A declined attempt and its approved retry under the same order id: the answer is an array.
    const stored = await storedVisa()
    const orderId = h.gateway.newOrderId()
    const input = { profileId: stored.profileId!, accountId: stored.accountId!, method: 'card' as const, orderId, initiator: 'customer' as const }
    declined(await h.gateway.chargeProfile({ ...input, amountCents: cents(110000) }))
    const retried = approved(await h.gateway.chargeProfile({ ...input, amountCents: cents(1100) }))
    const both = await h.gateway.inquireByOrderId({ orderId })
    assert.ok(both.status === 'found')
    assert.equal(both.transactions.length, 2)
    assert.equal(both.charge.gatewayRef, retried.gatewayRef)
  })

  test('voidByOrderId voids the approved charge even without its retref', async () => {
    const charge = await sale()
    approved(await h.gateway.voidByOrderId({ orderId: charge.orderId }))
    const lookup = await h.gateway.inquireByOrderId({ orderId: charge.orderId })
    assert.ok(lookup.status === 'found' && lookup.transactions[0].settlementStatus === 'Voided')
    declined(await h.gateway.voidByOrderId({ orderId: 'sbneverseen02' }))
  })
})

describe('stored accounts and ACH', () => {
  test('profiles can be read and deleted; a deleted profile cannot be charged', async () => {
    const stored = await storedVisa('6011000995500000', 'Pat Profile')
    const found = await h.gateway.getProfile({ profileId: stored.profileId! })
    assert.ok(found.status === 'found')
    assert.deepEqual(
      found.accounts.map((a) => [a.accountId, a.accountType, a.lastFour, a.expiry, a.isDefault]),
      [['1', 'DISC', '0000', '1230', true]],
    )
    approved(await h.gateway.deleteProfile({ profileId: stored.profileId!, accountId: stored.accountId! }))
    assert.deepEqual(await h.gateway.getProfile({ profileId: stored.profileId! }), { status: 'not_found' })
    const charge = declined(
      await h.gateway.chargeProfile({
        profileId: stored.profileId!,
        accountId: stored.accountId!,
        method: 'card',
        amountCents: cents(100),
        orderId: h.gateway.newOrderId(),
        initiator: 'scheduled_recurring',
      }),
    )
    assert.equal(charge.reason, 'not_found')
  })

  test('a bank account is stored, debited later, and a bad routing number is an invalid account', async () => {
    const stored = approved(
      await h.gateway.verifyAndStoreBankAccount({
        kind: 'checking',
        accountNumber: '123456789',
        routingNumber: '036001808',
        accountHolderName: 'Ann Lee',
        orderId: h.gateway.newOrderId(),
      }),
    )
    assert.ok(stored.profileId)
    assert.equal(stored.lastFour, '6789')
    const debit = approved(
      await h.gateway.chargeProfile({
        profileId: stored.profileId!,
        accountId: stored.accountId!,
        method: 'bank_account',
        amountCents: cents(7500),
        orderId: h.gateway.newOrderId(),
        initiator: 'scheduled_recurring',
      }),
    )
    assert.equal(debit.amountCents, 7500)
    const row = (await h.ledger()).find((r) => r.orderid === debit.orderId)
    assert.deepEqual([row?.cof, row?.ecomind], [null, 'E'])

    const token = await h.tokenize('011401533/987654321')
    const firstDebit = approved(
      await h.gateway.verifyAndStoreBankAccount({ kind: 'savings', token, accountHolderName: 'Bo Bank', orderId: h.gateway.newOrderId(), firstChargeCents: cents(1999) }),
    )
    assert.ok(firstDebit.profileId && firstDebit.gatewayRef)

    const bad = declined(
      await h.gateway.verifyAndStoreBankAccount({
        kind: 'checking',
        accountNumber: '123456789',
        routingNumber: '036001809',
        accountHolderName: 'Ann Lee',
        orderId: h.gateway.newOrderId(),
      }),
    )
    assert.equal(bad.reason, 'invalid_account')
    assert.match(bad.message, /not a valid routing number/)
  })
})

describe('misconfiguration', () => {
  test('a wrong password, merchant id or URL is misconfigured, never a decline', async () => {
    const token = await h.tokenize('4111111111111111')
    const attempt = (gateway: CardPointeGateway) => gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: gateway.newOrderId() })
    const badPassword = await attempt(new CardPointeGateway({ ...h.config, password: 'wrong' }))
    assert.equal(badPassword.status, 'misconfigured')
    assert.ok(badPassword.status === 'misconfigured' && badPassword.httpStatus === 401)
    const badMerchant = await attempt(new CardPointeGateway({ ...h.config, merchantId: '123' }))
    assert.equal(badMerchant.status, 'misconfigured')
    const badUrl = await attempt(new CardPointeGateway({ ...h.config, baseUrl: `${h.config.baseUrl}/nope` }))
    assert.ok(badUrl.status === 'misconfigured' && badUrl.httpStatus === 404)
    const unsafeOrder = await h.gateway.verifyAndStoreCard({ token, expiry: '1230', orderId: '4111111111111111' })
    assert.equal(unsafeOrder.status, 'misconfigured')
  })

  test('a gateway that cannot be reached is retryable (nothing was sent)', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const gateway = new CardPointeGateway({ ...h.config, baseUrl: `http://127.0.0.1:${port}` })
    const outcome = await gateway.verifyAndStoreCard({ token: '9411111111111111', expiry: '1230', orderId: gateway.newOrderId() })
    assert.equal(outcome.status, 'retryable')
  })
})
