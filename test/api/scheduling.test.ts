/**
 * Scheduling through HTTP (issue 11), in New York time. Covers: technicians managed by admins,
 * read by the office, refused to others, bad profiles 422 naming the field; one-off work orders;
 * assign with each conflict rule refused (409 schedule_conflicts, nothing saved) until confirmed;
 * move, resize, unassign, stale versions; the board's week with DST-correct hours; the changes
 * feed; suggestions; a technician's own day (only theirs), on the way with the customer email,
 * in progress, completed with notes and times; the audit trail. On PostgreSQL also: the feed
 * never skips a change that commits late, and another database's open transaction does not hold
 * it back.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { aCustomer } from '../helpers/billing-fixtures.ts'
import { schedulingWorld, type Api } from '../helpers/scheduling-fixtures.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { testBackend } from '../helpers/test-db.ts'

let t: TestApp
let api: Api
let ana: string
let ben: string
// Monday 2027-04-12, 08:00 in New York (EDT, UTC-4).
let now = new Date('2027-04-12T12:00:00Z')

before(async () => {
  t = await startTestApp({ clock: { now: () => now } })
  ;({ api, ana, ben } = await schedulingWorld(t))
})
after(() => t.close())

const ny = (local: string) => new Date(`${local}-04:00`).toISOString()
async function aVisit(over: Record<string, unknown> = {}) {
  const c = await aCustomer(t.deps, `Customer ${Math.random().toString(36).slice(2, 7)}`, `c${Math.random().toString(36).slice(2, 7)}@example.com`)
  const res = await api('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'Furnace tune-up', durationMinutes: 90, windowStart: '2027-04-12', windowEnd: '2027-04-16', requiredSkill: 'hvac', ...over })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

test('admins manage technicians, the office reads them, technicians cannot; a bad profile is a 422 naming the field', async () => {
  const bad = await api('POST', '/api/technicians', { name: 'Cy', email: 'cy@example.com', password: 'correct horse battery', workingHours: { mon: [{ start: '17:00', end: '08:00' }] } }, 'admin')
  assert.equal(bad.status, 422)
  assert.equal(bad.body.error.details.fields['workingHours.mon.0.end'], 'must end after it starts (no shifts across midnight)')
  const overlap = await api('PUT', `/api/technicians/${ana}`, { workingHours: { tue: [{ start: '08:00', end: '12:00' }, { start: '11:00', end: '15:00' }] }, daysOff: [{ from: '2027-05-02', to: '2027-05-01' }] }, 'admin')
  assert.equal(overlap.status, 422)
  assert.ok(overlap.body.error.details.fields['workingHours.tue'])
  assert.ok(overlap.body.error.details.fields['daysOff.0.to'])
  assert.equal((await api('POST', '/api/technicians', { name: 'Cy', email: 'cy@example.com', password: 'correct horse battery', workingHours: {} }, 'office')).status, 403)
  assert.equal((await api('GET', '/api/technicians', undefined, 'ana')).status, 403)
  const list = await api('GET', '/api/technicians')
  assert.deepEqual(list.body.items.map((x: any) => [x.name, x.skills, x.hasProfile, x.isActive]), [['Ana', ['hvac'], true, true], ['Ben', ['plumbing'], true, true]])
  assert.deepEqual(list.body.items[0].workingHours.mon, [{ start: '08:00', end: '17:00' }])
  const office = (await api('GET', '/api/auth/session')).body.user.id
  assert.equal((await api('PUT', `/api/technicians/${office}`, { workingHours: {} }, 'admin')).status, 404, 'an office user is not a technician')
})

test('a one-off work order, assigned; each conflict is refused with 409 and saves nothing until confirmed', async () => {
  const other = await aCustomer(t.deps, 'Someone Else', 'else@example.com')
  const c = await aCustomer(t.deps, 'Wrong Location', 'wrong@example.com')
  const wrong = await api('POST', '/api/visits', { customerId: c.id, locationId: other.locationId, description: 'x', windowStart: '2027-04-12', windowEnd: '2027-04-16' })
  assert.equal(wrong.status, 422)
  assert.equal(wrong.body.error.details.fields.locationId, "is not one of this customer's locations")
  const backwards = await api('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: 'x', windowStart: '2027-04-16', windowEnd: '2027-04-12' })
  assert.equal(backwards.body.error.details.fields.windowEnd, 'must be on or after windowStart')

  const first = await aVisit()
  assert.equal(first.status, 'open')
  const ok = await api('POST', `/api/visits/${first.id}/schedule`, { technicianId: ana, start: ny('2027-04-13T09:00:00') })
  assert.equal(ok.status, 200, JSON.stringify(ok.body))
  assert.deepEqual(ok.body.conflicts, [])
  assert.equal(ok.body.visit.status, 'scheduled')
  assert.equal(ok.body.visit.scheduledEnd, ny('2027-04-13T10:30:00'), 'start + the 90-minute duration')

  const second = await aVisit()
  const refuse = async (body: object, rule: string) => {
    const res = await api('POST', `/api/visits/${second.id}/schedule`, { technicianId: ana, ...body })
    assert.equal(res.status, 409, `${rule}: ${JSON.stringify(res.body)}`)
    assert.equal(res.body.error.code, 'schedule_conflicts')
    assert.ok(res.body.error.details.conflicts.some((c: any) => c.rule === rule && !c.blocking), `${rule} in ${JSON.stringify(res.body.error.details.conflicts)}`)
    const v = (await api('GET', `/api/visits/${second.id}`)).body
    assert.deepEqual([v.status, v.technicianId, v.scheduledStart], ['open', null, null], `${rule}: nothing saved`)
    return res.body.error.details.conflicts
  }
  const overlap = await refuse({ start: ny('2027-04-13T10:00:00') }, 'overlap')
  assert.deepEqual(overlap[0].visitIds, [first.id])
  await refuse({ start: ny('2027-04-13T17:00:00') }, 'outside_working_hours')
  await refuse({ start: ny('2027-04-17T09:00:00') }, 'outside_working_hours')
  await refuse({ start: ny('2027-04-19T09:00:00') }, 'outside_window')
  await refuse({ start: ny('2027-04-12T07:00:00') }, 'in_past')
  await api('PUT', `/api/technicians/${ana}`, { skills: ['hvac'], workingHours: { mon: [{ start: '08:00', end: '17:00' }], tue: [{ start: '08:00', end: '17:00' }], wed: [{ start: '08:00', end: '17:00' }], thu: [{ start: '08:00', end: '17:00' }], fri: [{ start: '08:00', end: '17:00' }] }, daysOff: [{ from: '2027-04-15', to: '2027-04-15', reason: 'Dentist' }], color: '#16a34a' }, 'admin')
  const off = await refuse({ start: ny('2027-04-15T09:00:00') }, 'day_off')
  assert.match(off[0].message, /2027-04-15 is a day off for Ana \(Dentist\)/)
  const skill = await api('POST', `/api/visits/${second.id}/schedule`, { technicianId: ben, start: ny('2027-04-14T09:00:00') })
  assert.deepEqual(skill.body.error.details.conflicts.map((c: any) => c.rule), ['missing_skill'])

  const confirmed = await api('POST', `/api/visits/${second.id}/schedule`, { technicianId: ana, start: ny('2027-04-13T10:00:00'), confirm: true })
  assert.equal(confirmed.status, 200)
  assert.deepEqual(confirmed.body.conflicts.map((c: any) => c.rule), ['overlap'])
  const history = (await api('GET', `/api/visits/${second.id}/history`)).body.items
  assert.deepEqual(history.map((e: any) => e.action), ['visit.created', 'visit.assigned'])
  assert.deepEqual(history[1].details.conflictsConfirmed, ['overlap'])

  // Bad input: a 422 naming the field, never a 500.
  for (const [body, field] of [
    [{ technicianId: ana, start: '2027-04-13 09:00' }, 'start'],
    [{ technicianId: ana, start: ny('2027-04-13T09:00:00'), end: ny('2027-04-13T08:00:00') }, 'end'],
    [{ technicianId: 'usr_nope', start: ny('2027-04-13T09:00:00') }, 'technicianId'],
    [{ technicianId: ana, start: ny('2027-04-13T09:00:00'), end: ny('2027-04-13T09:00:30') }, 'end'],
  ] as const) {
    const res = await api('POST', `/api/visits/${first.id}/schedule`, body)
    assert.equal(res.status, 422, JSON.stringify(res.body))
    assert.ok(res.body.error.details.fields[field], `${field} in ${JSON.stringify(res.body.error.details)}`)
  }
  const unknownTech = await api('POST', `/api/visits/${first.id}/schedule`, { technicianId: 'usr_01jzzzzzzzzzzzzzzzzzzzzzzz', start: ny('2027-04-13T09:00:00') })
  assert.equal(unknownTech.body.error.details.fields.technicianId, 'is not a technician')
})

test('move, resize, unassign; a stale version is refused; a moved dispatched visit stays dispatched on the same technician only', async () => {
  const v = await aVisit({ durationMinutes: 60 })
  const a = (await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start: ny('2027-04-14T08:00:00') })).body.visit
  const resized = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start: ny('2027-04-14T08:00:00'), end: ny('2027-04-14T10:00:00'), version: a.version })
  assert.equal(resized.status, 200)
  assert.equal(resized.body.visit.durationMinutes, 120)
  const stale = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start: ny('2027-04-14T11:00:00'), version: a.version })
  assert.equal(stale.status, 409)
  assert.equal(stale.body.error.code, 'visit_changed')
  assert.equal((await api('POST', `/api/visits/${v.id}/dispatch`, {})).body.status, 'dispatched')
  const moved = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start: ny('2027-04-14T13:00:00') })
  assert.deepEqual([moved.body.visit.status, moved.body.visit.scheduledEnd], ['dispatched', ny('2027-04-14T15:00:00')])
  const patched = await api('PATCH', `/api/visits/${v.id}`, { durationMinutes: 30 })
  assert.equal(patched.status, 409)
  assert.equal(patched.body.error.code, 'visit_is_scheduled')
  assert.equal((await api('PATCH', `/api/visits/${v.id}`, { notes: 'Dog in the yard', priority: 'high' })).body.notes, 'Dog in the yard')
  const off = await api('POST', `/api/visits/${v.id}/unassign`, {})
  assert.deepEqual([off.body.visit.status, off.body.visit.technicianId, off.body.visit.scheduledStart], ['open', null, null])
  assert.equal((await api('POST', `/api/visits/${v.id}/unassign`, {})).body.error.code, 'work_order_unschedule_not_allowed')
  const actions = (await api('GET', `/api/visits/${v.id}/history`)).body.items.map((e: any) => e.action)
  assert.deepEqual(actions, ['visit.created', 'visit.assigned', 'visit.resized', 'visit.dispatched', 'visit.moved', 'visit.updated', 'visit.unassigned'])
})

test("the board's week: lanes with each day's hours as instants (a DST week too), visits in range; the changes feed follows", async () => {
  const week = await api('GET', '/api/schedule/board?from=2027-04-12&days=7')
  assert.equal(week.status, 200)
  assert.equal(week.body.timeZone, 'America/New_York')
  const lane = week.body.technicians.find((x: any) => x.id === ana)
  assert.deepEqual(lane.days[0], { date: '2027-04-12', working: [{ start: '2027-04-12T12:00:00.000Z', end: '2027-04-12T21:00:00.000Z' }], dayOff: null })
  assert.equal(lane.days[3].dayOff, 'Dentist')
  assert.deepEqual(lane.days[5].working, [], 'Saturday')
  assert.ok(week.body.visits.length >= 2)
  const onBoard = week.body.visits[0]
  const listed = (await api('GET', `/api/visits?technicianId=${onBoard.technicianId}&pageSize=200`)).body.items.find((v: any) => v.id === onBoard.id)
  assert.deepEqual(onBoard, listed, 'the board and the list read a visit alike')
  // Only what the board shows and its dialog sends back (2,000 a week): ids of the customer, location
  // and agreement, the agreement's number and updatedAt are in the visit's detail, not here.
  assert.deepEqual(Object.keys(onBoard).sort(), [
    'customerName', 'description', 'durationMinutes', 'id', 'location', 'onHold', 'priority', 'requiredSkill', 'rescheduleReason', 'scheduledEnd', 'scheduledStart',
    'status', 'technicianId', 'version', 'windowEnd', 'windowStart',
  ])
  assert.deepEqual(Object.keys(onBoard.location).sort(), ['city', 'line1', 'postalCode'])
  const detail = (await api('GET', `/api/visits/${onBoard.id}`)).body
  const own = await t.deps.db.selectFrom('workOrders').select(['customerId', 'locationId', 'agreementId']).where('id', '=', onBoard.id).executeTakeFirstOrThrow()
  assert.deepEqual([detail.customerId, detail.location.id, detail.agreementId], [own.customerId, own.locationId, own.agreementId], 'the detail keeps them')
  for (const at of [detail.createdAt, detail.updatedAt, detail.scheduledStart]) assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  assert.equal(new Date(detail.createdAt).getTime() <= Date.now(), true)
  assert.ok(week.body.visits.every((v: any) => v.scheduledStart >= '2027-04-12' && v.scheduledStart < '2027-04-19T04'))
  // The week clocks go forward (Sunday 2027-03-14): Monday 08:00 is 12:00 UTC, the Friday before 13:00 UTC.
  const dst = (await api('GET', '/api/schedule/board?from=2027-03-12&days=3')).body.technicians.find((x: any) => x.id === ana)
  assert.deepEqual([dst.days[0].working[0].start, dst.days[2].working[0]?.start], ['2027-03-12T13:00:00.000Z', undefined])
  assert.equal((await api('GET', '/api/schedule/board?from=2027-03-12&days=15')).status, 422)

  const cursor = week.body.cursor
  assert.deepEqual((await api('GET', `/api/schedule/changes?cursor=${cursor}`)).body.visits, [])
  const v = await aVisit()
  await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: ana, start: ny('2027-04-16T08:00:00') })
  const feed = (await api('GET', `/api/schedule/changes?cursor=${cursor}`)).body
  assert.equal(feed.resync, false)
  assert.deepEqual(feed.visits.map((x: any) => [x.id, x.status, x.technicianId]), [[v.id, 'scheduled', ana]])
  const next = (await api('GET', `/api/schedule/changes?cursor=${feed.cursor}`)).body
  assert.deepEqual(next.visits, [], 'each change once')
  await api('PUT', `/api/technicians/${ben}`, { skills: ['plumbing', 'hvac'], workingHours: { mon: [{ start: '07:00', end: '15:00' }] }, color: '#dc2626' }, 'admin')
  const techFeed = (await api('GET', `/api/schedule/changes?cursor=${next.cursor}`)).body
  assert.deepEqual(techFeed.technicians.map((x: any) => [x.id, x.color]), [[ben, '#dc2626']])
  assert.equal((await api('GET', '/api/schedule/changes?cursor=99999999999999')).body.resync, true, 'a cursor from nowhere: reload')
  assert.equal((await api('GET', '/api/schedule/changes?cursor=abc')).status, 422)
})

test(
  'the changes feed never skips a change that commits late, and ignores transactions of other databases',
  { skip: testBackend !== 'postgres' && 'PGlite has one connection: no transaction can be open while another reads' },
  async () => {
    const [early, late] = [await aVisit(), await aVisit()]
    const cursor = (await api('GET', '/api/schedule/board?days=1')).body.cursor
    const elsewhere = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await elsewhere.connect()
    await elsewhere.query('begin')
    await elsewhere.query('select pg_current_xact_id()')
    let release!: () => void
    let begun!: () => void
    const held = new Promise<void>((r) => (release = r))
    const started = new Promise<void>((r) => (begun = r))
    const slow = t.deps.db.transaction().execute(async (tx) => {
      await tx.updateTable('workOrders').set({ notes: 'written first, committed last' }).where('id', '=', late.id).execute()
      begun()
      await held
    })
    try {
      await started
      assert.equal((await api('PATCH', `/api/visits/${early.id}`, { notes: 'committed first' })).status, 200)
      const first = (await api('GET', `/api/schedule/changes?cursor=${cursor}`)).body
      assert.deepEqual(first.visits.map((v: any) => v.id), [], 'later changes wait for the open transaction')
      release()
      await slow
      const second = (await api('GET', `/api/schedule/changes?cursor=${first.cursor}`)).body
      assert.deepEqual(second.visits.map((v: any) => [v.id, v.version]).sort(), [[early.id, 2], [late.id, 2]].sort())
    } finally {
      release()
      await slow
      await elsewhere.query('rollback')
      await elsewhere.end()
    }
  },
)

test("the board's week is read in two halves by slot start: visits at, across and either side of the middle come once each, in start order", async () => {
  // The week from Monday 2027-05-03 splits at Thursday 12:00 in New York; that Thursday alone is read whole.
  const at = async (technicianId: string, local: string, durationMinutes: number) => {
    const v = await aVisit({ windowStart: '2027-05-06', windowEnd: '2027-05-06', durationMinutes, requiredSkill: null })
    const res = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId, start: ny(`2027-05-06T${local}`), confirm: true })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return v.id as string
  }
  const across = await at(ana, '11:00:00', 90)
  const justBefore = await at(ben, '11:59:00', 30)
  const atMiddle = await at(ben, '12:00:00', 30)
  const after = await at(ana, '13:00:00', 60)
  const ours = [across, justBefore, atMiddle, after]
  for (const q of ['from=2027-05-03&days=7', 'from=2027-05-06&days=1']) {
    const visits = (await api('GET', `/api/schedule/board?${q}`)).body.visits
    assert.deepEqual(visits.map((v: any) => v.id).filter((id: string) => ours.includes(id)), ours, q)
    assert.equal(new Set(visits.map((v: any) => v.id)).size, visits.length, `${q}: each visit once`)
    assert.deepEqual(visits.map((v: any) => v.scheduledStart), visits.map((v: any) => v.scheduledStart).sort(), `${q}: in start order`)
  }
})

test('suggestions: free, qualified slots in the window, least travel first, with the basis named', async () => {
  const v = await aVisit({ windowStart: '2027-04-12', windowEnd: '2027-04-12', durationMinutes: 60 })
  const s = await api('GET', `/api/visits/${v.id}/suggestions?limit=3`)
  assert.equal(s.status, 200, JSON.stringify(s.body))
  assert.equal(s.body.basis, 'postal_code', "the customer's location and Ben's home have no coordinates")
  assert.ok(s.body.suggestions.length > 0)
  for (const x of s.body.suggestions) {
    assert.ok(x.start >= now.toISOString() && x.end <= '2027-04-13T04:00:00.000Z')
    const check = await api('POST', `/api/visits/${v.id}/schedule`, { technicianId: x.technicianId, start: x.start })
    assert.equal(check.status, 200, `suggested slot is conflict-free: ${JSON.stringify(check.body)}`)
    await api('POST', `/api/visits/${v.id}/unassign`, {})
  }
})

test("a technician sees only their own visits; on the way emails the customer when set; in progress; completed with notes and times", async () => {
  const mine = await aVisit({ windowStart: '2027-04-12', windowEnd: '2027-04-13', durationMinutes: 60 })
  const theirs = await aVisit({ requiredSkill: null })
  await api('POST', `/api/visits/${mine.id}/schedule`, { technicianId: ana, start: ny('2027-04-12T13:00:00') })
  await api('POST', `/api/visits/${theirs.id}/schedule`, { technicianId: ben, start: ny('2027-04-12T09:00:00') })
  const day = await api('GET', '/api/my/visits?days=2', undefined, 'ana')
  assert.equal(day.status, 200)
  assert.equal(day.body.today, '2027-04-12')
  const ids = day.body.days.flatMap((d: any) => d.visits.map((v: any) => v.id))
  assert.ok(ids.includes(mine.id) && !ids.includes(theirs.id))
  const today = day.body.days[0].visits
  assert.deepEqual(today.map((v: any) => v.scheduledStart), [...today.map((v: any) => v.scheduledStart)].sort(), 'in order')
  assert.equal(today.find((v: any) => v.id === mine.id).location.line1, '1 Main St')
  assert.equal((await api('GET', `/api/visits/${theirs.id}`, undefined, 'ana')).status, 404)
  assert.equal((await api('POST', `/api/visits/${theirs.id}/status`, { status: 'on_the_way' }, 'ana')).status, 404)
  assert.equal((await api('GET', '/api/my/visits', undefined, 'office')).status, 403)
  assert.equal((await api('POST', `/api/visits/${mine.id}/dispatch`, {}, 'ana')).status, 403)

  assert.equal((await api('PUT', '/api/schedule/settings', { onTheWayEmail: true }, 'office')).status, 403)
  assert.equal((await api('PUT', '/api/schedule/settings', { onTheWayEmail: true }, 'admin')).body.onTheWayEmail, true)
  now = new Date('2027-04-12T16:40:00Z')
  const way = await api('POST', `/api/visits/${mine.id}/status`, { status: 'on_the_way' }, 'ana')
  assert.equal(way.status, 200, JSON.stringify(way.body))
  assert.equal(way.body.status, 'on_the_way')
  const mail = await t.deps.db.selectFrom('emailOutbox').selectAll().where('relatedId', '=', mine.id).executeTakeFirstOrThrow()
  assert.equal(mail.kind, 'visit.on_the_way')
  assert.match(mail.subject, /technician is on the way/)
  assert.match(mail.textBody, /Ana is on the way to 1 Main St, Springfield, IL 62701 for: Furnace tune-up/)
  now = new Date('2027-04-12T17:05:00Z')
  assert.equal((await api('POST', `/api/visits/${mine.id}/status`, { status: 'in_progress' }, 'ana')).body.actualStart, '2027-04-12T17:05:00.000Z')
  now = new Date('2027-04-12T18:00:00Z')
  const noNotes = await api('POST', `/api/visits/${mine.id}/status`, { status: 'completed' }, 'ana')
  assert.equal(noNotes.status, 422)
  assert.ok(noNotes.body.error.details.fields.completionNotes)
  const future = await api('POST', `/api/visits/${mine.id}/status`, { status: 'completed', completionNotes: 'x', actualEnd: '2027-04-12T20:00:00Z' }, 'ana')
  assert.equal(future.body.error.details.fields.actualEnd, 'cannot be in the future')
  const done = await api('POST', `/api/visits/${mine.id}/status`, { status: 'completed', completionNotes: 'Replaced the filter; burner cleaned.' }, 'ana')
  assert.equal(done.status, 200)
  assert.deepEqual([done.body.status, done.body.actualStart, done.body.actualEnd, done.body.completionNotes], ['completed', '2027-04-12T17:05:00.000Z', '2027-04-12T18:00:00.000Z', 'Replaced the filter; burner cleaned.'])
  assert.equal((await api('POST', `/api/visits/${mine.id}/status`, { status: 'in_progress' }, 'ana')).body.error.code, 'work_order_start_not_allowed')
  assert.equal((await api('POST', `/api/visits/${mine.id}/unassign`, {})).status, 409, 'history stays put')
  const trail = (await api('GET', `/api/visits/${mine.id}/history`)).body.items
  assert.deepEqual(trail.slice(-3).map((e: any) => [e.action, e.actorName]), [['visit.on_the_way', 'Ana'], ['visit.in_progress', 'Ana'], ['visit.completed', 'Ana']])
  assert.equal(trail.at(-3).details.customerEmailed, true)
})

test('the unscheduled list filters: status, window, overdue, skill, area, needs rescheduling', async () => {
  const late = await aVisit({ windowStart: '2027-04-01', windowEnd: '2027-04-05', requiredSkill: 'boilers' })
  const list = async (q: string) => (await api('GET', `/api/visits?${q}`)).body
  assert.ok((await list('status=open&overdue=true')).items.some((v: any) => v.id === late.id))
  assert.deepEqual((await list('skill=boilers')).items.map((v: any) => v.id), [late.id])
  assert.ok((await list('status=open&windowFrom=2027-04-12&windowTo=2027-04-18')).items.every((v: any) => v.windowEnd >= '2027-04-12' && v.status === 'open'))
  assert.ok((await list('area=627')).total > 0, 'ZIP prefix')
  assert.ok((await list('area=springfield')).total > 0, 'city')
  assert.equal((await list('area=zzyzx')).total, 0)
  assert.equal((await api('GET', '/api/visits?status=open,bogus')).status, 422)
})

test('free text reads back exactly on the board, the list and the detail: separators, backslashes and \\N in descriptions, names and reasons', async () => {
  const odd = 'Tune\x1eup \x1f a\\b \\N \\\\u "quoted" Ünïcode 🔧'
  const c = await aCustomer(t.deps, `Ödd \\N ${odd}`, `odd${Math.random().toString(36).slice(2, 7)}@example.com`)
  const created = await api('POST', '/api/visits', { customerId: c.id, locationId: c.locationId, description: odd, durationMinutes: 30, windowStart: '2027-04-13', windowEnd: '2027-04-13', requiredSkill: null, notes: `${odd}\nline two` })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  assert.equal((await api('POST', `/api/visits/${created.body.id}/schedule`, { technicianId: ben, start: ny('2027-04-13T06:00:00'), confirm: true })).status, 200)
  const onBoard = (await api('GET', '/api/schedule/board?from=2027-04-13&days=1')).body.visits.find((v: any) => v.id === created.body.id)
  const listed = (await api('GET', `/api/visits?customerId=${c.id}`)).body.items[0]
  const detail = (await api('GET', `/api/visits/${created.body.id}`)).body
  for (const v of [onBoard, listed, detail]) {
    assert.equal(v.description, odd)
    assert.equal(v.customerName, `Ödd \\N ${odd}`)
    assert.equal(v.requiredSkill, null)
    assert.equal(v.agreementName ?? null, null)
  }
  assert.equal(detail.notes, `${odd}\nline two`)
  assert.deepEqual(onBoard, listed)
})
