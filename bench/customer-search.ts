/**
 * Customer search and pagination with 100,000 customers (issue 2: "search and pagination that stay
 * fast with 100,000 customers"). Seeds a fresh database, then times the queries the Customers page
 * makes, through the same repository the API uses.
 *
 *   npm run bench:customers                       # embedded PGlite (in memory)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:customers   # a PostgreSQL server (database is wiped)
 *   BENCH_CUSTOMERS=20000 npm run bench:customers
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { newId } from '../src/domain/ids.ts'
import { buildSearchText, customerRepository } from '../src/services/customers/customer-repository.ts'

const total = Number(process.env.BENCH_CUSTOMERS ?? 100_000)
const url = process.env.BENCH_DATABASE_URL
const database = url ? await openDatabase({ kind: 'postgres', url, poolSize: 4 }) : await openDatabase({ kind: 'pglite' })
const db = database.db
if (url) await sql`drop schema public cascade; create schema public`.execute(db)
await migrateToLatest(db)

const first = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'Maria', 'Wei', 'Aisha', 'Carlos']
const last = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Nguyen', 'Okafor', 'Kowalski']
const streets = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Pine Rd', 'Elm St', 'Lakeview Blvd', 'Hillcrest Way']
const cities = ['Springfield', 'Riverton', 'Fairview', 'Georgetown', 'Clinton', 'Madison', 'Franklin', 'Salem', 'Ashland', 'Dover']

const t0 = performance.now()
const batch = 1000
for (let start = 0; start < total; start += batch) {
  const customers = []
  const locations = []
  const contacts = []
  for (let i = start; i < Math.min(total, start + batch); i++) {
    const id = newId('cus')
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`
    const loc = { line1: `${(i % 9000) + 100} ${streets[i % streets.length]}`, city: cities[(i * 3) % cities.length], postalCode: String(10000 + (i % 89999)) }
    const contact = { name, email: `customer${i}@mail.test`, phone: `555-${String(i).padStart(7, '0').replace(/^(\d{3})(\d{4})$/, '$1-$2')}` }
    customers.push({ id, name, companyName: null, searchText: buildSearchText({ name, contacts: [contact], locations: [loc] }), archivedAt: null })
    locations.push({ id: newId('loc'), customerId: id, ...loc, region: 'IL', archivedAt: null })
    contacts.push({ id: newId('cus'), customerId: id, ...contact, isPrimary: true })
  }
  await db.insertInto('customers').values(customers).execute()
  await db.insertInto('customerLocations').values(locations).execute()
  await db.insertInto('customerContacts').values(contacts).execute()
}
await sql`analyze`.execute(db)
const seedSeconds = (performance.now() - t0) / 1000

const cases: [string, { q?: string; offset?: number }][] = [
  ['list, page 1 (no search)', { offset: 0 }],
  ['list, page 2,000 (offset 49,975)', { offset: 49_975 }],
  ['search exact customer number "customer73519@"', { q: 'customer73519@' }],
  ['search last name "okafor" (~7,700 hits)', { q: 'okafor' }],
  ['search phone digits "5550073519"', { q: '5550073519' }],
  ['search street "lakeview blvd" (~12,500 hits)', { q: 'lakeview blvd' }],
  ['search with no match "zzyzx"', { q: 'zzyzx' }],
]

const rows: string[] = []
for (const [label, c] of cases) {
  const times: number[] = []
  let hits = 0
  for (let run = 0; run < 25; run++) {
    const s = performance.now()
    const page = await customerRepository.search(db, { ...(c.q ? { q: c.q } : {}), archived: false, limit: 25, offset: c.offset ?? 0 })
    times.push(performance.now() - s)
    hits = page.total
  }
  times.sort((a, b) => a - b)
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
  rows.push(`| ${label} | ${hits} | ${p(0.5)} | ${p(0.95)} |`)
}

console.log(`\nCustomer search benchmark — ${database.backend}, ${total.toLocaleString('en-US')} customers (seeded in ${seedSeconds.toFixed(1)} s), page size 25, 25 runs each\n`)
console.log('| query | total hits | p50 ms | p95 ms |')
console.log('|---|---:|---:|---:|')
for (const r of rows) console.log(r)
await database.close()
