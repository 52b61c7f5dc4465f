// Covers: a clean day (three sides agree) has no mismatch; each kind found (charged but not
// recorded, with and without our attempt; recorded but not charged unless still unsettled;
// amounts differing at the gateway and in the ledger; a voided payment the gateway settled; not
// in the ledger; in the ledger only; a bank return); refunds match settled refunds; ledger
// matching by memo then by gateway ref; days outside the range left out; ACH return advice code by code; one scenario with every kind checked in full (messages, links,
// ids, amounts, day totals, order).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { achReturnAdvice, reconcile, type BookPayment, type ReconcileInput } from './reconciliation.ts'

const pay = (id: string, over: Partial<BookPayment> = {}): BookPayment => ({
  id, invoiceId: `inv_${id}`, invoiceNumber: `10${id.slice(-2)}`, agreementId: `agr_${id}`, customerName: 'Ann Lee', method: 'card',
  amountCents: 5000, chargedCents: 5000, voided: false, gatewayRef: `ref${id}`, day: '2026-12-01', ...over,
})
const settled = (ref: string, amountCents = 5000, settledOn = '2026-12-01') => ({ gatewayRef: ref, orderId: null, amountCents, settledOn, accepted: true })
const ledgerOf = (p: BookPayment, over = {}) => ({ ledgerId: `qb${p.id}`, amountCents: p.amountCents, date: p.day, memo: `Servicebook ${p.id}`, gatewayRef: p.gatewayRef, isVoided: false, ...over })

function run(over: Partial<ReconcileInput>) {
  return reconcile({ days: ['2026-12-01', '2026-12-02'], books: [], refunds: [], settled: [], returns: [], ledger: [], ...over })
}
const kinds = (r: ReturnType<typeof run>) => r.mismatches.map((m) => m.kind)

