import { sql, type Kysely } from 'kysely'

/**
 * What a database copy needs to know about the schema, read from PostgreSQL's catalog (the same
 * queries on PGlite and PostgreSQL): the tables of the `public` schema with their columns and
 * primary keys, the sequences, and the foreign keys (dropped while rows are loaded, added back
 * after, which checks every reference).
 */

export interface ColumnInfo {
  name: string
  /** As `format_type` spells it: `timestamp with time zone`, `integer[]`. */
  type: string
  /** A stored generated column: recomputed by the target, never copied. */
  generated: boolean
  /** An identity column: its sequence is set past the copied maximum. */
  identity: boolean
}

export interface TableInfo {
  name: string
  columns: ColumnInfo[]
}

export interface ForeignKey {
  table: string
  name: string
  definition: string
}

export interface SequenceValue {
  name: string
  /** bigint as text. */
  lastValue: string
  isCalled: boolean
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * NOTE: `xid8` columns hold the writing server's transaction ids (the scheduling changes feed's
 * cursor). They mean nothing on another server, so a copy stamps them with its own transaction's
 * id and checksums leave them out; clients holding an old cursor are told to reload.
 */
export const isTransactionId = (c: ColumnInfo) => c.type === 'xid8'

export async function readTables(db: Kysely<any>): Promise<TableInfo[]> {
  const { rows } = await sql<{ table: string; column: string; type: string; generated: string; identity: string }>`
    select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated as generated, a.attidentity as identity
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by c.relname, a.attnum`.execute(db)
  const tables = new Map<string, TableInfo>()
  for (const r of rows) {
    const t = tables.get(r.table) ?? { name: r.table, columns: [] }
    t.columns.push({ name: r.column, type: r.type, generated: r.generated !== '', identity: r.identity !== '' })
    tables.set(r.table, t)
  }
  return [...tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function readForeignKeys(db: Kysely<any>): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype = 'f'
    order by c.relname, k.conname`.execute(db)
  return rows
}

export async function readSequences(db: Kysely<any>): Promise<SequenceValue[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(db)
  const values: SequenceValue[] = []
  for (const { name } of rows) {
    const r = await sql<{ lastValue: string; isCalled: boolean }>`select last_value::text as "lastValue", is_called as "isCalled" from ${sql.raw(quoteIdent(name))}`.execute(db)
    values.push({ name, ...r.rows[0]! })
  }
  return values
}

/** Up to five relations outside PostgreSQL's own schemas: none means the database is empty. */
export async function userRelations(db: Kysely<any>): Promise<{ names: string[]; count: number }> {
  const { rows } = await sql<{ name: string; count: number }>`
    select n.nspname || '.' || c.relname as name, (count(*) over ())::int as count
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
    order by 1 limit 5`.execute(db)
  return { names: rows.map((r) => r.name), count: rows[0]?.count ?? 0 }
}
