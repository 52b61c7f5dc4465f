import { sql, type Kysely } from 'kysely'
import { isTransactionId, quoteIdent, readSequences, readTables, type SequenceValue } from './catalog.ts'
import { fixTextOutput, tableChecksum } from './checksum.ts'

/**
 * Reads a whole database as one consistent snapshot: a repeatable-read, read-only transaction in
 * which the manifest (tables, row counts, checksums, sequences, migrations) is taken first and every
 * row after, so the rows are exactly what the manifest describes, whatever commits meanwhile.
 *
 * Rows travel as JSON arrays of each column's text (SQL null as null): every value goes through its
 * type's own text output and input, as with COPY, so nothing is lost between PGlite and PostgreSQL.
 * Generated and transaction-id columns are not carried (the target makes its own).
 *
 * NOTE: on PostgreSQL the snapshot does not block writers. PGlite has one connection, so the
 * snapshot holds it: other queries of the same process wait until the read is done.
 */

export const BACKUP_FORMAT = 'servicebook-backup'

export interface Manifest {
  format: typeof BACKUP_FORMAT
  version: 1
  createdAt: string
  source: 'pglite' | 'postgres'
  serverVersion: string
  migrations: string[]
  tables: { name: string; columns: { name: string; type: string }[]; rows: number; md5: string }[]
  sequences: SequenceValue[]
}

/** What a reader hands to a writer, in this order: the manifest, then per table its columns and rows. */
export interface SnapshotSink {
  manifest(m: Manifest): Promise<void>
  table(name: string, columns: string[]): Promise<void>
  /** Each row: a JSON array text of the column values' text. */
  rows(rows: string[]): Promise<void>
}

const BATCH = 2000

export async function readSnapshot(db: Kysely<any>, source: Manifest['source'], sink: SnapshotSink): Promise<Manifest> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      await fixTextOutput(tx)
      const tables = await readTables(tx)
      const manifest: Manifest = {
        format: BACKUP_FORMAT,
        version: 1,
        createdAt: new Date().toISOString(),
        source,
        serverVersion: (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(tx)).rows[0]!.v,
        migrations: (await sql<{ name: string }>`select name from schema_migrations order by name`.execute(tx)).rows.map((r) => r.name),
        tables: [],
        sequences: await readSequences(tx),
      }
      for (const t of tables) {
        const sum = await tableChecksum(tx, t)
        manifest.tables.push({ name: t.name, columns: t.columns.map(({ name, type }) => ({ name, type })), ...sum })
      }
      await sink.manifest(manifest)
      for (const t of tables) {
        const columns = t.columns.filter((c) => !c.generated && !isTransactionId(c)).map((c) => c.name)
        await sink.table(t.name, columns)
        // A cursor in the snapshot's transaction: batches without holding a table in memory.
        const cursor = `sb_copy_${t.name}`
        const list = columns.map((c) => `t.${quoteIdent(c)}::text`).join(', ')
        await sql.raw(`declare ${quoteIdent(cursor)} no scroll cursor for select to_json(array[${list}]::text[])::text as j from ${quoteIdent(t.name)} t`).execute(tx)
        for (;;) {
          const { rows } = await sql.raw<{ j: string }>(`fetch ${BATCH} from ${quoteIdent(cursor)}`).execute(tx)
          if (rows.length > 0) await sink.rows(rows.map((r) => r.j))
          if (rows.length < BATCH) break
        }
        await sql.raw(`close ${quoteIdent(cursor)}`).execute(tx)
      }
      return manifest
    })
}
