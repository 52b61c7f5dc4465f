import { sql, type RawBuilder } from 'kysely'
import type { VisitDto, VisitListQuery, VisitSummaryDto } from '../../contracts/scheduling.ts'
import type { Db } from '../../db/database.ts'
import type { WorkOrderStatus } from '../../db/schema.ts'
import { likeContains } from '../../db/like.ts'
import { notFound } from '../../domain/errors.ts'
import type { HeldBy } from '../../domain/work-order-status.ts'

/** Visits (table `work_orders`) as the board, lists, the changes feed and the technician's pages read them. */

/**
 * How visits leave the database. NOTE: the board reads 2,000 visits at once, and turning rows into
 * something Node can read is most of its cost. Measured on the benchmark's week (PostgreSQL, the
 * machine shared): `json_agg` of the rows spends ~45-80 ms of query building JSON (every key,
 * string and timestamp escaped, about 1.4 MB), 24 typed columns cost PGlite ~2.5× that in
 * parsing 48,000 values, and one text of plain values (every value of every row, in order,
 * separated by \x1f; free text escaped with `replace`, the rest cannot hold it; null as \N;
 * instants as UTC wall times) costs the database about what the bare rows do and both drivers one
 * string, which Node splits once.
 * Each field: its name in the DTOs, its SQL over the aliases w, c, l, a, and how it is read.
 */
type Kind = 'id' | 'text' | 'number' | 'instant'
/** On hold: the visit's own status, or its agreement's (what `heldByOf` says, worked out in the query). */
const HELD = `w.agreement_id is not null and (w.status = 'suspended' or a.status = 'suspended')`
/** What the board, its changes feed and the visit lists show (the board's 2,000 a week: nothing it does not use). */
const FIELDS: [string, string, Kind][] = [
  ['id', 'w.id', 'id'],
  ['status', 'w.status', 'id'],
  ['version', 'w.version', 'number'],
  ['description', 'w.description', 'text'],
  ['priority', 'w.priority', 'id'],
  ['requiredSkill', 'w.required_skill', 'text'],
  ['durationMinutes', 'w.duration_minutes', 'number'],
  ['windowStart', 'w.window_start', 'id'],
  ['windowEnd', 'w.window_end', 'id'],
  ['technicianId', 'w.technician_id', 'id'],
  ['scheduledStart', 'w.scheduled_start', 'instant'],
  ['scheduledEnd', 'w.scheduled_end', 'instant'],
  ['customerName', 'c.name', 'text'],
  ['line1', 'l.line1', 'text'],
  ['city', 'l.city', 'text'],
  ['postalCode', 'l.postal_code', 'text'],
  ['heldById', `case when ${HELD} then w.agreement_id end`, 'id'],
  ['heldByNumber', `case when ${HELD} then a.number end`, 'number'],
  ['heldByName', `case when ${HELD} then a.name end`, 'text'],
  ['rescheduleReason', 'w.reschedule_reason', 'text'],
]
const FULL_FIELDS: [string, string, Kind][] = [
  ...FIELDS,
  ['customerId', 'w.customer_id', 'id'],
  ['locationId', 'w.location_id', 'id'],
  ['agreementId', 'w.agreement_id', 'id'],
  ['agreementNumber', 'a.number', 'number'],
  ['agreementName', 'a.name', 'text'],
  ['updatedAt', 'w.updated_at', 'instant'],
  ['notes', 'w.notes', 'text'],
  ['technicianName', '(select u.name from users u where u.id = w.technician_id)', 'text'],
  ['label', 'l.label', 'text'],
  ['line2', 'l.line2', 'text'],
  ['region', 'l.region', 'text'],
  ['accessNotes', 'l.access_notes', 'text'],
  ['latitude', 'l.latitude', 'number'],
  ['longitude', 'l.longitude', 'number'],
  ['statusBeforeSuspension', 'w.status_before_suspension', 'id'],
  ['statusReason', 'w.status_reason', 'text'],
  ['actualStart', 'w.actual_start', 'instant'],
  ['actualEnd', 'w.actual_end', 'instant'],
  ['completionNotes', 'w.completion_notes', 'text'],
  ['createdAt', 'w.created_at', 'instant'],
  ['customerPhone', '(select cc.phone from customer_contacts cc where cc.customer_id = w.customer_id and cc.phone is not null order by cc.is_primary desc, cc.created_at limit 1)', 'text'],
]
const encode = ([, expr, kind]: [string, string, Kind]) =>
  kind === 'text'
    ? `coalesce(replace(replace(${expr}, '\\', '\\\\'), E'\\x1f', '\\u'), '\\N')`
    : kind === 'instant'
      ? `coalesce((${expr} at time zone 'UTC')::text, '\\N')`
      : `coalesce(${expr}::text, '\\N')`
