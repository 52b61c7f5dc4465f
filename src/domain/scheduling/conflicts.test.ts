/**
 * Conflict rules. Covers each rule alone (overlap, touching ends, working hours, a slot across
 * midnight, day off, skill, window by company-local date, past), the blocking ones (agreement
 * suspended, inactive technician) and a full working day on both daylight-saving days.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { noWorkingHours, zoneClock } from './availability.ts'
import { slotConflicts, type SlotCheck } from './conflicts.ts'

const clock = zoneClock('America/New_York')
const weekdays = { start: '08:00', end: '17:00' }
const tech = {
  name: 'Ana',
  isActive: true,
  skills: ['HVAC', 'boilers'],
  workingHours: { ...noWorkingHours(), mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays], sun: [weekdays] },
  daysOff: [{ from: '2027-07-05', to: '2027-07-09', reason: 'Vacation' }],
}
const at = (local: string) => Date.parse(local)
const full = (start: string, end: string, over: Partial<SlotCheck> = {}) =>
  slotConflicts({
    slot: { start: at(start), end: at(end) },
    clock,
    now: at('2027-01-01T00:00:00Z'),
    visit: { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: null, heldBy: null },
    technician: tech,
    busy: [],
    ...over,
  })
/** The rules broken, in order. */
const check = (start: string, end: string, over: Partial<SlotCheck> = {}): string[] => full(start, end, over).map((c) => c.rule)

test('a slot inside working hours, in the window, for a qualified technician has no conflict', () => {
  assert.deepEqual(check('2027-04-14T09:00:00-04:00', '2027-04-14T10:30:00-04:00', { visit: { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: 'hvac', heldBy: null } }), [])
})

