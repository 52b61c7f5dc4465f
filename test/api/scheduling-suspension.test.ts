/**
 * Suspension kept off the road, through HTTP (issue 11). A visit on hold because its agreement
 * is suspended is refused by every route that would schedule, move, unassign, dispatch (one or a
 * day), start, mark on the way or complete it, and by suggest, with 409 agreement_suspended
 * naming the agreement, for office and technician alike. It leaves the technician's list at
 * once (their day, the visit itself), shows on the board as on hold, its slot is free for other
 * work, and the changes feed tells the board. Reactivation puts each visit back as it was and
 * flags the one whose slot passed and the one whose slot now conflicts, with a notification.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { aCustomer, anAgreement } from '../helpers/billing-fixtures.ts'
import { schedulingWorld, type Api } from '../helpers/scheduling-fixtures.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { planDueAgreementVisits } from '../../src/services/scheduling/visit-planner.ts'

let t: TestApp
let api: Api
let ana: string
// Monday 2027-04-12, 08:00 in New York.
let now = new Date('2027-04-12T12:00:00Z')

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
  ;({ api, ana } = await schedulingWorld(t))
})
after(() => t.close())

const ny = (local: string) => new Date(`${local}-04:00`).toISOString()

test('a visit on hold is refused by every route, leaves the technician, frees its slot; reactivation restores and flags', async () => {
  const c = await aCustomer(t.deps, 'Held Customer', 'held@example.com')
  const agreementId = await anAgreement(t.deps.db, { customerId: c.id, locationId: c.locationId, paymentMethodId: null, startDate: '2027-03-01', name: 'Comfort Club' })
  await t.deps.db.updateTable('agreements').set({ visitsPerTerm: 12 }).where('id', '=', agreementId).execute()
  await planDueAgreementVisits(t.deps)
  const { number } = await t.deps.db.selectFrom('agreements').select('number').where('id', '=', agreementId).executeTakeFirstOrThrow()
  const visits = (await api('GET', `/api/visits?agreementId=${agreementId}&pageSize=50`)).body.items
  assert.equal(visits.length, 14, 'monthly visits from the start (March 2027) to 12 months ahead (April 2028)')
  const april = visits.find((v: any) => v.windowStart === '2027-04-01')
  const may = visits.find((v: any) => v.windowStart === '2027-05-01')
  assert.equal((await api('POST', `/api/visits/${april.id}/schedule`, { technicianId: ana, start: ny('2027-04-12T08:30:00') })).status, 200)
  assert.equal((await api('POST', `/api/visits/${april.id}/dispatch`, {})).body.status, 'dispatched')
  assert.equal((await api('POST', `/api/visits/${may.id}/schedule`, { technicianId: ana, start: ny('2027-05-04T09:00:00') })).status, 200)
  const mine = async () => (await api('GET', '/api/my/visits?from=2027-04-12&days=14', undefined, 'ana')).body.days.flatMap((d: any) => d.visits.map((v: any) => v.id))
  assert.deepEqual(await mine(), [april.id])
  const cursor = (await api('GET', '/api/schedule/board?from=2027-04-12&days=7')).body.cursor

  const suspended = await api('POST', `/api/agreements/${agreementId}/suspend`, { reason: 'Card declined' })
  assert.equal(suspended.status, 200, JSON.stringify(suspended.body))

  // The board hears of it, and shows it on hold.
  const feed = (await api('GET', `/api/schedule/changes?cursor=${cursor}`)).body
  const heard = feed.visits.filter((v: any) => v.onHold?.agreementId === agreementId)
  assert.equal(heard.length, 14)
  assert.ok(heard.every((v: any) => v.status === 'suspended' && v.onHold.agreementNumber === number))
  const board = (await api('GET', '/api/schedule/board?from=2027-04-12&days=7')).body
  assert.deepEqual(board.visits.filter((v: any) => v.id === april.id).map((v: any) => [v.status, v.onHold?.agreementName]), [['suspended', 'Comfort Club']])

  // Every route refuses, naming the agreement.
  const onHold = (res: { status: number; body: any }, what: string) => {
    assert.equal(res.status, 409, `${what}: ${JSON.stringify(res.body)}`)
    assert.equal(res.body.error.code, 'agreement_suspended', what)
    assert.match(res.body.error.message, new RegExp(`agreement #${number} \\(Comfort Club\\) is suspended`), what)
  }
  onHold(await api('POST', `/api/visits/${april.id}/schedule`, { technicianId: ana, start: ny('2027-04-14T09:00:00'), confirm: true }), 'move')
  onHold(await api('POST', `/api/visits/${visits[5].id}/schedule`, { technicianId: ana, start: ny('2027-04-14T09:00:00'), confirm: true }), 'assign an unscheduled one')
  onHold(await api('POST', `/api/visits/${may.id}/schedule`, { technicianId: ana, start: ny('2027-05-04T09:00:00'), end: ny('2027-05-04T12:00:00'), confirm: true }), 'resize')
  onHold(await api('POST', `/api/visits/${may.id}/unassign`, {}), 'unassign')
  onHold(await api('POST', `/api/visits/${may.id}/dispatch`, {}), 'dispatch')
  onHold(await api('GET', `/api/visits/${may.id}/suggestions`), 'suggest')
  onHold(await api('POST', `/api/visits/${april.id}/status`, { status: 'on_the_way' }, 'ana'), 'on the way (technician)')
  onHold(await api('POST', `/api/visits/${april.id}/status`, { status: 'in_progress' }, 'ana'), 'start (technician)')
  onHold(await api('POST', `/api/visits/${april.id}/status`, { status: 'completed', completionNotes: 'done', actualStart: ny('2027-04-12T07:00:00') }, 'office'), 'complete (office)')
  onHold(await api('GET', `/api/visits/${april.id}`, undefined, 'ana'), 'the technician opening it')
  assert.deepEqual((await api('POST', '/api/schedule/dispatch', { date: '2027-05-04' })).body, { dispatched: 0 })
  const held = (await api('GET', `/api/visits/${april.id}`)).body
  assert.deepEqual([held.status, held.statusBeforeHold, held.technicianId], ['suspended', 'dispatched', ana], 'the office still sees where it was')

  // Off the technician's list at once; its slot is free.
  assert.deepEqual(await mine(), [])
  const c2 = await aCustomer(t.deps, 'Other Customer', 'other@example.com')
  const oneOff = async (start: string) => {
    const v = (await api('POST', '/api/visits', { customerId: c2.id, locationId: c2.locationId, description: 'Leak check', durationMinutes: 60, windowStart: '2027-04-12', windowEnd: '2027-05-31' })).body
    const res = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(res.body.conflicts, [], 'the held slot holds nothing')
    return v.id
  }
  await oneOff(ny('2027-04-12T08:30:00'))
  await oneOff(ny('2027-05-04T09:00:00'))

  // Reactivation two hours later: each visit as it was; April's slot has passed, May's now conflicts.
  now = new Date('2027-04-12T14:00:00Z')
  const back = await api('POST', `/api/agreements/${agreementId}/reactivate`)
  assert.equal(back.status, 200, JSON.stringify(back.body))
  const a2 = (await api('GET', `/api/visits/${april.id}`)).body
  const m2 = (await api('GET', `/api/visits/${may.id}`)).body
  assert.deepEqual([a2.status, a2.technicianId, a2.scheduledStart], ['dispatched', ana, ny('2027-04-12T08:30:00')])
  assert.deepEqual([m2.status, m2.technicianId], ['scheduled', ana])
  assert.match(a2.rescheduleReason, /slot \(2027-04-12 08:30\) passed while agreement #\d+ was suspended/)
  assert.match(m2.rescheduleReason, /slot \(2027-05-04 09:00\) now conflicts: Overlaps Ana's Other Customer: Leak check 09:00–10:00/)
  const flagged = (await api('GET', '/api/visits?needsReschedule=true')).body.items.map((v: any) => v.id).sort()
  assert.deepEqual(flagged, [april.id, may.id].sort())
  assert.equal((await api('GET', `/api/visits/${visits[5].id}`)).body.status, 'open', 'an unscheduled one is simply unscheduled again')
  const note = await t.deps.db.selectFrom('notifications').selectAll().where('kind', '=', 'schedule.needs_reschedule').executeTakeFirstOrThrow()
  assert.match(note.title, /^2 visits of agreement #\d+ \(Comfort Club\) need rescheduling/)
  assert.ok((await mine()).includes(april.id), 'back on the technician')

  // Moving it clears the flag; the trail tells the story.
  const moved = await api('POST', `/api/visits/${may.id}/schedule`, { technicianId: ana, start: ny('2027-05-04T13:00:00') })
  assert.equal(moved.body.visit.rescheduleReason, null)
  const trail = (await api('GET', `/api/visits/${may.id}/history`)).body.items.map((e: any) => e.action)
  assert.deepEqual(trail, ['visit.assigned', 'visit.on_hold', 'visit.resumed', 'visit.moved'])
})
