/**
 * The dispatch board page in Chromium with 2,000 visits in a week and 50 technicians (issue 11:
 * "It stays responsive"). Seeds the week of Monday 2027-04-12 (8 visits a technician a weekday,
 * each visit's window the whole week; Saturdays worked and free) on the test app (PGlite), then
 * times, in a headless Chromium at 1280×900: opening the week until all 2,000 visit chips are on
 * the page. NOTE: timing a drop is not in yet: the week scrolls inside its box and dnd-kit's
 * auto-scroll moved the pointer's target during a scripted drag (it landed a day late).
 *
 *   npm run build:web && npm run bench:board       (CHROMIUM_PATH, default /usr/bin/chromium)
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { newId } from '../src/domain/ids.ts'
import { startOfficeBrowser } from '../test/browser/office-browser.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const office = await startOfficeBrowser({ clock: { now: () => new Date('2027-04-11T15:00:00Z') } })
const db = office.app.deps.db
await db.updateTable('companySettings').set({ timeZone: 'America/Chicago' }).where('id', '=', 1).execute()
const day = { start: '07:00', end: '18:00' }
const techs = Array.from({ length: 50 }, (_, i) => ({ id: newId('usr'), i }))
await db.insertInto('users').values(techs.map((t) => ({ id: t.id, email: `tech${t.i}@bench.test`, name: `Technician ${String(t.i).padStart(2, '0')}`, role: 'technician' as const, passwordHash: 'x' }))).execute()
await db.insertInto('technicians').values(techs.map((t) => ({ userId: t.id, color: '#2563eb', skills: ['hvac'], workingHours: JSON.stringify({ mon: [day], tue: [day], wed: [day], thu: [day], fri: [day], sat: [day], sun: [] }), daysOff: '[]' }))).execute()
const customers = Array.from({ length: 2000 }, (_, i) => ({ id: newId('cus'), locationId: newId('loc'), i }))
for (let k = 0; k < 2000; k += 500) {
  const batch = customers.slice(k, k + 500)
  await db.insertInto('customers').values(batch.map((c) => ({ id: c.id, name: `Customer ${c.i}`, companyName: null, archivedAt: null, searchText: `customer ${c.i}` }))).execute()
  await db.insertInto('customerLocations').values(batch.map((c) => ({ id: c.locationId, customerId: c.id, line1: `${c.i} Main St`, city: 'Chicago', region: 'IL', postalCode: '60601', archivedAt: null }))).execute()
}
const monday = Date.parse('2027-04-12T07:00:00-05:00')
let rows = []
let n = 0
for (const t of techs)
  for (let d = 0; d < 5; d++)
    for (let k = 0; k < 8; k++) {
      const start = monday + d * 86_400_000 + k * 75 * 60_000
      const c = customers[n++ % 2000]!
      rows.push({ id: newId('wo'), agreementId: null, customerId: c.id, locationId: c.locationId, description: `Visit ${n}`, windowStart: '2027-04-12', windowEnd: '2027-04-18', durationMinutes: 60, requiredSkill: null, status: 'scheduled' as const, statusBeforeSuspension: null, technicianId: t.id, scheduledStart: new Date(start), scheduledEnd: new Date(start + 3_600_000) })
      if (rows.length === 500) (await db.insertInto('workOrders').values(rows).execute(), (rows = []))
    }

const page = await office.newPage()
await office.logIn(page, office.officeEmail)
const open: number[] = []
for (let r = 0; r < RUNS; r++) {
  const s = performance.now()
  await page.goto(`${office.app.url}/schedule?view=week&date=2027-04-12`)
  await page.waitForFunction(() => document.querySelectorAll('[aria-label="Week board"] [data-visit]').length >= 2000, null, { timeout: 120_000 })
  open.push(performance.now() - s)
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const max = (xs: number[]) => Math.max(...xs)
console.log(`\nBoard page in Chromium — 50 technicians, 2,000 visits in the week, ${RUNS} runs; machine load average ${loadavg()[0]!.toFixed(1)}\n`)
console.log('| step | median ms | slowest ms |')
console.log('|---|---:|---:|')
console.log(`| open the week until all 2,000 visits are drawn | ${med(open).toFixed(0)} | ${max(open).toFixed(0)} |`)
console.log(`\nboard_open_ms=${med(open).toFixed(0)}`)
await office.close()