test('overlap with another visit; touching ends are not an overlap', () => {
  const busy = [{ id: 'wo_a', label: 'Smith tune-up', start: at('2027-04-14T10:00:00-04:00'), end: at('2027-04-14T11:00:00-04:00') }]
  const c = slotConflicts({
    slot: { start: at('2027-04-14T10:30:00-04:00'), end: at('2027-04-14T11:30:00-04:00') },
    clock,
    now: 0,
    visit: { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: null, heldBy: null },
    technician: tech,
    busy,
  })
  assert.deepEqual(c.map((x) => x.rule), ['overlap'])
  assert.deepEqual(c[0]!.visitIds, ['wo_a'])
  assert.match(c[0]!.message, /Overlaps Ana's Smith tune-up 10:00–11:00/)
  assert.deepEqual(check('2027-04-14T11:00:00-04:00', '2027-04-14T12:00:00-04:00', { busy }), [])
  assert.deepEqual(check('2027-04-14T09:00:00-04:00', '2027-04-14T10:00:00-04:00', { busy }), [])
})

test('outside working hours: before opening, after closing, on a day not worked, across midnight', () => {
  assert.deepEqual(check('2027-04-14T07:30:00-04:00', '2027-04-14T08:30:00-04:00'), ['outside_working_hours'])
  assert.deepEqual(check('2027-04-14T16:30:00-04:00', '2027-04-14T17:30:00-04:00'), ['outside_working_hours'])
  assert.deepEqual(check('2027-04-17T09:00:00-04:00', '2027-04-17T10:00:00-04:00'), ['outside_working_hours'], 'Saturday')
  assert.deepEqual(check('2027-04-14T23:30:00-04:00', '2027-04-15T00:30:00-04:00'), ['outside_working_hours'])
  assert.deepEqual(check('2027-04-14T16:00:00-04:00', '2027-04-14T17:00:00-04:00'), [], 'ending at closing time')
})

test('a day off, a missing skill, the window and the past', () => {
  const july = { windowStart: '2027-07-01', windowEnd: '2027-07-31', requiredSkill: null, heldBy: null }
  assert.deepEqual(check('2027-07-06T09:00:00-04:00', '2027-07-06T10:00:00-04:00', { visit: july }), ['day_off'])
  assert.deepEqual(check('2027-04-14T09:00:00-04:00', '2027-04-14T10:00:00-04:00', { visit: { ...july, windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: 'plumbing' } }), ['missing_skill'])
  assert.deepEqual(check('2027-05-03T09:00:00-04:00', '2027-05-03T10:00:00-04:00'), ['outside_window'])
  assert.deepEqual(check('2027-03-31T09:00:00-04:00', '2027-03-31T10:00:00-04:00'), ['outside_window'])
  assert.deepEqual(check('2027-04-14T09:00:00-04:00', '2027-04-14T10:00:00-04:00', { now: at('2027-04-14T09:30:00-04:00') }), ['in_past'])
})

test('the window is in company-local dates: 16:00 on the last day in New York is the next day in UTC and still inside', () => {
  const lastDay = { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: null, heldBy: null }
  // 2027-04-30 16:00–17:00 EDT = 20:00–21:00 UTC; with a late shift it would cross UTC midnight.
  const late = { ...tech, workingHours: { ...tech.workingHours, fri: [{ start: '18:00', end: '23:00' }] } }
  assert.deepEqual(check('2027-04-30T21:00:00-04:00', '2027-04-30T22:00:00-04:00', { visit: lastDay, technician: late }), [], '01:00–02:00 UTC on May 1')
  assert.deepEqual(check('2027-04-01T08:00:00-04:00', '2027-04-01T09:00:00-04:00', { visit: lastDay }), [], '12:00 UTC on the first day')
})

test('the blocking ones: an agreement suspended and an inactive technician come first and cannot be confirmed', () => {
  const c = slotConflicts({
    slot: { start: at('2027-04-17T09:00:00-04:00'), end: at('2027-04-17T10:00:00-04:00') },
    clock,
    now: 0,
    visit: { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: null, heldBy: { agreementId: 'agr_x', agreementNumber: 1042, agreementName: 'Comfort Club' } },
    technician: { ...tech, isActive: false },
    busy: [],
  })
  assert.deepEqual(c.map((x) => [x.rule, x.blocking]), [['agreement_suspended', true], ['technician_inactive', true], ['outside_working_hours', false]])
  assert.match(c[0]!.message, /agreement #1042 \(Comfort Club\) is suspended/)
})

test('daylight-saving days: a full 08:00–17:00 working day is inside the hours, 07:00 is not', () => {
  const march = { windowStart: '2027-03-01', windowEnd: '2027-03-31', requiredSkill: null, heldBy: null }
  const nov = { windowStart: '2027-11-01', windowEnd: '2027-11-30', requiredSkill: null, heldBy: null }
  // Sundays: clocks go forward on Mar 14 (08:00 is 12:00 UTC), back on Nov 7 (08:00 is 13:00 UTC).
  assert.deepEqual(check('2027-03-14T12:00:00Z', '2027-03-14T21:00:00Z', { visit: march }), [])
  assert.deepEqual(check('2027-03-14T11:00:00Z', '2027-03-14T12:00:00Z', { visit: march }), ['outside_working_hours'])
  assert.deepEqual(check('2027-11-07T13:00:00Z', '2027-11-07T22:00:00Z', { visit: nov }), [])
  assert.deepEqual(check('2027-11-07T12:00:00Z', '2027-11-07T13:00:00Z', { visit: nov }), ['outside_working_hours'])
})


test('each conflict says what is wrong in words the office reads: times in the company zone, the day off with its reason', () => {
  const july = { windowStart: '2027-04-01', windowEnd: '2027-04-30', requiredSkill: 'plumbing', heldBy: null }
  const c = full('2027-07-05T07:30:00-04:00', '2027-07-05T08:30:00-04:00', { visit: july, now: at('2027-07-05T08:00:00-04:00'), technician: { ...tech, isActive: false } })
  assert.deepEqual(c.map((x) => [x.rule, x.blocking, x.message]), [
    ['technician_inactive', true, 'Ana is not an active technician'],
    ['outside_working_hours', false, "2027-07-05 07:30–08:30 is outside Ana's working hours"],
    ['day_off', false, '2027-07-05 is a day off for Ana (Vacation)'],
    ['missing_skill', false, 'Ana does not have the skill "plumbing"'],
    ['outside_window', false, "2027-07-05 is outside the visit's window 2027-04-01 to 2027-04-30"],
    ['in_past', false, '2027-07-05 07:30–08:30 has already begun'],
  ])
  const noReason = { ...tech, daysOff: [{ from: '2027-04-14', to: '2027-04-14', reason: '' }] }
  assert.deepEqual(full('2027-04-14T09:00:00-04:00', '2027-04-14T10:00:00-04:00', { technician: noReason }).map((x) => x.message), ['2027-04-14 is a day off for Ana'])
})

test('a slot across midnight is on a day off when either date is; overlaps list every visit hit, in order', () => {
  const nextDayOff = { ...tech, daysOff: [{ from: '2027-04-15', to: '2027-04-15', reason: 'Dentist' }] }
  assert.deepEqual(full('2027-04-14T23:30:00-04:00', '2027-04-15T00:30:00-04:00', { technician: nextDayOff }).map((x) => x.message), [
    "2027-04-14 23:30–00:30 is outside Ana's working hours",
    '2027-04-15 is a day off for Ana (Dentist)',
  ])
  const busy = [
    { id: 'wo_a', label: 'Smith tune-up', start: at('2027-04-14T09:00:00-04:00'), end: at('2027-04-14T10:00:00-04:00') },
    { id: 'wo_x', label: 'Elsewhere', start: at('2027-04-14T13:00:00-04:00'), end: at('2027-04-14T14:00:00-04:00') },
    { id: 'wo_b', label: 'Jones repair', start: at('2027-04-14T10:30:00-04:00'), end: at('2027-04-14T11:00:00-04:00') },
  ]
  const [o] = full('2027-04-14T09:30:00-04:00', '2027-04-14T10:45:00-04:00', { busy })
  assert.deepEqual(o!.visitIds, ['wo_a', 'wo_b'])
  assert.equal(o!.message, "Overlaps Ana's Smith tune-up 09:00–10:00, Jones repair 10:30–11:00")
  assert.equal(o!.blocking, false)
})

test('in the past: a slot starting exactly now has not begun; one a minute earlier has', () => {
  const now = at('2027-04-14T09:00:00-04:00')
  assert.deepEqual(check('2027-04-14T09:00:00-04:00', '2027-04-14T10:00:00-04:00', { now }), [])
  assert.deepEqual(check('2027-04-14T08:59:00-04:00', '2027-04-14T10:00:00-04:00', { now }), ['in_past'])
})

test('working hours: a slot must fit inside one range of a split shift, not across its break', () => {
  const split = { ...tech, workingHours: { ...noWorkingHours(), wed: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '12:00' }] } }
  assert.deepEqual(check('2027-04-14T11:00:00-04:00', '2027-04-14T12:00:00-04:00', { technician: split }), [])
  assert.deepEqual(check('2027-04-14T13:00:00-04:00', '2027-04-14T17:00:00-04:00', { technician: split }), [])
  assert.deepEqual(check('2027-04-14T11:30:00-04:00', '2027-04-14T13:30:00-04:00', { technician: split }), ['outside_working_hours'])
})
