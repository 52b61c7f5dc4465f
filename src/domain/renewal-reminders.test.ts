/**
 * Renewal reminders. Covers: the schedule's steps (each once, the current step only: a missed one
 * is not sent late), the legal auto-renewal notice window (15–45 days, configurable; 15–30 when
 * the price changes), a scheduled reminder in the window counting as the notice, terms under a
 * year needing none, a late notice still going out, nothing once the term is over; and, as a
 * property over random schedules and days: walking every day of a term sends each step at most
 * once and the legal notice exactly once, never before its window.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Temporal } from 'temporal-polyfill'
import { daysBetween, dueReminder, legalNoticeDays, type ReminderState } from './renewal-reminders.ts'

const base: ReminderState = { today: '2026-11-01', termEnd: '2027-01-01', reminderDays: [60, 30, 7], autoRenew: false, termMonths: 12, autoRenewNoticeDays: 30, priceChanges: false, sent: [] }
const day = (n: number) => Temporal.PlainDate.from('2027-01-01').subtract({ days: n }).toString()

test('each step of the schedule goes out once, on its day; a missed step is not sent late', () => {
  assert.equal(dueReminder({ ...base, today: day(61) }), null)
  assert.deepEqual(dueReminder({ ...base, today: day(60) }), { kind: 'reminder', daysBefore: 60, isLegalNotice: false })
  assert.equal(dueReminder({ ...base, today: day(59), sent: [{ kind: 'reminder', daysBefore: 60 }] }), null)
  // Never ran before 20 days left: the 30-day step goes now, the 60-day one never.
  assert.deepEqual(dueReminder({ ...base, today: day(20) }), { kind: 'reminder', daysBefore: 30, isLegalNotice: false })
  assert.equal(dueReminder({ ...base, today: day(0) }), null, 'nothing once the term is over')
})

test('auto-renewing a year or more: the legal notice from the configured day (15-45), at most 30 days before when the price changes', () => {
  const auto = { ...base, autoRenew: true, reminderDays: [] as number[] }
  assert.equal(legalNoticeDays({ autoRenewNoticeDays: 45, priceChanges: false }), 45)
  assert.equal(legalNoticeDays({ autoRenewNoticeDays: 45, priceChanges: true }), 30)
  assert.equal(legalNoticeDays({ autoRenewNoticeDays: 3, priceChanges: false }), 15)
  assert.equal(dueReminder({ ...auto, today: day(31) }), null)
  assert.deepEqual(dueReminder({ ...auto, today: day(30) }), { kind: 'auto_renew_notice', daysBefore: 30, isLegalNotice: true })
  assert.equal(dueReminder({ ...auto, today: day(29), sent: [{ kind: 'auto_renew_notice', daysBefore: 30 }] }), null)
  assert.equal(dueReminder({ ...auto, autoRenewNoticeDays: 45, priceChanges: true, today: day(40) }), null, 'a price change is not noticed more than 30 days ahead')
  assert.deepEqual(dueReminder({ ...auto, today: day(5) }), { kind: 'auto_renew_notice', daysBefore: 30, isLegalNotice: true }, 'missed: late rather than never')
  assert.equal(dueReminder({ ...auto, termMonths: 6, today: day(30) }), null, 'terms under a year need no notice')
})

test('a scheduled reminder inside the window is the legal notice; one outside it is not', () => {
  const auto = { ...base, autoRenew: true }
  assert.deepEqual(dueReminder({ ...auto, today: day(60) }), { kind: 'reminder', daysBefore: 60, isLegalNotice: false })
  assert.deepEqual(dueReminder({ ...auto, today: day(30), sent: [{ kind: 'reminder', daysBefore: 60 }] }), { kind: 'reminder', daysBefore: 30, isLegalNotice: true })
  assert.equal(dueReminder({ ...auto, today: day(29), sent: [{ kind: 'reminder', daysBefore: 60 }, { kind: 'reminder', daysBefore: 30 }] }), null)
  // Schedule 60 and 7 only: the legal notice goes at 30 days on its own.
  assert.deepEqual(dueReminder({ ...auto, reminderDays: [60, 7], today: day(30), sent: [{ kind: 'reminder', daysBefore: 60 }] }), { kind: 'auto_renew_notice', daysBefore: 30, isLegalNotice: true })
})

test('walking a whole term day by day: each step at most once, the legal notice exactly once and inside its window', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 120 }), { maxLength: 5 }),
      fc.integer({ min: 15, max: 45 }),
      fc.boolean(),
      fc.boolean(),
      (reminderDays, noticeDays, priceChanges, autoRenew) => {
        const sent: { kind: 'reminder' | 'auto_renew_notice'; daysBefore: number; left: number }[] = []
        for (let left = 150; left >= 0; left--) {
          const d = dueReminder({ ...base, today: day(left), reminderDays, autoRenewNoticeDays: noticeDays, priceChanges, autoRenew, sent })
          if (d) sent.push({ kind: d.kind, daysBefore: d.daysBefore, left })
        }
        const steps = sent.filter((s) => s.kind === 'reminder').map((s) => s.daysBefore)
        assert.equal(new Set(steps).size, steps.length)
        if (!autoRenew) return assert.ok(sent.every((s) => s.kind === 'reminder'))
        const window = Math.min(noticeDays, priceChanges ? 30 : 45)
        const legal = sent.filter((s) => s.kind === 'auto_renew_notice' || (s.daysBefore >= 15 && s.daysBefore <= window))
        assert.ok(legal.length >= 1, JSON.stringify(sent))
        assert.equal(sent.filter((s) => s.kind === 'auto_renew_notice').length <= 1, true)
        const first = legal[0]!
        assert.ok(first.left <= window && first.left >= 1, JSON.stringify(sent))
      },
    ),
  )
})

test('days between company dates', () => {
  assert.equal(daysBetween('2026-12-02', '2027-01-01'), 30)
  assert.equal(daysBetween('2027-01-01', '2026-12-31'), -1)
})
