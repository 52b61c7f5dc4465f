import { z } from 'zod'
import { TIME_OF_DAY } from '../domain/automatic-billing.ts'

/**
 * The embedded database's daily backup (README → Backups): `BACKUP_DAILY_AT` ("HH:MM", company
 * time; unset = off), `BACKUP_DIR` (default DATA_DIR/backups), `BACKUP_KEEP` (files kept, default 7).
 * On PostgreSQL the server takes none: back PostgreSQL up with its own tools or `backup` from cron.
 */
const BackupEnv = z.object({
  BACKUP_DAILY_AT: z.string().regex(TIME_OF_DAY, 'must be a time of day, HH:MM (24-hour)').optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(3650).default(7),
})

export type BackupEnv = z.infer<typeof BackupEnv>

export function readBackupEnv(source: Record<string, string | undefined> = process.env): BackupEnv {
  const parsed = BackupEnv.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')))
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new Error(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`)
}