/** A row as one text. */
const line = (fields: [string, string, Kind][]) => sql.raw(`concat_ws(E'\\x1f', ${fields.map(encode).join(', ')})`)
/** `2027-04-12 12:00:00`, `…:00.5` or `…:00.123456` (PostgreSQL's text for a UTC wall time, DateStyle ISO as the drivers expect) as `toISOString()` writes it. */
const utc = (wall: string) => `${wall.slice(0, 10)}T${wall.length === 19 ? `${wall.slice(11)}.000` : `${wall.slice(11)}00`.slice(0, 12)}Z`
const UNESCAPE: Record<string, string> = { '\\': '\\', u: '\x1f' }
/**
 * The rows' values, one after another (`fields.length` a row), read in place field by field: one
 * `split` of the whole text and no object per row (the week's 40,000 values were most of the
 * board's time in Node, with the garbage of a record and an array per row).
 */
function decode(text: string | null, fields: [string, string, Kind][]): unknown[] {
  if (text === null) return []
  const v: unknown[] = text.split('\x1f')
  const n = fields.length
  if (v.length % n !== 0) throw new Error(`visit rows: ${v.length} values for ${n} fields a row`)
  for (let k = 0; k < n; k++) {
    const kind = fields[k]![2]
    for (let i = k; i < v.length; i += n) {
      const s = v[i] as string
      v[i] = s === '\\N' ? null : kind === 'number' ? Number(s) : kind === 'instant' ? utc(s) : kind === 'text' && s.includes('\\') ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c]!) : s
    }
  }
  return v
}
const VISITS = sql`work_orders w join customers c on c.id = w.customer_id join customer_locations l on l.id = w.location_id
  left join agreements a on a.id = w.agreement_id`

/** The fields' types, by name. */
interface Flat {
  id: string
  status: WorkOrderStatus
  version: number
  description: string
  priority: VisitSummaryDto['priority']
  requiredSkill: string | null
  durationMinutes: number
  windowStart: string
  windowEnd: string
  technicianId: string | null
  scheduledStart: string | null
  scheduledEnd: string | null
  customerName: string
  line1: string
  city: string
  postalCode: string
  heldById: string | null
  heldByNumber: number | null
  heldByName: string | null
  rescheduleReason: string | null
}
interface FlatFull extends Flat {
  customerId: string
  locationId: string
  agreementId: string | null
  agreementNumber: number | null
  agreementName: string | null
  updatedAt: string
  notes: string
  technicianName: string | null
  label: string
  line2: string
  region: string
  accessNotes: string
  latitude: number | null
  longitude: number | null
  statusBeforeSuspension: WorkOrderStatus | null
  statusReason: string
  actualStart: string | null
  actualEnd: string | null
  completionNotes: string
  createdAt: string
  customerPhone: string | null
}

/**
 * Visits where `where` (SQL over the aliases w, c, l, a) holds, as flat rows, with the full
 * columns when `full`. With `page`, that page in its `order`; without, in no order (callers sort:
 * numbering and sorting the board's 2,000 rows in the database took about a quarter of its query).
 */
