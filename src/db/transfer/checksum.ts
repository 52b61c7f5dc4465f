import { sql, type Kysely } from 'kysely'
import { isTransactionId, quoteIdent, type TableInfo } from './catalog.ts'

export interface TableChecksum {
  rows: number
  md5: string
}

/**
 * Session settings that fix how values print as text, so a row's text (and its checksum) is the
 * same on PGlite (PostgreSQL 18) and PostgreSQL 15, and copied values read back exactly.
 */
export async function fixTextOutput(db: Kysely<any>): Promise<void> {
  for (const s of ["timezone = 'UTC'", "datestyle = 'ISO, MDY'", "intervalstyle = 'postgres'", 'extra_float_digits = 1', "bytea_output = 'hex'"])
    await sql.raw(`set local ${s}`).execute(db)
}

/**
 * A table's row count and checksum, computed the same way on both sides of a copy: the md5 of the
 * sorted md5s of each row's text, columns in name order (so column order within the table does not
 * matter), transaction-id columns left out. Sorting the row hashes (byte order) makes it
 * independent of physical order and collation; memory stays at 32 bytes a row on the server.
 */
export async function tableChecksum(db: Kysely<any>, table: TableInfo): Promise<TableChecksum> {
  const cols = table.columns
    .filter((c) => !isTransactionId(c))
    .map((c) => c.name)
    .sort()
    .map((c) => `t.${quoteIdent(c)}`)
  const { rows } = await sql<TableChecksum>`
    select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h collate "C"), '')) as md5
    from (select md5(row(${sql.raw(cols.join(', '))})::text) as h from ${sql.raw(quoteIdent(table.name))} t) s`.execute(db)
  return rows[0]!
}
