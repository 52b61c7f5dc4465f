// Parser and classifier against recorded, vendor-shaped answers (fixtures/*.json): approvals,
// partial approvals, declines per processor with Visa categories and Mastercard advice codes,
// "Timed out", invalid merchant, ACH routing errors, "Txn not found", arrays from
// inquireByOrderid and profile GET; plus the wire amount format and order ids.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { cents } from '../../domain/money.ts'
import {
  classifyFields,
  classifyTransport,
  fromWireAmount,
  isSafeOrderId,
  isTxnNotFound,
  newOrderId,
  parseFieldList,
  parseFields,
  toMmyy,
  toWireAmount,
} from './cardpointe-mapper.ts'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'))
const classify = (name: string, requested?: number) =>
  classifyFields(parseFields(fixture(name))!, { orderId: 'ours', requestedCents: requested === undefined ? undefined : cents(requested) })

test('amounts go out as dollars with exactly two decimals, never as bare minor units', () => {
  // WARNING: "100" would mean $1.00 to CardPointe; we never send that form.
  assert.equal(toWireAmount(cents(100)), '1.00')
  assert.equal(toWireAmount(cents(1)), '0.01')
  assert.equal(toWireAmount(cents(0)), '0.00')
  assert.equal(toWireAmount(cents(111695)), '1116.95')
  assert.equal(toWireAmount(cents(-2500)), '-25.00')
  for (const c of [0, 1, 99, 100, 12345, 99999999]) assert.match(toWireAmount(cents(c)), /^\d+\.\d{2}$/)
})

test('answer amounts are read as decimals', () => {
  assert.equal(fromWireAmount('11.11'), 1111)
  assert.equal(fromWireAmount('5'), 500)
  assert.equal(fromWireAmount('0.5'), 50)
  assert.equal(fromWireAmount('0.00'), 0)
  assert.equal(fromWireAmount('x'), null)
  assert.equal(fromWireAmount(undefined), null)
})

test('order ids are unique, at most 19 characters and never Luhn-checkable digit strings', () => {
  const ids = new Set(Array.from({ length: 500 }, () => newOrderId()))
  assert.equal(ids.size, 500)
  for (const id of ids) {
    assert.ok(id.length <= 19 && isSafeOrderId(id), id)
    assert.match(id, /^[a-z]/)
  }
  assert.equal(isSafeOrderId('4111111111111111'), false)
  assert.equal(isSafeOrderId('inv-4111111111111111'), false)
  assert.equal(isSafeOrderId('pay_01j9zabcdefghijklmnop'), false, 'too long')
})

test('an approval is read whatever the field order, ignoring junk fields and objects', () => {
  const outcome = classify('auth-approved-fnor', 1111)
  assert.deepEqual(outcome, {
    status: 'approved',
    orderId: 'sblr2x4k9a1b2c3d4e5',
    gatewayRef: '316336153961',
    authCode: 'PPS568',
    amountCents: 1111,
    isPartial: false,
    token: '9601616143390000',
    lastFour: '0000',
    expiry: '1218',
    profileId: null,
    accountId: null,
    codes: { respstat: 'A', respcode: '00', resptext: 'Approval', respproc: 'FNOR' },
  })
})

test('a partial approval reports the approved amount', () => {
  const outcome = classify('auth-partial-rpct', 1000)
  assert.equal(outcome.status, 'approved')
  assert.ok(outcome.status === 'approved' && outcome.isPartial && outcome.amountCents === 500)
})

test('declines (HTTP 200, respstat C) get a reason per processor and retry advice', () => {
  const cases: Array<[string, string, unknown]> = [
    ['auth-declined-nsf-rpct-visa', 'insufficient_funds', { kind: 'retry_later', afterMs: 86_400_000 }],
    ['auth-declined-nu-fnor', 'insufficient_funds', { kind: 'retry_later', afterMs: 3 * 86_400_000 }],
    ['auth-declined-mc-advice', 'insufficient_funds', { kind: 'retry_later', afterMs: 3_600_000 }],
    ['auth-declined-stop-recurring', 'do_not_honor', { kind: 'do_not_retry' }],
    ['auth-declined-expired-rpct', 'expired_card', { kind: 'update_payment_method' }],
    ['ach-bad-routing', 'invalid_account', { kind: 'update_payment_method' }],
    ['txn-not-found', 'not_found', { kind: 'do_not_retry' }],
  ]
  for (const [name, reason, retry] of cases) {
    const outcome = classify(name)
    assert.equal(outcome.status, 'declined', name)
    assert.ok(outcome.status === 'declined')
    assert.equal(outcome.reason, reason, name)
    assert.deepEqual(outcome.retry, retry, name)
  }
  const nsf = classify('auth-declined-nsf-rpct-visa')
  assert.ok(nsf.status === 'declined' && nsf.codes.declineCategory === '2' && nsf.gatewayRef === '176541157416')
})