async function readVisits<T>(db: Db, read: (v: unknown[], o: number) => T, o: { where: RawBuilder<unknown>; full?: boolean; page?: { order: RawBuilder<unknown>; limit: number; offset: number } }): Promise<T[]> {
  const fields = o.full ? FULL_FIELDS : FIELDS
  const { rows } = o.page
    ? await sql<{ rows: string | null }>`
        select string_agg(v.line, E'\\x1f' order by v.n) as rows from (
          select ${line(fields)} as line, row_number() over (order by ${o.page.order}) as n from ${VISITS} where ${o.where}
          order by ${o.page.order} limit ${o.page.limit} offset ${o.page.offset}) v`.execute(db)
    : await sql<{ rows: string | null }>`select string_agg(${line(fields)}, E'\\x1f') as rows from ${VISITS} where ${o.where}`.execute(db)
  const v = decode(rows[0]!.rows, fields)
  const out: T[] = []
  for (let i = 0; i < v.length; i += fields.length) out.push(read(v, i))
  return out
}

/** By slot start, then id (ISO instants in UTC compare as text). */
const byStart = (a: VisitSummaryDto, b: VisitSummaryDto) => (a.scheduledStart! < b.scheduledStart! ? -1 : a.scheduledStart! > b.scheduledStart! ? 1 : a.id < b.id ? -1 : 1)

/** The suspended agreement a visit is on hold for (its own status, or its agreement's). */
export function heldByOf(r: { status: WorkOrderStatus; agreementId: string | null; agreementNumber: number | string | null; agreementName: string | null; agreementStatus: string | null }): HeldBy | null {
  if (r.agreementId === null || (r.status !== 'suspended' && r.agreementStatus !== 'suspended')) return null
  return { agreementId: r.agreementId, agreementNumber: Number(r.agreementNumber), agreementName: r.agreementName ?? '' }
}

/** Each field's place in a row (the summary's fields come first in both lists). */
const AT = Object.fromEntries(FULL_FIELDS.map(([name], i) => [name, i])) as Record<keyof FlatFull, number>
/** Field `k` of the row at `o` in decoded values. */
const get = <K extends keyof FlatFull>(v: unknown[], o: number, k: K) => v[o + AT[k]] as FlatFull[K]

function toSummary(v: unknown[], o: number): VisitSummaryDto {
  const heldBy = get(v, o, 'heldById')
  return {
    id: get(v, o, 'id'),
    status: get(v, o, 'status'),
    version: get(v, o, 'version'),
    description: get(v, o, 'description'),
    priority: get(v, o, 'priority'),
    requiredSkill: get(v, o, 'requiredSkill'),
    durationMinutes: get(v, o, 'durationMinutes'),
    windowStart: get(v, o, 'windowStart'),
    windowEnd: get(v, o, 'windowEnd'),
    technicianId: get(v, o, 'technicianId'),
    scheduledStart: get(v, o, 'scheduledStart'),
    scheduledEnd: get(v, o, 'scheduledEnd'),
    customerName: get(v, o, 'customerName'),
    location: { line1: get(v, o, 'line1'), city: get(v, o, 'city'), postalCode: get(v, o, 'postalCode') },
    onHold: heldBy === null ? null : { agreementId: heldBy, agreementNumber: get(v, o, 'heldByNumber')!, agreementName: get(v, o, 'heldByName') ?? '' },
    rescheduleReason: get(v, o, 'rescheduleReason'),
  }
}

function toDto(v: unknown[], o: number): VisitDto {
  return {
    ...toSummary(v, o),
    customerId: get(v, o, 'customerId'),
    agreementId: get(v, o, 'agreementId'),
    agreementNumber: get(v, o, 'agreementNumber'),
    updatedAt: get(v, o, 'updatedAt'),
    notes: get(v, o, 'notes'),
    technicianName: get(v, o, 'technicianName'),
    location: { id: get(v, o, 'locationId'), label: get(v, o, 'label'), line1: get(v, o, 'line1'), line2: get(v, o, 'line2'), city: get(v, o, 'city'), region: get(v, o, 'region'), postalCode: get(v, o, 'postalCode'), accessNotes: get(v, o, 'accessNotes'), latitude: get(v, o, 'latitude'), longitude: get(v, o, 'longitude') },
    customerPhone: get(v, o, 'customerPhone'),
    agreementName: get(v, o, 'agreementName'),
    statusBeforeHold: get(v, o, 'statusBeforeSuspension'),
    statusReason: get(v, o, 'statusReason'),
    actualStart: get(v, o, 'actualStart'),
    actualEnd: get(v, o, 'actualEnd'),
    completionNotes: get(v, o, 'completionNotes'),
    createdAt: get(v, o, 'createdAt'),
  }
}

