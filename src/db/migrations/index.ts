import type { Migration } from 'kysely'
import * as m0001 from './0001-platform.ts'
import * as m0002 from './0002-agreements.ts'

/**
 * Forward-only, numbered migrations. Append new ones; never edit or reorder an applied one.
 * SQL must run on PostgreSQL 15 (Debian) as well as PGlite (PostgreSQL 18).
 */
export const migrations: Record<string, Migration> = {
  '0001-platform': m0001,
  '0002-agreements': m0002,
}
