import { sql } from 'kysely'
import { SEARCH_LIMIT, type SearchDto, type SearchHit } from '../../contracts/search.ts'
import { asNumberSearch, likeContains } from '../../db/like.ts'
import { formatUsd } from '../../domain/money.ts'
import { quoteLabel } from '../../domain/quote-text.ts'
import type { ServiceDeps } from '../deps.ts'

/**
 * The header's search box: customers by name, company, contact, e-mail, phone (as typed or its
 * digits) or address through the customers' trigram index; agreements, invoices and quotes by their
 * number ("1024", "#1024", "Q-1024") or by those customers; agreements also by name. Each kind is
 * one query of at most SEARCH_LIMIT rows (active customers and newest records first).
 */
export async function searchEverything(deps: Pick<ServiceDeps, 'db'>, text: string): Promise<SearchDto> {
  const db = deps.db
  const q = text.trim()
  const n = asNumberSearch(q.replace(/^q-/i, ''))
  // A phone typed with separators also matches its digits, which the search text holds too.
  const digits = /^[\d\s().+-]+$/.test(q) && q.replace(/\D/g, '').length >= 4 ? q.replace(/\D/g, '') : null
  const like = likeContains(q)
  const match = digits ? sql`(sc.search_text like ${like} or sc.search_text like ${likeContains(digits)})` : sql`sc.search_text like ${like}`
  const customerIds = sql`array(select sc.id from customers sc where ${match} limit 200)`
  const byNumber = (col: string) => (n !== null ? sql`${sql.ref(col)} = ${n} or ` : sql``)
  type Row = { id: string; title: string; customerName: string; status: string | null; detail: string | null; cents: number | null }
  const [customers, agreements, invoices, quotes] = await Promise.all([
    sql<Row>`
      select sc.id, sc.name as title, sc.name as customer_name, null as status, null as cents,
        concat_ws(' · ', (select concat_ws(' · ', k.email, k.phone) from customer_contacts k where k.customer_id = sc.id order by k.is_primary desc, k.created_at limit 1),
          (select l.line1 || ', ' || l.city from customer_locations l where l.customer_id = sc.id and l.archived_at is null order by l.created_at limit 1)) as detail
      from customers sc where ${match}
      order by sc.archived_at is not null, (lower(sc.name) like ${like}) desc, lower(sc.name) limit ${SEARCH_LIMIT}`.execute(db),
    sql<Row>`
      select a.id, '#' || a.number || ' ' || a.name as title, c.name as customer_name, a.status, null as detail, null as cents
      from agreements a join customers c on c.id = a.customer_id
      where ${byNumber('a.number')} lower(a.name) like ${like} or a.customer_id = any(${customerIds})
      order by a.number = ${n ?? -1} desc, a.created_at desc limit ${SEARCH_LIMIT}`.execute(db),
    sql<Row>`
      select i.id, 'Invoice ' || i.number as title, c.name as customer_name, i.status, null as detail, i.total_cents::float8 as cents
      from invoices i join customers c on c.id = i.customer_id
      where ${byNumber('i.number')} i.customer_id = any(${customerIds})
      order by i.number = ${n ?? -1} desc, i.created_at desc limit ${SEARCH_LIMIT}`.execute(db),
    sql<Row>`
      select qt.id, qt.number::text as title, c.name as customer_name, qt.status, null as detail, null as cents
      from quotes qt join customers c on c.id = qt.customer_id
      where ${byNumber('qt.number')} qt.customer_id = any(${customerIds})
      order by qt.number = ${n ?? -1} desc, qt.created_at desc limit ${SEARCH_LIMIT}`.execute(db),
  ])
  const hit = (link: (r: Row) => string, title = (r: Row) => r.title, detail = (r: Row) => r.customerName) => (r: Row): SearchHit => ({ id: r.id, title: title(r), detail: detail(r), status: r.status, link: link(r) })
  return {
    q,
    customers: customers.rows.map(hit((r) => `/customers/${r.id}`, undefined, (r) => r.detail ?? '')),
    agreements: agreements.rows.map(hit((r) => `/agreements/${r.id}`)),
    invoices: invoices.rows.map(hit((r) => `/billing/invoices/${r.id}`, undefined, (r) => `${r.customerName} · ${formatUsd(Number(r.cents))}`)),
    quotes: quotes.rows.map(hit((r) => `/quotes/${r.id}`, (r) => quoteLabel(Number(r.title)))),
  }
}
