// Pure rules of quotes: option totals, the quote life cycle, sign-up tokens, visit windows, ISO dates.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { addMonthsIso, dayBeforeIso } from './iso-date.ts'
import { optionLines, optionTotals, periodsPerTerm } from './quote-pricing.ts'
import { assertQuoteAction, canQuote, type QuoteAction } from './quote-status.ts'
import { hashSignupToken, linkState, looksLikeSignupToken, newSignupToken, signedDocumentHash } from './signup-token.ts'
import { visitWindows } from './visit-windows.ts'
import { AppError } from './errors.ts'

const option = (over: Partial<Parameters<typeof optionTotals>[0]> = {}) => ({
  name: 'Basic', priceCents: 2999, isTaxable: true, billingIntervalMonths: 1, termMonths: 12 as number | null, extraLines: [], ...over,
})

test('option lines: the plan price first, then extra lines as given', () => {
  const lines = optionLines(option({ extraLines: [{ description: 'Setup', amountCents: 4900, recurring: false, taxable: false }] }))
  assert.deepEqual(lines, [
    { description: 'Basic', amountCents: 2999, recurring: true, taxable: true },
    { description: 'Setup', amountCents: 4900, recurring: false, taxable: false },
  ])
})

test('option totals per period and per term use the one rounding rule', () => {
  const t = optionTotals(option({ extraLines: [{ description: 'Setup', amountCents: 4900, recurring: false, taxable: true }] }), 82_500)
  assert.equal(t.perPeriod.taxCents, 247) // 247.4175
  assert.equal(t.firstPeriod.taxCents, 652) // (2999 + 4900) × 8.25% = 651.6675: rounded once, not 247 + 404
  assert.equal(t.perTermCents, t.firstPeriod.totalCents + t.perPeriod.totalCents * 11)
  assert.equal(periodsPerTerm({ termMonths: 12, billingIntervalMonths: 3 }), 4)
  assert.equal(periodsPerTerm({ termMonths: null, billingIntervalMonths: 3 }), null)
  assert.equal(optionTotals(option({ termMonths: null }), 82_500).perTermCents, null)
})

test('term totals are whole cents and equal the sum of the bills', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(1, 2, 3, 6, 12), fc.integer({ min: 1, max: 10 }), (price, ppm, interval, periods) => {
      const t = optionTotals(option({ priceCents: price, billingIntervalMonths: interval, termMonths: interval * periods }), ppm)
      assert.ok(Number.isSafeInteger(t.perTermCents))
      assert.equal(t.perTermCents, t.perPeriod.totalCents * periods)
    }),
  )
})

test('quote life cycle: only drafts are edited or sent; sent quotes change by revision', () => {
  const table: [string, QuoteAction, string | null][] = [
    ['draft', 'edit', 'draft'], ['draft', 'send', 'sent'], ['draft', 'revise', null], ['draft', 'accept', null],
    ['sent', 'edit', null], ['sent', 'view', 'viewed'], ['sent', 'accept', 'accepted'], ['sent', 'revise', 'draft'],
    ['viewed', 'accept', 'accepted'], ['viewed', 'decline', 'declined'], ['viewed', 'expire', 'expired'], ['viewed', 'send', null],
    ['accepted', 'revise', null], ['accepted', 'edit', null], ['accepted', 'decline', null],
    ['declined', 'revise', 'draft'], ['expired', 'revise', 'draft'], ['expired', 'accept', null],
  ]
  for (const [from, action, to] of table) {
    const status = from as Parameters<typeof canQuote>[0]
    if (to === null) {
      assert.equal(canQuote(status, action), false, `${from} ${action}`)
      assert.throws(() => assertQuoteAction(status, action), (e: unknown) => e instanceof AppError && e.kind === 'not_allowed' && e.code === `quote_${action}_not_allowed`)
    } else assert.equal(assertQuoteAction(status, action), to, `${from} ${action}`)
  }
})

