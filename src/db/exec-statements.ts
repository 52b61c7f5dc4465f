import { sql, type Kysely } from 'kysely'

/**
 * Runs a block of SQL one statement at a time (PGlite's extended protocol takes one statement per query).
 * Statements end with `;` at the end of a line; do not use dollar-quoted bodies containing that.
 */
export async function execStatements(db: Kysely<unknown>, block: string): Promise<void> {
  const statements = block
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  for (const statement of statements) await sql.raw(statement).execute(db)
}
