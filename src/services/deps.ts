import type { Db } from '../db/database.ts'
import type { Clock } from '../ports/clock.ts'

/** What every use case may need; built once in `main.ts` (the composition root). */
export interface ServiceDeps {
  db: Db
  clock: Clock
}

/** Who is acting, for the audit trail. `null` for the system itself. */
export type ActorId = string | null
