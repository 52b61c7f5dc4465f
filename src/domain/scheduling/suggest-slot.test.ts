/**
 * Slot suggestion. Covers: least added travel by straight-line distance (the neighbouring visit
 * beats the home base), the ZIP-prefix basis when a stop lacks coordinates and the reason given,
 * skills, inactive technicians, days off, "not before now" on a 15-minute step, unknown travel
 * last, a daylight-saving day; and, as a property over random technicians and visits, that every
 * suggestion is free of conflicts, inside the window and as long as the visit.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { addDays, noWorkingHours, WEEKDAYS, zoneClock, type WorkingHours } from './availability.ts'
import { slotConflicts } from './conflicts.ts'
import { distance, haversineKm, suggestSlots, zipSteps, type CandidateTechnician, type Place } from './suggest-slot.ts'

const clock = zoneClock('America/Chicago')
const nineToFive: WorkingHours = { ...noWorkingHours(), mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }], wed: [{ start: '09:00', end: '17:00' }] }
const place = (latitude: number | null, longitude: number | null, postalCode: string | null = null): Place => ({ latitude, longitude, postalCode })
const loop = place(41.8781, -87.6298, '60601') // Chicago Loop
const evanston = place(42.0451, -87.6877, '60201')
const naperville = place(41.7508, -88.1535, '60540')
const tech = (id: string, over: Partial<CandidateTechnician> = {}): CandidateTechnician => ({
  id,
  name: id,
  isActive: true,
  skills: [],
  workingHours: nineToFive,
  daysOff: [],
  home: loop,
  busy: [],
  ...over,
})
const base = { clock, now: Date.parse('2027-04-01T00:00:00Z'), today: '2027-04-01' }
const tuesday = { durationMinutes: 60, windowStart: '2027-04-13', windowEnd: '2027-04-13', requiredSkill: null }
const local = (ms: number) => new Date(ms).toISOString()

test('distances: haversine km and ZIP-prefix steps', () => {
  assert.ok(Math.abs(haversineKm(loop as never, evanston as never) - 18.9) < 0.5)
  assert.equal(zipSteps('60601', '60601'), 0)
  assert.equal(zipSteps('60601', '60640'), 2)
  assert.equal(zipSteps('60601', '10001'), 5)
  assert.equal(zipSteps('60601-1234', '60601'), 0)
  assert.equal(zipSteps(null, '60601'), null)
})

test('the technician whose previous stop is nearest wins: a visit next door beats a home across town', () => {
  const ana = tech('Ana', { home: naperville, busy: [{ id: 'wo_near', place: evanston, start: Date.parse('2027-04-13T09:00:00-05:00'), end: Date.parse('2027-04-13T10:00:00-05:00') }] })
  const ben = tech('Ben', { home: loop })
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: place(42.05, -87.69, '60201') }, technicians: [ben, ana] })
  assert.equal(r.basis, 'coordinates')
  const best = r.suggestions[0]!
  assert.equal(best.technicianId, 'Ana')
  assert.equal(local(best.slot.start), '2027-04-13T15:00:00.000Z', 'right after the Evanston visit, 10:00 CDT')
  assert.equal(best.fromStop, 'wo_near')
  // Ana's prev is next door, but she goes home to Naperville after: the detour is what the visit adds.
  assert.ok(best.addedTravel! < 1, `added ${best.addedTravel} km`)
  assert.equal(r.suggestions[1]!.technicianId, 'Ben')
  assert.ok(r.suggestions[1]!.addedTravel! > 30, 'Loop → Evanston → Loop')
})

test('a stop without coordinates switches the whole suggestion to ZIP proximity, and says why', () => {
  const ana = tech('Ana', { home: place(null, null, '60540') })
  const ben = tech('Ben', { home: place(41.9, -87.7, '60201') })
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: place(42.05, -87.69, '60202') }, technicians: [ana, ben] })
  assert.equal(r.basis, 'postal_code')
  assert.match(r.basisReason, /1 stop .* has no coordinates/)
  assert.deepEqual(r.suggestions.map((s) => [s.technicianId, s.addedTravel]), [['Ben', 2], ['Ana', 6]])
  const noCoords = suggestSlots({ ...base, visit: { ...tuesday, place: place(null, null, '60202') }, technicians: [ben] })
  assert.match(noCoords.basisReason, /the visit's location has no coordinates/)
})

test('only active technicians with the skill, never on a day off, never before now, on a 15-minute step', () => {
  const r = suggestSlots({
    ...base,
    now: Date.parse('2027-04-13T10:07:00-05:00'),
    today: '2027-04-13',
    visit: { ...tuesday, windowEnd: '2027-04-14', requiredSkill: 'Boilers', place: loop },
    technicians: [
      tech('NoSkill'),
      tech('Inactive', { skills: ['boilers'], isActive: false }),
      tech('Off', { skills: ['boilers'], daysOff: [{ from: '2027-04-13', to: '2027-04-14', reason: '' }] }),
      tech('Cleo', { skills: ['BOILERS'] }),
    ],
  })
  assert.deepEqual([...new Set(r.suggestions.map((s) => s.technicianId))], ['Cleo'])
  assert.equal(local(r.suggestions[0]!.slot.start), '2027-04-13T15:15:00.000Z', '10:15 CDT, the next step after now')
})

test('unknown travel (no home base) ranks after every known cost', () => {
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: place(null, null, '60601') }, technicians: [tech('Homeless', { home: null }), tech('Far', { home: place(null, null, '10001') })] })
  assert.deepEqual(r.suggestions.map((s) => [s.technicianId, s.addedTravel]), [['Far', 10], ['Homeless', null]])
})

test('a daylight-saving day: the working day is 09:00–17:00 on the wall', () => {
  const sunday = { ...noWorkingHours(), sun: [{ start: '09:00', end: '17:00' }] }
  // 2027-03-14: Chicago goes from CST (UTC-6) to CDT (UTC-5) at 02:00.
  const busy = [{ id: 'wo_b', place: loop, start: Date.parse('2027-03-14T09:00:00-05:00'), end: Date.parse('2027-03-14T16:00:00-05:00') }]
  const r = suggestSlots({ ...base, now: 0, today: '2027-03-01', visit: { durationMinutes: 60, windowStart: '2027-03-14', windowEnd: '2027-03-14', requiredSkill: null, place: loop }, technicians: [tech('Dee', { workingHours: sunday, busy })] })
  assert.deepEqual(r.suggestions.map((s) => local(s.slot.start)), ['2027-03-14T21:00:00.000Z'], '16:00 CDT, the one free hour')
})

const hoursArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 10 })), { minLength: 7, maxLength: 7 })
  .map((days): WorkingHours => {
    const h = noWorkingHours()
    days.forEach(([start, len], i) => {
      if (len > 8) return
      h[WEEKDAYS[i]!] = [{ start: `${String(start).padStart(2, '0')}:00`, end: `${String(Math.min(23, start + len)).padStart(2, '0')}:30` }]
    })
    return h
  })

test('property: every suggestion is conflict-free, inside the window and as long as the visit', () => {
  let found = 0
  const ny = zoneClock('America/New_York')
  fc.assert(
    fc.property(
      fc.array(fc.record({ hours: hoursArb, busy: fc.array(fc.tuple(fc.integer({ min: 0, max: 20 * 24 * 4 }), fc.integer({ min: 1, max: 16 })), { maxLength: 12 }), off: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 15 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 2, max: 24 }),
      (techs, startOffset, span, quarters) => {
        // Around the March DST change in New York.
        const origin = Date.parse('2027-03-05T00:00:00-05:00')
        const technicians = techs.map((t, i) =>
          tech(`T${i}`, {
            workingHours: t.hours,
            daysOff: [{ from: addDays('2027-03-05', t.off), to: addDays('2027-03-05', t.off), reason: '' }],
            busy: t.busy.map(([q, len], k) => ({ id: `b${i}-${k}`, place: loop, start: origin + q * 900_000, end: origin + (q + len) * 900_000 })),
          }),
        )
        const visit = { durationMinutes: quarters * 15, windowStart: addDays('2027-03-05', startOffset), windowEnd: addDays('2027-03-05', startOffset + span), requiredSkill: null, place: loop }
        const now = origin + 86_400_000
        const r = suggestSlots({ clock: ny, now, today: '2027-03-06', visit, technicians, limit: 50 })
        if (r.suggestions.length) found++
        for (const s of r.suggestions) {
          const t = technicians.find((x) => x.id === s.technicianId)!
          assert.equal(s.slot.end - s.slot.start, visit.durationMinutes * 60_000)
          const conflicts = slotConflicts({
            slot: s.slot,
            clock: ny,
            now,
            visit: { ...visit, heldBy: null },
            technician: t,
            busy: t.busy.map((b) => ({ ...b, label: b.id })),
          })
          assert.deepEqual(conflicts, [], `${s.technicianId} ${new Date(s.slot.start).toISOString()}`)
        }
      },
    ),
    { numRuns: 150 },
  )
  assert.ok(found > 75, `most runs have something to check (${found} of 150)`)
})

const at = (local: string) => Date.parse(local)
const stop = (id: string, p: Place, start: string, end: string) => ({ id, place: p, start: at(start), end: at(end) })

test('the basis is explained: coordinates everywhere, or how many stops lack them', () => {
  const all = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Ana')] })
  assert.equal(all.basis, 'coordinates')
  assert.equal(all.basisReason, 'Straight-line distance in km: the visit and every stop it could follow or precede have coordinates.')
  const two = suggestSlots({
    ...base,
    visit: { ...tuesday, place: loop },
    technicians: [tech('Ana', { home: place(null, null, '60540'), busy: [stop('wo_1', place(41.9, null, '60601'), '2027-04-13T09:00:00-05:00', '2027-04-13T10:00:00-05:00')] }), tech('Ben'), tech('Idle', { isActive: false, home: null })],
  })
  assert.equal(two.basis, 'postal_code')
  assert.equal(two.basisReason, 'ZIP code proximity: 2 stops (home bases or visits) it could follow or precede have no coordinates, and km do not compare with ZIP steps.')
  const one = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Ana', { home: place(41.9, null, '60540') })] })
  assert.equal(one.basisReason, 'ZIP code proximity: 1 stop (home bases or visits) it could follow or precede has no coordinates, and km do not compare with ZIP steps.')
  assert.equal(suggestSlots({ ...base, visit: { ...tuesday, place: place(41.9, null, '60601') }, technicians: [tech('Ana')] }).basisReason, "ZIP code proximity: the visit's location has no coordinates.")
})

test('the stop before: the last visit ending by the slot (busy given in any order), else home, else unknown', () => {
  const busy = [
    stop('wo_late', evanston, '2027-04-13T11:00:00-05:00', '2027-04-13T12:00:00-05:00'),
    stop('wo_early', naperville, '2027-04-13T09:00:00-05:00', '2027-04-13T10:00:00-05:00'),
  ]
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: evanston }, technicians: [tech('Ana', { busy })], limit: 10 })
  assert.deepEqual(r.suggestions.map((s) => [new Date(s.slot.start).toISOString().slice(11, 16), s.fromStop]), [
    ['15:00', 'wo_early'], // 10:00 CDT: Naperville → Evanston → Evanston adds nothing
    ['17:00', 'wo_late'], // 12:00: Evanston → Evanston → Loop adds nothing either; later
  ])
  assert.deepEqual(r.suggestions.map((s) => s.addedTravel), [0, 0])
  const free = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Ana'), tech('Nobody', { home: null })], limit: 20 })
  assert.deepEqual([...new Set(free.suggestions.map((s) => `${s.technicianId}:${s.fromStop}`))], ['Ana:home', 'Nobody:null'])
})

test('the stop after: a visit starting exactly when the slot ends is next; its place counts', () => {
  // 09:00–10:00 fits before the 10:00 Evanston visit: Loop home → Evanston visit → Evanston adds 0 (home next would add ~38 km).
  const busy = [stop('wo_next', evanston, '2027-04-13T10:00:00-05:00', '2027-04-13T17:00:00-05:00')]
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: evanston }, technicians: [tech('Ana', { busy })] })
  assert.deepEqual(r.suggestions.map((s) => [new Date(s.slot.start).toISOString(), s.addedTravel, s.fromStop]), [['2027-04-13T14:00:00.000Z', 0, 'home']])
})

test('a visit from the evening before that runs past midnight holds the next morning', () => {
  const overnight = { ...noWorkingHours(), mon: [{ start: '18:00', end: '23:59' }], tue: [{ start: '00:00', end: '03:00' }] }
  const busy = [stop('wo_night', loop, '2027-04-12T22:00:00-05:00', '2027-04-13T01:30:00-05:00')]
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Ana', { workingHours: overnight, busy })] })
  assert.deepEqual(r.suggestions.map((s) => new Date(s.slot.start).toISOString()), ['2027-04-13T06:30:00.000Z'], '01:30 CDT, after the night visit')
})

test('order: least travel, then earliest, then name; at most 5 unless a limit is given; the step can be set', () => {
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Cleo'), tech('Abe'), tech('Bea')] })
  assert.deepEqual(r.suggestions.map((s) => s.technicianName), ['Abe', 'Bea', 'Cleo'])
  assert.equal(new Set(r.suggestions.map((s) => s.slot.start)).size, 1, 'one free day each: all at 09:00')
  // Equal travel: the earlier slot first, whatever the name (Abe is busy at home until 10:00).
  const abeBusy = tech('Abe', { busy: [stop('wo_home', loop, '2027-04-13T09:00:00-05:00', '2027-04-13T10:00:00-05:00')] })
  const early = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [abeBusy, tech('Bea')] })
  assert.deepEqual(early.suggestions.map((s) => [s.technicianName, s.addedTravel, new Date(s.slot.start).toISOString().slice(11, 16)]), [['Bea', 0, '14:00'], ['Abe', 0, '15:00']])
  const six = suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => tech(n)) })
  assert.equal(six.suggestions.length, 5)
  assert.equal(suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => tech(n)), limit: 6 }).suggestions.length, 6)
  const stepped = suggestSlots({ ...base, now: at('2027-04-13T09:20:00-05:00'), today: '2027-04-13', stepMinutes: 30, visit: { ...tuesday, place: loop }, technicians: [tech('Ana')] })
  assert.equal(new Date(stepped.suggestions[0]!.slot.start).toISOString(), '2027-04-13T14:30:00.000Z', '09:30 CDT on a 30-minute step')
})

test('the window starts today at the earliest; its last day is included', () => {
  const r = suggestSlots({ ...base, today: '2027-04-13', visit: { ...tuesday, windowStart: '2027-04-12', windowEnd: '2027-04-14', place: loop }, technicians: [tech('Ana')], limit: 50 })
  assert.deepEqual([...new Set(r.suggestions.map((s) => clock.dateOf(s.slot.start)))], ['2027-04-13', '2027-04-14'])
})

test('a stop without a location on the basis makes that slot\'s travel unknown', () => {
  // ZIP basis (the visit has no coordinates); the earlier visit has no ZIP: the slot after it is unknown, the one before is not.
  const busy = [stop('wo_nozip', place(null, null, null), '2027-04-13T09:00:00-05:00', '2027-04-13T16:00:00-05:00')]
  const r = suggestSlots({ ...base, visit: { ...tuesday, place: place(null, null, '60601') }, technicians: [tech('Ana', { busy })] })
  assert.deepEqual(r.suggestions.map((s) => [new Date(s.slot.start).toISOString(), s.addedTravel]), [['2027-04-13T21:00:00.000Z', null]])
  assert.equal(zipSteps('x60601', '60601'), null, 'a ZIP starts with its five digits')
  assert.equal(zipSteps('6060', '60601'), null)
  assert.equal(zipSteps('60601', '60601-9999'), 0)
  assert.equal(zipSteps('60601', 'x60601'), null)
  assert.equal(zipSteps('60601', null), null)
  assert.equal(distance('coordinates', loop, place(null, -87.6, '60601')), null, 'no latitude')
  assert.equal(distance('coordinates', place(41.9, null, '60601'), loop), null, 'no longitude')
  assert.equal(distance('coordinates', loop, null), null)
  assert.equal(distance('postal_code', place(null, null, '60640'), loop), 2)
  assert.equal(suggestSlots({ ...base, visit: { ...tuesday, place: loop }, technicians: [tech('Ana', { home: place(null, -87.6, '60601') })] }).basis, 'postal_code', 'a home without latitude')
})
