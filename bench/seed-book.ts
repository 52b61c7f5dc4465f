import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'

/**
 * A book at scale, seeded in the database itself (generate_series): `agreements` customers with
 * a location, a contact and one agreement each (85% active, the rest suspended, pending, expired,
 * renewed or closed; 30% open-ended; monthly, quarterly and annual; four plans), `invoicesPer`
 * invoices per agreement (94% paid, 3% failed, 2% open, 1% void) with payments for the paid ones,
 * and renewal notices. Used by bench:agreements and bench:scale's migration.
 */
export async function seedBook(db: Kysely<any>, opts: { agreements: number; invoicesPer: number; today: string; log?: (s: string) => void }): Promise<void> {
  const n = opts.agreements
  const invoicesPer = opts.invoicesPer
  const today = opts.today
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`))
  // Seeded in the database itself (generate_series): the point is the queries, not the client.
  const id = (prefix: string, expr: string) => sql.raw(`'${prefix}_' || lpad(to_hex(${expr}), 26, '0')`)
  const t0 = performance.now()
  await sql`insert into plans (id, name, price_cents, billing_frequency, billing_interval_months, term_months, auto_renew)
  select 'pln_' || lpad(to_hex(p), 26, '0'), 'Plan ' || p, 1000 * p, 'monthly', 1, 12, p % 2 = 0 from generate_series(1, 4) p`.execute(db)
  await sql`insert into customers (id, name, search_text)
  select ${id('cus', 'i')}, 'Customer ' || i || ' ' || (array['Smith','Okafor','Garcia','Nguyen','Kowalski','Brown','Rossi'])[1 + i % 7],
    lower('customer ' || i || ' ' || (array['Smith','Okafor','Garcia','Nguyen','Kowalski','Brown','Rossi'])[1 + i % 7] || ' c' || i || '@mail.test ' || (100 + i % 9000) || ' main st springfield')
  from generate_series(1, ${n}) i`.execute(db)
  await sql`insert into customer_locations (id, customer_id, line1, city, region, postal_code)
  select ${id('loc', 'i')}, ${id('cus', 'i')}, (100 + i % 9000) || ' Main St', 'Springfield', 'IL', '62701' from generate_series(1, ${n}) i`.execute(db)
  await sql`insert into customer_contacts (id, customer_id, name, email, is_primary)
  select ${id('con', 'i')}, ${id('cus', 'i')}, 'Customer ' || i, 'c' || i || '@mail.test', true from generate_series(1, ${n}) i`.execute(db)
  // Statuses: 85% active, 3% suspended, 2% pending, 4% expired, 3% renewed, 3% closed. 30% open-ended;
  // fixed terms end across the next year (ended ones in the past year); monthly, quarterly and annual.
  await sql`insert into agreements (id, customer_id, location_id, plan_id, name, status, billing_interval_months, start_date, term_months, end_date,
    lines, tax_rate_ppm, approved_at, billed_periods, next_bill_date, auto_renew, auto_renew_consent_at, ended_on, closed_at, created_at)
  select ${id('agr', 'i')}, ${id('cus', 'i')}, ${id('loc', 'i')}, case when i % 5 = 0 then null else 'pln_' || lpad(to_hex(1 + i % 4), 26, '0') end,
    'Agreement ' || i, s.status, s.interval, s.start, case when s.open then null else 12 end, case when s.open then null else (s.start + interval '12 months')::date end,
    jsonb_build_array(jsonb_build_object('description', 'Plan', 'amountCents', 1000 + i % 5000, 'recurring', true, 'taxable', i % 2 = 0)),
    case when i % 2 = 0 then 72500 else 0 end, now(), ${invoicesPer}, (s.start + make_interval(months => ${invoicesPer} * s.interval))::date,
    not s.open and i % 5 = 1, case when not s.open and i % 5 = 1 then now() end,
    case when s.status in ('expired', 'renewed') then (s.start + interval '12 months')::date when s.status = 'closed' then ${today}::date - 10 end,
    case when s.status = 'closed' then now() - interval '10 days' end, now() - make_interval(secs => ${n} - i)
  from generate_series(1, ${n}) i
  cross join lateral (select
    case when i % 100 < 85 then 'active' when i % 100 < 88 then 'suspended' when i % 100 < 90 then 'pending_approval'
         when i % 100 < 94 then 'expired' when i % 100 < 97 then 'renewed' else 'closed' end as status,
    case when i % 10 = 0 then 12 when i % 10 < 3 then 3 else 1 end as interval,
    i % 10 < 3 and i % 100 < 90 as open) t
  cross join lateral (select t.status, t.interval, t.open,
    case when t.status in ('expired', 'renewed') then ${today}::date - 380 - i % 300 else ${today}::date - 360 + i % 355 end as start) s`.execute(db)
  log(`seeded ${n.toLocaleString('en-US')} customers and agreements in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  // Invoices: one per agreement per month for the last months (created on their period's day);
  // 94% paid, 3% failed (by reason), 2% open (the newest), 1% void; payments for the paid ones.
  const t1 = performance.now()
  await sql`insert into invoices (id, agreement_id, customer_id, period_index, period_start, period_end, lines, subtotal_cents, tax_cents, total_cents, paid_cents,
    status, failure_code, retry_state, failed_attempts, first_failed_at, paid_at, created_at, updated_at)
  select ${id('inv', `i::bigint * 64 + k`)}, ${id('agr', 'i')}, ${id('cus', 'i')}, k, d.day, (d.day + interval '1 month')::date, '[]', 1000 + i % 5000, 0, 1000 + i % 5000,
    case when st = 'paid' then 1000 + i % 5000 else 0 end, st,
    case when st = 'failed' then (array['insufficient_funds','expired_card','do_not_honor','stop_recurring'])[1 + (i + k) % 4] end,
    case when st = 'failed' then (array['scheduled','exhausted','needs_payment_method'])[1 + (i + k) % 3] end,
    case when st = 'failed' then 1 else 0 end, case when st = 'failed' or (i + k) % 100 = 50 then d.at end,
    case when st = 'paid' then d.at + interval '1 hour' end, d.at, d.at
  from generate_series(1, ${n}) i cross join generate_series(0, ${invoicesPer - 1}) k
  cross join lateral (select (${today}::date - make_interval(months => ${invoicesPer} - 1 - k))::date - (i % 28) as day) d0
  cross join lateral (select d0.day, (d0.day + time '09:00') at time zone 'America/New_York' as at) d
  cross join lateral (select case when (i + k) % 100 < 3 then 'failed' when (i + k) % 100 < 4 then 'void' when k = ${invoicesPer - 1} and (i % 50) = 7 then 'open' else 'paid' end as st) s`.execute(db)
  await sql`insert into payments (id, invoice_id, customer_id, method, amount_cents, received_at, created_at)
  select 'pay_' || substr(i.id, 5), i.id, i.customer_id, 'card', i.total_cents, i.paid_at, i.paid_at from invoices i where i.status = 'paid'`.execute(db)
  await sql`insert into renewal_notices (id, agreement_id, kind, term_end, start_date, term_months, billing_interval_months, lines, price_change, old_period_cents, new_period_cents, status, token_hash, expires_at, sent_at, accepted_at)
  select 'rnw_' || substr(a.id, 5), a.id, 'quote', a.end_date, a.end_date, 12, 1, '[]', '{"kind":"none"}', 1000, 1050,
    case when a.status = 'renewed' then 'accepted' else 'sent' end, md5(a.id), now() + interval '30 days', now() - interval '5 days', case when a.status = 'renewed' then now() - interval '2 days' end
  from agreements a where a.end_date is not null and a.end_date < ${today}::date + 60 and a.status in ('active', 'renewed')`.execute(db)
  // As autovacuum leaves a settled table: statistics and the visibility map (index-only scans).
  await sql`vacuum analyze`.execute(db)
}
