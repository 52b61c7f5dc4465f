import { sql, type Kysely } from 'kysely'
import { migrateToLatest } from '../migrate.ts'
import { isTransactionId, quoteIdent, readForeignKeys, readTables, userRelations, type ForeignKey, type TableInfo } from './catalog.ts'
import { fixTextOutput, tableChecksum } from './checksum.ts'
import type { Manifest, SnapshotSink } from './read-snapshot.ts'

/**
 * Loads a snapshot (from another database or a backup file) into an EMPTY database, all in one
 * transaction on one pinned connection: refuse unless empty, apply our migrations, drop foreign
 * keys and switch off our triggers (the money ledger and the changes feed would otherwise write
 * twice), load every table, add the foreign keys back (which checks every reference), set each
 * sequence to its copied value (identity sequences at least past the copied maximum), then count
 * and checksum every table against the manifest. Any difference rolls everything back: the target
 * is either a verified copy or as empty as before.
 */

/** A refusal with a message meant for the person at the terminal (no stack trace). */
export class TransferRefused extends Error {}

export interface TableReport {
  name: string
  rows: number
  md5: string
}

export interface LoadOptions {
  onProgress?: (p: { table: string; loaded: number; total: number }) => void
}

export async function loadSnapshot(target: Kysely<any>, produce: (sink: SnapshotSink) => Promise<void>, opts: LoadOptions = {}): Promise<TableReport[]> {
  // NOTE: one connection for all of it; a pool could hand a later statement a fresh connection
  // outside the transaction. Kysely's migrator nests its own pinned connection inside this one.
  return target.connection().execute(async (conn) => {
    await sql`begin`.execute(conn)
    try {
      const loader = new Loader(conn, opts)
      await produce(loader)
      const report = await loader.finish()
      await sql`commit`.execute(conn)
      return report
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {})
      throw err
    }
  })
}

class Loader implements SnapshotSink {
  #manifest: Manifest | undefined
  #tables = new Map<string, TableInfo>()
  #foreignKeys: ForeignKey[] = []
  #insert: { table: string; head: string; loaded: number; total: number } | undefined

  readonly db: Kysely<any>
  readonly opts: LoadOptions
  constructor(db: Kysely<any>, opts: LoadOptions) {
    this.db = db
    this.opts = opts
  }