export type SlotStatuses = readonly WorkOrderStatus[]

/** Visits with a slot overlapping [from, to) (a visit lasts at most 24 hours: the index's range), optionally one technician's. */
const inRange = (o: { from: Date; to: Date; technicianId?: string | undefined; statuses: SlotStatuses }) =>
  sql.join(
    [
      sql`w.technician_id is not null`,
      sql`w.scheduled_start >= ${new Date(o.from.getTime() - 86_400_000)}`,
      sql`w.scheduled_start < ${o.to}`,
      sql`w.scheduled_end > ${o.from}`,
      sql`w.status in (${sql.join([...o.statuses])})`,
      ...(o.technicianId ? [sql`w.technician_id = ${o.technicianId}`] : []),
    ],
    sql` and `,
  )
/**
 * The board's visits: a slot in [from, to), in start order. NOTE: a range longer than a day is
 * read as two halves by slot start, two statements on two of the pool's connections at once, so
 * that the database builds the week's text on two cores while Node decodes the half that came
 * first (bench:schedule's week at load 13-14, medians of three runs: p50 118 -> 89 ms, p95 243 ->
 * 147 ms; one day's few hundred visits were slower for it; on PGlite the two run one after the
 * other). The halves are two snapshots: a visit moved across the middle between them can come in both (the newer
 * version is kept) or in neither; the board's cursor is taken before, so the changes feed brings
 * it either way, as it does for the technicians, read in their own statement too.
 */
export async function visitsInRange(db: Db, range: { from: Date; to: Date; technicianId?: string; statuses: SlotStatuses }): Promise<VisitSummaryDto[]> {
  const from = range.from.getTime()
  const to = range.to.getTime()
  if (to - from <= 25 * 3_600_000) return (await readVisits(db, toSummary, { where: inRange(range) })).sort(byStart)
  const mid = new Date((from + to) / 2)
  const halves = await Promise.all([sql`w.scheduled_start < ${mid}`, sql`w.scheduled_start >= ${mid}`].map((half) => readVisits(db, toSummary, { where: sql`${inRange(range)} and ${half}` })))
  const byId = new Map<string, VisitSummaryDto>()
  for (const v of halves.flat()) if ((byId.get(v.id)?.version ?? 0) < v.version) byId.set(v.id, v)
  return [...byId.values()].sort(byStart)
}

export async function visitSummaries(db: Db, ids: readonly string[]): Promise<VisitSummaryDto[]> {
  if (ids.length === 0) return []
  return (await readVisits(db, toSummary, { where: sql`w.id in (${sql.join([...ids])})` })).sort((a, b) => (a.id < b.id ? -1 : 1))
}

/** Most urgent first: the window's end, then priority. */
const URGENT_FIRST = sql`w.window_end, case w.priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end, w.window_start, w.id`

/** One page of visits matching the board's filters, most urgent first. */
export async function searchVisits(db: Db, q: Omit<VisitListQuery, 'page' | 'pageSize'> & { today: string; limit: number; offset: number }): Promise<{ items: VisitSummaryDto[]; total: number }> {
  const c: RawBuilder<unknown>[] = [sql`true`]
  if (q.status) c.push(sql`w.status in (${sql.join(q.status)})`)
  if (q.windowFrom) c.push(sql`w.window_end >= ${q.windowFrom}`)
  if (q.windowTo) c.push(sql`w.window_start <= ${q.windowTo}`)
  if (q.overdue === 'true') c.push(sql`w.window_end < ${q.today} and w.status in ('open', 'scheduled', 'dispatched', 'suspended')`)
  if (q.skill) c.push(sql`w.required_skill = ${q.skill}`)
  if (q.area) {
    const area = q.area.trim()
    c.push(/^\d{1,5}$/.test(area) ? sql`l.postal_code like ${`${area}%`}` : sql`lower(l.city) like ${likeContains(area)}`)
  }
  if (q.technicianId) c.push(sql`w.technician_id = ${q.technicianId}`)
  if (q.customerId) c.push(sql`w.customer_id = ${q.customerId}`)
  if (q.agreementId) c.push(sql`w.agreement_id = ${q.agreementId}`)
  if (q.needsReschedule === 'true') c.push(sql`w.reschedule_reason is not null`)
  const where = sql.join(c, sql` and `)
  const [items, count] = await Promise.all([
    readVisits(db, toSummary, { where, page: { order: URGENT_FIRST, limit: q.limit, offset: q.offset } }),
    sql<{ n: number }>`select count(*)::int as n from ${VISITS} where ${where}`.execute(db),
  ])
  return { items, total: count.rows[0]!.n }
}

