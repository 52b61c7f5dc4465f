/**
 * The dispatch board at 2,000 visits in a week and 50 technicians (issue 11: "It stays responsive
 * with 2,000 visits in a week and 50 technicians"). Seeds a fresh database with 50 technicians
 * (hours, skills, home bases), the target week's 2,000 scheduled visits, four weeks either side
 * (16,000 more) and 2,000 unscheduled ones, then times, through the same services the API uses:
 * the board's week query (GET /api/schedule/board?days=7) and a slot suggestion
 * (GET /api/visits/:id/suggestions) for unscheduled visits with a week-long window.
 *
 *   npm run bench:schedule                                    # embedded PGlite (in memory)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:schedule    # a PostgreSQL server (its public schema is wiped)
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { sql, type Insertable } from 'kysely'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { WorkOrdersTable } from '../src/db/schema.ts'
import { newId } from '../src/domain/ids.ts'
import type { ServiceDeps } from '../src/services/deps.ts'
import { getBoard } from '../src/services/scheduling/board.ts'
import { suggestForVisit } from '../src/services/scheduling/suggest.ts'

const TECHNICIANS = 50
const WEEK_VISITS = 2_000
const RUNS = 40
const url = process.env.BENCH_DATABASE_URL
const database = url ? await openDatabase({ kind: 'postgres', url, poolSize: 4 }) : await openDatabase({ kind: 'pglite' })
const db = database.db
if (url) await sql`drop schema public cascade; create schema public`.execute(db)
await migrateToLatest(db)
await db.updateTable('companySettings').set({ timeZone: 'America/Chicago' }).where('id', '=', 1).execute()

// Monday 2027-04-12 in Chicago (CDT, UTC-5); "now" is 06:00 that morning.
const monday = Date.parse('2027-04-12T00:00:00-05:00')
const now = new Date('2027-04-12T11:00:00Z')
const deps = { db, clock: { now: () => now } } as unknown as ServiceDeps
const HOUR = 3_600_000
const t0 = performance.now()

const skills = ['hvac', 'plumbing', 'electrical', 'boilers', 'refrigeration']
const hours = { start: '07:00', end: '18:00' }
const techs = Array.from({ length: TECHNICIANS }, (_, i) => ({ id: newId('usr'), i }))
await db.insertInto('users').values(techs.map((t) => ({ id: t.id, email: `tech${t.i}@bench.test`, name: `Technician ${String(t.i).padStart(2, '0')}`, role: 'technician' as const, passwordHash: 'x' }))).execute()
await db
  .insertInto('technicians')
  .values(
    techs.map((t) => ({
      userId: t.id,
      color: `#${((t.i * 2654435761) % 0xffffff).toString(16).padStart(6, '0')}`,
      skills: [skills[t.i % skills.length]!, skills[(t.i + 2) % skills.length]!],
      workingHours: JSON.stringify({ mon: [hours], tue: [hours], wed: [hours], thu: [hours], fri: [hours], sat: [], sun: [] }),
      daysOff: JSON.stringify(t.i % 10 === 0 ? [{ from: '2027-04-16', to: '2027-04-16', reason: 'Training' }] : []),
      homeLine1: `${t.i} Depot Rd`,
      homeCity: 'Chicago',
      homeRegion: 'IL',
      homePostalCode: `606${String(t.i % 60).padStart(2, '0')}`,
      homeLatitude: 41.7 + (t.i % 10) * 0.05,
      homeLongitude: -87.9 + Math.floor(t.i / 10) * 0.06,
    })),
  )
  .execute()

// 2,000 customers with one location each, spread over the Chicago area, with coordinates.
const customers: { id: string; locationId: string }[] = []
for (let from = 0; from < 2_000; from += 500) {
  const batch = Array.from({ length: 500 }, (_, k) => ({ i: from + k, id: newId('cus'), locationId: newId('loc') }))
  await db.insertInto('customers').values(batch.map((c) => ({ id: c.id, name: `Customer ${c.i}`, companyName: null, archivedAt: null, searchText: `customer ${c.i}` }))).execute()
  await db
    .insertInto('customerLocations')
    .values(
      batch.map((c) => ({
        id: c.locationId,
        customerId: c.id,
        line1: `${100 + c.i} Main St`,
        city: 'Chicago',
        region: 'IL',
        postalCode: `606${String(c.i % 60).padStart(2, '0')}`,
        latitude: 41.65 + ((c.i * 37) % 100) * 0.006,
        longitude: -87.95 + ((c.i * 53) % 100) * 0.0045,
        archivedAt: null,
      })),
    )
    .execute()
  customers.push(...batch)
}

// Each technician: 8 visits a weekday (40 a week) from 07:00, 30 to 60 minutes with 15 between
// (free from about 15:00), every week from four weeks before to four after: 2,000 in the target
// week, 18,000 in all.
let rows: Insertable<WorkOrdersTable>[] = []
const flush = async () => {
  if (rows.length) await db.insertInto('workOrders').values(rows).execute()
  rows = []
}
let n = 0
for (let week = -4; week <= 4; week++) {
  for (const t of techs) {
    for (let day = 0; day < 5; day++) {
      let at = monday + (week * 7 + day) * 24 * HOUR + 7 * HOUR
      for (let k = 0; k < WEEK_VISITS / TECHNICIANS / 5; k++) {
        const minutes = 30 + ((n * 7) % 3) * 15
        const c = customers[n % customers.length]!
        const date = new Date(at - 5 * HOUR).toISOString().slice(0, 10)
        rows.push({
          id: newId('wo'),
          agreementId: null,
          customerId: c.id,
          locationId: c.locationId,
          description: `Maintenance visit ${n}`,
          windowStart: date,
          windowEnd: date,
          durationMinutes: minutes,
          requiredSkill: skills[t.i % skills.length]!,
          status: week < 0 ? 'completed' : week === 0 && day === 0 ? 'dispatched' : 'scheduled',
          statusBeforeSuspension: null,
          technicianId: t.id,
          scheduledStart: new Date(at),
          scheduledEnd: new Date(at + minutes * 60_000),
        })
        at += minutes * 60_000 + 15 * 60_000
        n++
        if (rows.length === 1000) await flush()
      }
    }
  }
}
// 2,000 unscheduled visits due this week.
const unscheduled: string[] = []
for (let i = 0; i < 2_000; i++) {
  const c = customers[(i * 13) % customers.length]!
  const id = newId('wo')
  unscheduled.push(id)
  rows.push({ id, agreementId: null, customerId: c.id, locationId: c.locationId, description: `Repair ${i}`, windowStart: '2027-04-12', windowEnd: '2027-04-18', durationMinutes: 60, requiredSkill: skills[i % skills.length]!, status: 'open', statusBeforeSuspension: null, technicianId: null, scheduledStart: null })
  if (rows.length === 1000) await flush()
}
await flush()
await sql`analyze`.execute(db)
const seedSeconds = (performance.now() - t0) / 1000

const time = async (fn: (i: number) => Promise<unknown>) => {
  await fn(0) // warm-up
  const times: number[] = []
  for (let i = 1; i <= RUNS; i++) {
    const s = performance.now()
    await fn(i)
    times.push(performance.now() - s)
  }
  times.sort((a, b) => a - b)
  return (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
}

const board = await getBoard(deps, { from: '2027-04-12', days: 7 })
const bytes = Buffer.byteLength(JSON.stringify(board))
if (board.visits.length !== WEEK_VISITS || board.technicians.length !== TECHNICIANS) throw new Error(`the week has ${board.visits.length} visits and ${board.technicians.length} lanes`)
const week = await time(() => getBoard(deps, { from: '2027-04-12', days: 7 }))
const day = await time(() => getBoard(deps, { from: '2027-04-14', days: 1 }))
const sample = await suggestForVisit(deps, unscheduled[0]!, { limit: 5 })
const suggest = await time((i) => suggestForVisit(deps, unscheduled[i * 37]!, { limit: 5 }))
const f = (x: number) => x.toFixed(1)

console.log(`\nSchedule benchmark — ${database.backend}, ${TECHNICIANS} technicians, ${WEEK_VISITS.toLocaleString('en-US')} visits in the week (${n.toLocaleString('en-US')} scheduled in all, 2,000 unscheduled; seeded in ${seedSeconds.toFixed(1)} s), ${RUNS} runs each; machine load average ${loadavg()[0]!.toFixed(1)}\n`)
console.log('| query | p50 ms | p95 ms |')
console.log('|---|---:|---:|')
console.log(`| board, week (7 days, 50 lanes, ${board.visits.length} visits, ${(bytes / 1024).toFixed(0)} KB JSON) | ${f(week(0.5))} | ${f(week(0.95))} |`)
console.log(`| board, one day | ${f(day(0.5))} | ${f(day(0.95))} |`)
console.log(`| suggest a slot (week window, ${sample.basis}, ${sample.suggestions.length} best of every free gap) | ${f(suggest(0.5))} | ${f(suggest(0.95))} |`)
console.log(`\nweek_p50_ms=${f(week(0.5))} week_p95_ms=${f(week(0.95))} suggest_p95_ms=${f(suggest(0.95))}`)
await database.close()