test('"Timed out" (respstat B) is retryable, with the retref of the attempt', () => {
  const outcome = classify('auth-timed-out')
  assert.equal(outcome.status, 'retryable')
  assert.ok(outcome.status === 'retryable' && outcome.gatewayRef === '343005123105')
})

test('an invalid merchant is a configuration problem, not a decline', () => {
  assert.equal(classify('auth-invalid-merchant').status, 'misconfigured')
})

test('inquireByOrderid and profile GET answers may be arrays; one object is a list of one', () => {
  const list = parseFieldList(fixture('inquire-by-orderid-array'))!
  assert.deepEqual(
    list.map((f) => [f.retref, f.respstat, f.setlstat]),
    [
      ['305001000001', 'C', 'Declined'],
      ['305001000002', 'A', 'Queued for Capture'],
    ],
  )
  assert.equal(parseFieldList(fixture('inquire-approved-object'))!.length, 1)
  assert.deepEqual(
    parseFieldList(fixture('profile-get'))!.map((f) => [f.acctid, f.accttype, f.defaultacct]),
    [
      ['1', 'VISA', 'Y'],
      ['2', 'ECHK', 'N'],
    ],
  )
  assert.equal(parseFieldList('Txn not found'), null)
  assert.equal(parseFieldList([{ a: 1 }, 'x']), null)
})

test('profile saved and deleted are approvals carrying the profile ids', () => {
  const saved = classify('profile-saved')
  assert.ok(saved.status === 'approved' && saved.profileId === '16392957457059785367' && saved.accountId === '1')
  assert.equal(classify('profile-deleted').status, 'approved')
})

test('transport failures: writes without an answer are indeterminate, reads are retryable', () => {
  const write = { orderId: 'o1', isWrite: true }
  const read = { orderId: 'o1', isWrite: false }
  assert.equal(classifyTransport({ kind: 'no_answer', message: 'timeout' }, write)?.status, 'indeterminate')
  assert.equal(classifyTransport({ kind: 'no_answer', message: 'timeout' }, read)?.status, 'retryable')
  assert.equal(classifyTransport({ kind: 'not_sent', message: 'ECONNREFUSED' }, write)?.status, 'retryable')
  const http = (status: number, body: unknown = {}) => ({ kind: 'http' as const, status, body, retryAfterSeconds: null })
  assert.equal(classifyTransport(http(500), write)?.status, 'indeterminate')
  assert.equal(classifyTransport(http(502), read)?.status, 'retryable')
  assert.equal(classifyTransport(http(401, 'Unauthorized'), write)?.status, 'misconfigured')
  assert.equal(classifyTransport(http(404, fixture('not-found-404')), read)?.status, 'misconfigured')
  assert.equal(classifyTransport(http(429), read)?.status, 'retryable')
  assert.equal(classifyTransport(http(200, '<html>'), write)?.status, 'indeterminate')
  assert.equal(classifyTransport(http(200, { respstat: 'A' }), write), null)
})

test('expiry in any vendor form reads as MMYY', () => {
  assert.equal(toMmyy('1229'), '1229')
  assert.equal(toMmyy('202912'), '1229')
  assert.equal(toMmyy('20291231'), '1229')
  assert.equal(toMmyy(''), null)
})

test('"Txn not found" is recognised as an object, a one-element array or bare text', () => {
  assert.ok(isTxnNotFound(fixture('txn-not-found')))
  assert.ok(isTxnNotFound([fixture('txn-not-found')]))
  assert.ok(isTxnNotFound('Txn not found'))
  assert.equal(isTxnNotFound(fixture('inquire-approved-object')), false)
  assert.equal(isTxnNotFound(fixture('inquire-by-orderid-array')), false)
})