export async function loadVisit(db: Db, id: string): Promise<VisitDto> {
  const [r] = await readVisits(db, toDto, { where: sql`w.id = ${id}`, full: true })
  if (!r) throw notFound('visit', id)
  return r
}

/** A technician's visits with a slot in [from, to), in start order, in full. */
export async function technicianVisits(db: Db, o: { technicianId: string; from: Date; to: Date; statuses: SlotStatuses }): Promise<VisitDto[]> {
  return (await readVisits(db, toDto, { where: inRange(o), full: true })).sort(byStart)
}

/** The row a change works on, locked, with what the rules need. */
export async function lockVisitRow(tx: Db, id: string) {
  const w = await tx.selectFrom('workOrders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  if (!w) return undefined
  const a = w.agreementId ? await tx.selectFrom('agreements').select(['number', 'name', 'status']).where('id', '=', w.agreementId).executeTakeFirst() : undefined
  return { ...w, agreementNumber: a ? Number(a.number) : null, agreementName: a?.name ?? null, agreementStatus: a?.status ?? null }
}
export type LockedVisit = NonNullable<Awaited<ReturnType<typeof lockVisitRow>>>

/** The technician's other visits holding time around an interval: what a slot may overlap. */
export async function busyAround(db: Db, o: { technicianId: string; from: Date; to: Date; statuses: SlotStatuses; exclude: readonly string[] }) {
  let q = db
    .selectFrom('workOrders as w')
    .innerJoin('customers as c', 'c.id', 'w.customerId')
    .select(['w.id', 'w.scheduledStart', 'w.scheduledEnd', 'w.description', 'c.name as customerName'])
    .where('w.technicianId', '=', o.technicianId)
    .where('w.scheduledStart', '>=', new Date(o.from.getTime() - 86_400_000))
    .where('w.scheduledStart', '<', o.to)
    .where('w.status', 'in', [...o.statuses])
  if (o.exclude.length) q = q.where('w.id', 'not in', [...o.exclude])
  const rows = await q.execute()
  return rows.map((r) => ({ id: r.id, start: r.scheduledStart!.getTime(), end: r.scheduledEnd!.getTime(), label: `${r.customerName}: ${r.description}` }))
}

/** Visits holding time of the given technicians from `from` to `to` (by start), with where they are: what a suggestion plans around. */
export async function stopsInRange(db: Db, o: { technicianIds: readonly string[]; from: Date; to: Date; statuses: SlotStatuses; exclude: string }) {
  if (o.technicianIds.length === 0) return []
  const { rows } = await sql<{ stops: string }>`
    select coalesce(json_agg(s), '[]')::text as stops from (
      select w.id, w.technician_id as "technicianId", (extract(epoch from w.scheduled_start) * 1000)::float8 as start,
        (extract(epoch from w.scheduled_end) * 1000)::float8 as "end", l.latitude, l.longitude, l.postal_code as "postalCode"
      from work_orders w join customer_locations l on l.id = w.location_id
      where w.technician_id in (${sql.join([...o.technicianIds])}) and w.scheduled_start >= ${o.from} and w.scheduled_start < ${o.to}
        and w.status in (${sql.join([...o.statuses])}) and w.id <> ${o.exclude}) s`.execute(db)
  return JSON.parse(rows[0]!.stops) as { id: string; technicianId: string; start: number; end: number; latitude: number | null; longitude: number | null; postalCode: string }[]
}
