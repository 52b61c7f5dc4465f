import { Migrator, type Kysely } from 'kysely'
import { migrations } from './migrations/index.ts'

/**
 * Applies every pending migration; throws with the failing migration's name. `inTransaction`: the
 * caller has opened a transaction on this (pinned) connection and the migrations join it.
 */
export async function migrateToLatest(db: Kysely<any>, opts: { inTransaction?: boolean } = {}): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // NOTE: numbers are handed out per issue and land in any order (0012 and 0013 before 0011), so a
    // database that ran a later number still takes an earlier one; each migration stands alone.
    allowUnorderedMigrations: true,
    disableTransactions: opts.inTransaction ?? false,
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error).message ?? error)}`)
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
