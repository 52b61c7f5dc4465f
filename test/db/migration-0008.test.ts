/**
 * Migration 0008 on data written by the schema before it (PGlite, and PostgreSQL with
 * TEST_DB=postgres): scheduled retry instants become the company-local date they fell on;
 * billing ahead starts at 0 days; tax rates in basis points become millionths exactly.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Migrator, sql, type Kysely } from 'kysely'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { migrations } from '../../src/db/migrations/index.ts'
import { createPostgresDatabaseUrl } from '../helpers/test-db.ts'

let pg: Awaited<ReturnType<typeof createPostgresDatabaseUrl>> = null
let handle: DatabaseHandle
let db: Kysely<any>

before(async () => {
  pg = await createPostgresDatabaseUrl()
  handle = pg ? await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 2 }) : await openDatabase({ kind: 'pglite' })
  db = handle.db as Kysely<any>
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' })
  const { error } = await migrator.migrateTo('0007-automatic-billing')
  if (error) throw error
  // Data as the schema before 0008 held it.
  await sql`update company_settings set time_zone = 'Pacific/Auckland' where id = 1`.execute(db)
  await sql`insert into customers (id, name) values ('cus_m', 'Mig Customer')`.execute(db)
  await sql`insert into customer_locations (id, customer_id, line1, city, region, postal_code) values ('loc_m', 'cus_m', '1 Main St', 'Springfield', 'IL', '62701')`.execute(db)
  await sql`insert into agreements (id, customer_id, location_id, name, status, billing_interval_months, start_date, tax_rate_bp)
    values ('agr_m', 'cus_m', 'loc_m', 'Mig', 'active', 1, '2026-11-01', 0),
      ('agr_t', 'cus_m', 'loc_m', 'Taxed', 'active', 1, '2026-11-01', 888), ('agr_u', 'cus_m', 'loc_m', 'All tax', 'active', 1, '2026-11-01', 10000)`.execute(db)
  await sql`insert into plans (id, name, price_cents, billing_frequency, billing_interval_months, is_taxable, tax_rate_bp)
    values ('pln_a', 'Taxed plan', 2500, 'monthly', 1, true, 825), ('pln_b', 'Odd plan', 2500, 'monthly', 1, true, 1)`.execute(db)
  await sql`insert into quotes (id, customer_id, status) values ('quo_m', 'cus_m', 'draft')`.execute(db)
  await sql`insert into quote_revisions (quote_id, revision, location_id, start_date, expires_on, tax_rate_bp)
    values ('quo_m', 1, 'loc_m', '2026-12-15', '2026-12-31', 725)`.execute(db)
  const invoice = (id: string, start: string, retryState: string | null, nextRetryAt: string | null) =>
    sql`insert into invoices (id, agreement_id, customer_id, period_index, period_start, period_end, subtotal_cents, tax_cents, total_cents, status, retry_state, next_retry_at)
      values (${id}, 'agr_m', 'cus_m', 0, ${start}::date, '2026-12-01'::date, 1000, 0, 1000, 'failed', ${retryState}, ${nextRetryAt}::timestamptz)`.execute(db)
  // 20:00 UTC on Dec 3 is 09:00 on Dec 4 in Auckland; 10:59 UTC on Dec 4 is 23:59 there.
  await invoice('inv_a', '2026-11-01', 'scheduled', '2026-12-03T20:00:00Z')
  await invoice('inv_b', '2026-11-02', 'scheduled', '2026-12-04T10:59:00Z')
  await invoice('inv_c', '2026-11-03', 'needs_payment_method', null)
  await migrateToLatest(db)
})
after(async () => {
  await handle.close()
  await pg?.drop()
})

test('tax rates in basis points become the same rates in millionths, exactly; billing ahead starts at 0 days', async () => {
  const rates = async (table: string, key: string) =>
    (await sql<{ id: string; ppm: number }>`select ${sql.ref(key)} as id, tax_rate_ppm as ppm from ${sql.table(table)} order by 1`.execute(db)).rows.map((r) => [r.id, Number(r.ppm)])
  assert.deepEqual(await rates('agreements', 'id'), [['agr_m', 0], ['agr_t', 88_800], ['agr_u', 1_000_000]])
  assert.deepEqual(await rates('plans', 'id'), [['pln_a', 82_500], ['pln_b', 100]])
  assert.deepEqual(await rates('quote_revisions', 'quote_id'), [['quo_m', 72_500]])
  const { rows: old } = await sql`select 1 from information_schema.columns where column_name = 'tax_rate_bp'`.execute(db)
  assert.equal(old.length, 0, 'no basis-point column is left')
  // New York City's rate fits now, and more than 100% still does not.
  await sql`update agreements set tax_rate_ppm = 88750 where id = 'agr_t'`.execute(db)
  await assert.rejects(sql`update agreements set tax_rate_ppm = 1000001 where id = 'agr_t'`.execute(db))
  assert.equal(Number((await sql<{ d: number }>`select bill_ahead_days as d from billing_settings`.execute(db)).rows[0]!.d), 0)
})

test('scheduled retry instants become their date in the company zone', async () => {
  const rows = await db.selectFrom('invoices').select(['id', 'nextRetryDate']).orderBy('id').execute()
  assert.deepEqual(rows, [
    { id: 'inv_a', nextRetryDate: '2026-12-04' },
    { id: 'inv_b', nextRetryDate: '2026-12-04' },
    { id: 'inv_c', nextRetryDate: null },
  ])
  const { rows: idx } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'invoices_failed_idx'`.execute(db)
  assert.match(idx[0]!.indexdef, /\(next_retry_date, id\)/)
})