  async manifest(m: Manifest): Promise<void> {
    this.#manifest = m
    await fixTextOutput(this.db)
    await sql`select pg_advisory_xact_lock(hashtext('servicebook-load-snapshot'))`.execute(this.db)
    const existing = await userRelations(this.db)
    if (existing.count > 0)
      throw new TransferRefused(
        `The target database is not empty: it has ${existing.count} table(s) or other relations (${existing.names.join(', ')}${existing.count > existing.names.length ? ', …' : ''}). ` +
          'Nothing was written. Copy into an empty database: create one (createdb servicebook), or drop and re-create this one if its data is not needed.',
      )
    await migrateToLatest(this.db, { inTransaction: true })
    const migrations = (await sql<{ name: string }>`select name from schema_migrations order by name`.execute(this.db)).rows.map((r) => r.name)
    if (migrations.join() !== m.migrations.join())
      throw new TransferRefused(
        `The data comes from a schema with migrations ${m.migrations.at(-1) ?? 'none'} (${m.migrations.length}) but this version of Servicebook has ${migrations.length} (${differences(m.migrations, migrations)}). ` +
          'Load it with the version that wrote it, then upgrade.',
      )
    for (const t of await readTables(this.db)) this.#tables.set(t.name, t)
    const shape = (cols: { name: string; type: string }[]) => cols.map((c) => `${c.name} ${c.type}`).sort().join(', ')
    for (const t of m.tables) {
      const mine = this.#tables.get(t.name)
      if (!mine || shape(mine.columns) !== shape(t.columns)) throw new TransferRefused(`Table ${t.name} differs between the data and this schema (${mine ? `${shape(t.columns)} vs ${shape(mine.columns)}` : 'missing here'}).`)
    }
    const extra = [...this.#tables.keys()].filter((n) => !m.tables.some((t) => t.name === n))
    if (extra.length > 0) throw new TransferRefused(`Tables missing from the data: ${extra.join(', ')}.`)
    this.#foreignKeys = await readForeignKeys(this.db)
    for (const fk of this.#foreignKeys) await sql.raw(`alter table ${quoteIdent(fk.table)} drop constraint ${quoteIdent(fk.name)}`).execute(this.db)
    for (const name of this.#tables.keys()) await sql.raw(`alter table ${quoteIdent(name)} disable trigger user`).execute(this.db)
    // The rows migrations insert (settings singletons, migration history) are replaced by the copy's.
    await sql.raw(`truncate ${[...this.#tables.keys()].map(quoteIdent).join(', ')}`).execute(this.db)
  }

  async table(name: string, columns: string[]): Promise<void> {
    const t = this.#tables.get(name)
    if (!t) throw new TransferRefused(`Unknown table ${name} in the data.`)
    const stamped = t.columns.filter(isTransactionId)
    const values = columns.map((c, i) => `(j->>${i})::${t.columns.find((x) => x.name === c)!.type}`)
    const total = this.#manifest!.tables.find((x) => x.name === name)!.rows
    this.#insert = {
      table: name,
      loaded: 0,
      total,
      head:
        `insert into ${quoteIdent(name)} (${[...columns, ...stamped.map((c) => c.name)].map(quoteIdent).join(', ')}) overriding system value ` +
        `select ${[...values, ...stamped.map(() => 'pg_current_xact_id()')].join(', ')} from json_array_elements(`,
    }
    this.opts.onProgress?.({ table: name, loaded: 0, total })
  }

  async rows(rows: string[]): Promise<void> {
    const ins = this.#insert!
    await sql`${sql.raw(ins.head)}${`[${rows.join(',')}]`}::json) j`.execute(this.db)
    ins.loaded += rows.length
    this.opts.onProgress?.({ table: ins.table, loaded: ins.loaded, total: ins.total })
  }

  async finish(): Promise<TableReport[]> {
    const m = this.#manifest
    if (!m) throw new TransferRefused('The data ended before its manifest: nothing was loaded.')
    for (const fk of this.#foreignKeys) await sql.raw(`alter table ${quoteIdent(fk.table)} add constraint ${quoteIdent(fk.name)} ${fk.definition}`).execute(this.db)
    for (const name of this.#tables.keys()) await sql.raw(`alter table ${quoteIdent(name)} enable trigger user`).execute(this.db)
    for (const s of m.sequences) await sql`select setval(${quoteIdent(s.name)}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(this.db)
    for (const t of this.#tables.values())
      for (const c of t.columns.filter((c) => c.identity)) {
        const seq = (await sql<{ s: string }>`select pg_get_serial_sequence(${quoteIdent(t.name)}, ${c.name}) as s`.execute(this.db)).rows[0]!.s
        await sql
          .raw(
            `select setval('${seq}', m) from (select max(${quoteIdent(c.name)}) as m from ${quoteIdent(t.name)}) x, ${seq} q ` +
              'where m is not null and m >= case when q.is_called then q.last_value + 1 else q.last_value end',
          )
          .execute(this.db)
      }
    await sql`analyze`.execute(this.db)
    const report: TableReport[] = []
    const wrong: string[] = []
    for (const expected of m.tables) {
      const got = await tableChecksum(this.db, this.#tables.get(expected.name)!)
      if (got.rows !== expected.rows || got.md5 !== expected.md5) wrong.push(`${expected.name} (rows ${got.rows} of ${expected.rows}, checksum ${got.md5} vs ${expected.md5})`)
      report.push({ name: expected.name, ...got })
    }
    if (wrong.length > 0) throw new Error(`Verification failed, nothing was kept: ${wrong.join('; ')}`)
    return report
  }
}

function differences(a: string[], b: string[]): string {
  const missing = b.filter((x) => !a.includes(x))
  const unknown = a.filter((x) => !b.includes(x))
  return [missing.length ? `not in the data: ${missing.join(', ')}` : '', unknown.length ? `unknown here: ${unknown.join(', ')}` : ''].filter(Boolean).join('; ')
}