describe('reconcile', () => {
  test('three sides that agree give day totals and no mismatch', () => {
    const a = pay('p01')
    const b = pay('p02', { method: 'offline', gatewayRef: null, amountCents: 1200, chargedCents: 1200, day: '2026-12-02' })
    const r = run({ books: [a, b], settled: [settled('refp01')], ledger: [ledgerOf(a), ledgerOf(b)] })
    assert.deepEqual(r.mismatches, [])
    assert.deepEqual(r.days, [
      { day: '2026-12-01', gateway: { count: 1, cents: 5000 }, books: { count: 1, cents: 5000 }, ledger: { count: 1, cents: 5000 }, mismatches: 0 },
      { day: '2026-12-02', gateway: { count: 0, cents: 0 }, books: { count: 1, cents: 1200 }, ledger: { count: 1, cents: 1200 }, mismatches: 0 },
    ])
  })

  test('a settled charge we lack is found, linked to its invoice when our attempt is known', () => {
    const r = run({ settled: [settled('x1'), { ...settled('x2', 700), invoice: { id: 'inv_9', number: '1009', agreementId: 'agr_9' } }] })
    assert.deepEqual(kinds(r), ['charged_not_recorded', 'charged_not_recorded'])
    assert.deepEqual(r.mismatches.map((m) => m.link.href), ['/billing', '/agreements/agr_9'])
    assert.match(r.mismatches[1]!.message, /\$7\.00.*invoice 1009/)
  })

  test('a payment the gateway has not settled is a mismatch only once the gateway says it is not pending', () => {
    const books = [pay('p01', { gatewayState: 'pending' }), pay('p02', { gatewayState: 'absent' }), pay('p03', { gatewayState: 'voided' }), pay('p04', { voided: true, amountCents: 0, gatewayState: 'voided' })]
    const r = run({ books, ledger: null })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId]), [['recorded_not_charged', 'p02'], ['recorded_not_charged', 'p03']])
    assert.equal(r.days[0]!.ledger, null)
  })

  test('amounts that differ at the gateway or in the ledger, and a voided payment the gateway settled', () => {
    const a = pay('p01', { amountCents: 4900, chargedCents: 4900 })
    const b = pay('p02')
    const c = pay('p03', { voided: true, amountCents: 0 })
    const r = run({ books: [a, b, c], settled: [settled('refp01'), settled('refp02'), settled('refp03')], ledger: [ledgerOf(a, { amountCents: 5000 }), ledgerOf(b, { amountCents: 4000 }), ledgerOf(c, { isVoided: true })] })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId, m.bookCents, m.otherCents]), [
      ['amount_differs', 'p01', 4900, 5000],
      ['amount_differs', 'p03', 0, 5000],
      ['amount_differs', 'p01', 4900, 5000],
      ['amount_differs', 'p02', 5000, 4000],
    ])
  })

  test('refunds match settled refunds; partly refunded payments compare what stands with the ledger', () => {
    const a = pay('p01', { amountCents: 3000 })
    const r = run({ books: [a], refunds: [{ paymentId: 'p01', gatewayRef: 'rf1', amountCents: 2000 }], settled: [settled('refp01'), settled('rf1', 2000)], ledger: [ledgerOf(a)] })
    assert.deepEqual(r.mismatches, [])
  })

  test('the ledger is matched by our id in its memo, then by gateway ref; unmatched either way is listed', () => {
    const a = pay('p01')
    const b = pay('p02')
    const c = pay('p03')
    const r = run({ books: [a, b, c], settled: ['refp01', 'refp02', 'refp03'].map((x) => settled(x)), ledger: [ledgerOf(a), ledgerOf(b, { memo: null }), { ledgerId: 'qbX', amountCents: 999, date: '2026-12-02', memo: null, gatewayRef: null, isVoided: false }] })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId ?? m.ledgerId, m.day]), [['not_in_ledger', 'p03', '2026-12-01'], ['ledger_not_in_books', 'qbX', '2026-12-02']])
  })

  test('a bank return is listed on the day the bank returned it', () => {
    const a = pay('p01', { method: 'ach' })
    const r = run({ books: [a], settled: [settled('refp01')], returns: [{ gatewayRef: 'refp01', amountCents: 5000, returnedOn: '2026-12-02', returnCode: 'R01', returnReason: 'Insufficient Funds' }], ledger: null })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.day, m.paymentId]), [['bank_payment_returned', '2026-12-02', 'p01']])
    assert.match(r.mismatches[0]!.message, /R01 Insufficient Funds/)
    assert.equal(r.days[1]!.mismatches, 1)
    // Once applied the payment is void here though the gateway settled it: the return says why.
    const applied = run({ books: [{ ...a, voided: true, amountCents: 0 }], settled: [settled('refp01')], returns: [{ gatewayRef: 'refp01', amountCents: 5000, returnedOn: '2026-12-02', returnCode: 'R01', returnReason: 'Insufficient Funds' }], ledger: null })
    assert.deepEqual(kinds(applied), ['bank_payment_returned'])
  })

  test('without the gateway its column is empty and nothing is compared with it', () => {
    const a = pay('p01', { gatewayState: 'absent' })
    const r = run({ books: [a], settled: null, ledger: [ledgerOf(a)] })
    assert.deepEqual(r.mismatches, [])
    assert.equal(r.days[0]!.gateway, null)
    assert.deepEqual(r.days[0]!.books, { count: 1, cents: 5000 })
  })

  test('mismatches on days outside the range are left out', () => {
    assert.deepEqual(run({ settled: [settled('x', 100, '2026-11-30')] }).mismatches, [])
  })

  test('every kind at once, in full: each message, link, ids and amounts, day totals, sorted by day then kind', () => {
    const r = reconcile({
  days: ['2026-12-01', '2026-12-02'],
  books: [
    pay('p01', { chargedCents: 5100 }),
    pay('p02', { voided: true, amountCents: 0, day: '2026-12-02' }),
    pay('p03', { gatewayState: 'declined', customerName: 'Bo Diaz' }),
    pay('p04', { method: 'ach', voided: true, amountCents: 0, chargedCents: 2500 }),
    pay('p05', { method: 'offline', gatewayRef: null, amountCents: 1200, chargedCents: 1200, day: '2026-12-02' }),
    pay('p06', { gatewayState: 'unknown' }),
  ],
  refunds: [],
  settled: [
    { gatewayRef: 'x9', orderId: 'ord-9', amountCents: 700, settledOn: '2026-12-02', accepted: true },
    { gatewayRef: 'refp01', orderId: null, amountCents: 5000, settledOn: '2026-12-01', accepted: true },
    { gatewayRef: 'refp02', orderId: null, amountCents: 5000, settledOn: '2026-12-02', accepted: true },
    { gatewayRef: 'refp04', orderId: null, amountCents: 2500, settledOn: '2026-12-01', accepted: true },
  ],
  returns: [
    { gatewayRef: 'refp04', amountCents: 2500, returnedOn: '2026-12-01', returnCode: 'R02', returnReason: 'Account Closed' },
    { gatewayRef: 'zz', amountCents: 800, returnedOn: '2026-12-02', returnCode: 'R03', returnReason: 'No Account' },
  ],
  ledger: [
    { ledgerId: 'qb1', amountCents: 5000, date: '2026-12-01', memo: 'Servicebook p01', gatewayRef: 'refp01', isVoided: false },
    { ledgerId: 'qb2', amountCents: 5000, date: '2026-12-02', memo: null, gatewayRef: 'refp02', isVoided: false },
    { ledgerId: 'qb5', amountCents: 1200, date: '2026-12-02', memo: 'Servicebook p05', gatewayRef: null, isVoided: false },
    { ledgerId: 'qb7', amountCents: 300, date: '2026-12-02', memo: null, gatewayRef: null, isVoided: false },
    { ledgerId: 'qb8', amountCents: 400, date: '2026-12-01', memo: null, gatewayRef: null, isVoided: true },
  ],
})
    assert.deepEqual(r.days, [
      { day: '2026-12-01', gateway: { count: 2, cents: 7500 }, books: { count: 3, cents: 15000 }, ledger: { count: 1, cents: 5000 }, mismatches: 5 },
      { day: '2026-12-02', gateway: { count: 2, cents: 5700 }, books: { count: 1, cents: 1200 }, ledger: { count: 3, cents: 6500 }, mismatches: 5 },
    ])
    assert.deepEqual(r.mismatches, [
      { paymentId: 'p01', invoiceNumber: '1001', gatewayRef: 'refp01', ledgerId: null, bookCents: 5100, otherCents: 5000, kind: 'amount_differs', day: '2026-12-01', message: 'Payment on invoice 1001 is $51.00 in Servicebook but the gateway settled $50.00', link: { label: 'Open invoice 1001', href: '/agreements/agr_p01' }},
      { paymentId: 'p04', invoiceNumber: '1004', gatewayRef: 'refp04', ledgerId: null, bookCents: 2500, otherCents: 2500, kind: 'bank_payment_returned', day: '2026-12-01', message: 'The bank returned $25.00 paid on invoice 1004 (Ann Lee): R02 Account Closed', link: { label: 'Open invoice 1004', href: '/agreements/agr_p04' }},
      { paymentId: 'p03', invoiceNumber: '1003', gatewayRef: 'refp03', ledgerId: null, bookCents: 5000, otherCents: null, kind: 'not_in_ledger', day: '2026-12-01', message: 'Payment of $50.00 on invoice 1003 (Bo Diaz) is not in QuickBooks', link: { label: 'Open invoice 1003', href: '/agreements/agr_p03' }},
      { paymentId: 'p06', invoiceNumber: '1006', gatewayRef: 'refp06', ledgerId: null, bookCents: 5000, otherCents: null, kind: 'not_in_ledger', day: '2026-12-01', message: 'Payment of $50.00 on invoice 1006 (Ann Lee) is not in QuickBooks', link: { label: 'Open invoice 1006', href: '/agreements/agr_p06' }},
      { paymentId: 'p03', invoiceNumber: '1003', gatewayRef: 'refp03', ledgerId: null, bookCents: 5000, otherCents: null, kind: 'recorded_not_charged', day: '2026-12-01', message: 'Payment of $50.00 on invoice 1003 (Bo Diaz) is recorded, but the gateway shows it declined', link: { label: 'Open invoice 1003', href: '/agreements/agr_p03' }},
      { paymentId: 'p02', invoiceNumber: '1002', gatewayRef: 'refp02', ledgerId: null, bookCents: 0, otherCents: 5000, kind: 'amount_differs', day: '2026-12-02', message: 'Payment on invoice 1002 is voided in Servicebook but the gateway settled $50.00: refund it or record it again', link: { label: 'Open invoice 1002', href: '/agreements/agr_p02' }},
      { paymentId: 'p02', invoiceNumber: '1002', gatewayRef: 'refp02', ledgerId: 'qb2', bookCents: 0, otherCents: 5000, kind: 'amount_differs', day: '2026-12-02', message: 'Payment on invoice 1002 is $0.00 in Servicebook (voided) but $50.00 in QuickBooks', link: { label: 'Open invoice 1002', href: '/agreements/agr_p02' }},
      { paymentId: null, invoiceNumber: null, gatewayRef: 'zz', ledgerId: null, bookCents: null, otherCents: 800, kind: 'bank_payment_returned', day: '2026-12-02', message: 'The bank returned $8.00 (ref zz): R03 No Account', link: { label: 'Open billing', href: '/billing' }},
      { paymentId: null, invoiceNumber: null, gatewayRef: 'x9', ledgerId: null, bookCents: null, otherCents: 700, kind: 'charged_not_recorded', day: '2026-12-02', message: 'The gateway settled $7.00 (ref x9, order ord-9) that no payment in Servicebook carries', link: { label: 'Open billing', href: '/billing' }},
      { paymentId: null, invoiceNumber: null, gatewayRef: null, ledgerId: 'qb7', bookCents: null, otherCents: 300, kind: 'ledger_not_in_books', day: '2026-12-02', message: 'QuickBooks has a payment of $3.00 (id qb7) that Servicebook does not', link: { label: 'Open billing', href: '/billing' }},
    ])
  })

  test('a settled charge we lack, for an attempt we know, names and links its invoice', () => {
    const r = run({ settled: [{ gatewayRef: 'x2', orderId: null, amountCents: 700, settledOn: '2026-12-01', accepted: true, invoice: { id: 'inv_9', number: '1009', agreementId: 'agr_9' } }] })
    assert.deepEqual(r.mismatches.map((m) => [m.message, m.link, m.invoiceNumber]), [
      ['The gateway settled $7.00 (ref x2) that no payment in Servicebook carries (a charge for invoice 1009)', { label: 'Open invoice 1009', href: '/agreements/agr_9' }, '1009'],
    ])
  })

  test('recorded but not charged says what the gateway shows', () => {
    const r = run({ books: [pay('p01', { gatewayState: 'absent' }), pay('p02', { gatewayState: 'voided' })], ledger: null })
    assert.deepEqual(r.mismatches.map((m) => m.message), [
      'Payment of $50.00 on invoice 1001 (Ann Lee) is recorded, but the gateway has no record of it',
      'Payment of $50.00 on invoice 1002 (Ann Lee) is recorded, but the gateway shows it voided',
    ])
  })

  test('records outside the range count nowhere; a payment with no reference matches no ledger row by reference', () => {
    const offline = pay('p01', { method: 'offline', gatewayRef: null, amountCents: 1200, chargedCents: 1200 })
    const early = pay('p02', { day: '2026-11-30' })
    const unchecked = pay('p03', { amountCents: 900, chargedCents: 900 }) // no settlement fetched and no gateway state looked up
    const r = run({
      books: [offline, early, unchecked],
      settled: [settled('refp02', 5000, '2026-11-30')],
      ledger: [
        { ledgerId: 'qbA', amountCents: 1200, date: '2026-12-01', memo: null, gatewayRef: null, isVoided: false },
        { ledgerId: 'qbB', amountCents: 100, date: '2026-11-30', memo: null, gatewayRef: null, isVoided: false },
        ledgerOf(unchecked, { amountCents: 1000 }),
      ],
    })
    assert.deepEqual(r.mismatches.map((m) => [m.kind, m.paymentId ?? m.ledgerId, m.message]), [
      ['amount_differs', 'p03', 'Payment on invoice 1003 is $9.00 in Servicebook but $10.00 in QuickBooks'],
      ['ledger_not_in_books', 'qbA', 'QuickBooks has a payment of $12.00 (id qbA) that Servicebook does not'],
      ['not_in_ledger', 'p01', 'Payment of $12.00 on invoice 1001 (Ann Lee) is not in QuickBooks'],
    ])
    assert.deepEqual(r.days[0], { day: '2026-12-01', gateway: { count: 0, cents: 0 }, books: { count: 2, cents: 2100 }, ledger: { count: 2, cents: 2200 }, mismatches: 3 })
  })

  test('ACH returns advise like declines, code by code', () => {
    const update = { kind: 'update_payment_method' }
    for (const code of ['R01', 'R09']) assert.deepEqual(achReturnAdvice(code), { reason: 'insufficient_funds', retry: { kind: 'retry_later', afterMs: 0 } }, code)
    for (const code of ['R02', 'R03', 'R04', 'R16', 'R20']) assert.deepEqual(achReturnAdvice(code), { reason: 'invalid_account', retry: update }, code)
    for (const code of ['R07', 'R08', 'R10', 'R29']) assert.deepEqual(achReturnAdvice(code), { reason: 'stop_recurring', retry: update }, code)
    for (const code of ['R99', '', 'r01']) assert.deepEqual(achReturnAdvice(code), { reason: 'other', retry: update }, code)
  })
})
