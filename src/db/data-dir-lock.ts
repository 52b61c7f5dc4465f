import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { isProcessRunning } from './process-liveness.ts'

/**
 * An exclusive lock on a PGlite data folder.
 *
 * NOTE: PGlite has no lock of its own: a second process opening the same
 * folder silently loses writes (stack-notes §1). We write our pid into
 * `servicebook.lock` with O_EXCL; a lock whose process is gone or a zombie
 * (e.g. just after a SIGKILL, before its parent has reaped it) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'servicebook.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessRunning(holder)) {
        throw new Error(
          `The data folder ${dataDir} is in use by another Servicebook process (pid ${holder}). ` +
            'Stop that process, or set DATA_DIR to another folder, or use DATABASE_URL for a shared PostgreSQL server.',
        )
      }
      rmSync(file, { force: true }) // stale lock from a process that is gone
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`)
}