test('sign-up tokens: 256 random bits, only the hash is kept, malformed ones are refused early', () => {
  const tokens = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const { token, hash } = newSignupToken()
    assert.ok(looksLikeSignupToken(token), token)
    assert.equal(Buffer.from(token, 'base64url').length, 32)
    assert.equal(hash, hashSignupToken(token))
    assert.match(hash, /^[0-9a-f]{64}$/)
    assert.ok(!hash.includes(token))
    tokens.add(token)
  }
  assert.equal(tokens.size, 200)
  for (const bad of ['', 'abc', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}/`]) assert.equal(looksLikeSignupToken(bad), false, bad)
})

test('a link is valid until it expires, is used or is revoked', () => {
  const expiresAt = new Date('2027-01-02T05:00:00Z')
  const before = new Date('2027-01-02T04:59:59Z')
  assert.equal(linkState({ expiresAt, usedAt: null, revokedAt: null }, before), 'valid')
  assert.equal(linkState({ expiresAt, usedAt: null, revokedAt: null }, expiresAt), 'expired')
  assert.equal(linkState({ expiresAt, usedAt: before, revokedAt: null }, before), 'used')
  assert.equal(linkState({ expiresAt, usedAt: before, revokedAt: before }, before), 'revoked')
})

test('the signed-document hash changes with any part of what was signed', () => {
  const base = { quoteId: 'quo_1', revision: 1, optionJson: '{"price":100}', termsText: 'Terms' }
  const h = signedDocumentHash(base)
  assert.equal(h, signedDocumentHash({ ...base }))
  for (const change of [{ revision: 2 }, { optionJson: '{"price":101}' }, { termsText: 'Terms.' }, { quoteId: 'quo_2' }]) assert.notEqual(signedDocumentHash({ ...base, ...change }), h)
})

test('visit windows: target months inside the term, clipped to its start and end', () => {
  assert.deepEqual(visitWindows({ startDate: '2027-03-15', termMonths: 12, visitsPerTerm: 2, visitMonths: [4, 10] }), [
    { windowStart: '2027-04-01', windowEnd: '2027-04-30', visitNumber: 1, monthLabel: 'Apr 2027' },
    { windowStart: '2027-10-01', windowEnd: '2027-10-31', visitNumber: 2, monthLabel: 'Oct 2027' },
  ])
  // One work order per included visit: the first March of a term starting Mar 15, clipped to the start.
  assert.deepEqual(
    visitWindows({ startDate: '2027-03-15', termMonths: 12, visitsPerTerm: 1, visitMonths: [3] }).map((w) => [w.windowStart, w.windowEnd]),
    [['2027-03-15', '2027-03-31']],
  )
  // A 24-month term with two included visits: the first April and October.
  assert.deepEqual(
    visitWindows({ startDate: '2027-05-01', termMonths: 24, visitsPerTerm: 2, visitMonths: [4, 10] }).map((w) => w.monthLabel),
    ['Oct 2027', 'Apr 2028'],
  )
  // Open-ended: the first 12 months.
  assert.equal(visitWindows({ startDate: '2027-01-01', termMonths: null, visitsPerTerm: 4, visitMonths: [1, 4, 7, 10] }).length, 4)
  // No target months: spread evenly, one per slice of the term.
  assert.deepEqual(
    visitWindows({ startDate: '2027-01-10', termMonths: 12, visitsPerTerm: 4, visitMonths: [] }).map((w) => w.windowStart),
    ['2027-01-10', '2027-04-01', '2027-07-01', '2027-10-01'],
  )
  assert.deepEqual(visitWindows({ startDate: '2027-01-10', termMonths: 12, visitsPerTerm: 0, visitMonths: [] }), [])
})

test('visit windows always lie inside the term', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('2024-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
      fc.option(fc.integer({ min: 1, max: 36 }), { nil: null }),
      fc.integer({ min: 0, max: 12 }),
      fc.boolean(),
      (d, term, visits, targeted) => {
        const startDate = d.toISOString().slice(0, 10)
        const months = targeted ? Array.from({ length: visits }, (_, i) => i + 1) : []
        const end = dayBeforeIso(addMonthsIso(startDate, term ?? 12))
        const windows = visitWindows({ startDate, termMonths: term, visitsPerTerm: visits, visitMonths: months })
        assert.ok(windows.length <= visits)
        if (!targeted) assert.equal(windows.length, visits)
        for (const w of windows) {
          assert.ok(w.windowStart >= startDate && w.windowEnd <= end && w.windowStart <= w.windowEnd, JSON.stringify({ startDate, term, w }))
        }
      },
    ),
  )
})

test('calendar: month arithmetic clamps to the month end; today follows the time zone', () => {
  assert.equal(addMonthsIso('2027-01-31', 1), '2027-02-28')
  assert.equal(addMonthsIso('2028-01-31', 1), '2028-02-29')
  assert.equal(addMonthsIso('2027-11-30', 3), '2028-02-29')
  assert.equal(addMonthsIso('2027-03-15', -12), '2026-03-15')
  assert.equal(dayBeforeIso('2028-03-01'), '2028-02-29')
})
