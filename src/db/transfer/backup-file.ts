import { once } from 'node:events'
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { TransferRefused } from './load-snapshot.ts'
import { BACKUP_FORMAT, type Manifest, type SnapshotSink } from './read-snapshot.ts'

/**
 * The backup file: gzip-compressed JSON lines, written from one snapshot (read-snapshot.ts).
 *   {"manifest": {...}}                    tables with row counts and checksums, sequences, migrations
 *   {"table": "customers", "columns": [...]}
 *   ["cus_01…", "Pat", null, …]            one line per row: each column's text, SQL null as null
 *   …
 *   {"end": true}                          absent when the file was cut short
 * The same format whichever database wrote it, and it loads into either (load-snapshot.ts).
 */

/** A sink that writes the backup format to `out` (a file, an HTTP response); `end()` closes it. */
export function backupWriter(out: Writable): SnapshotSink & { end(): Promise<void> } {
  const gz = createGzip({ level: 6 })
  gz.pipe(out)
  const write = async (text: string) => {
    if (!gz.write(text)) await once(gz, 'drain')
  }
  return {
    manifest: (m) => write(`${JSON.stringify({ manifest: m })}\n`),
    table: (table, columns) => write(`${JSON.stringify({ table, columns })}\n`),
    rows: (rows) => write(`${rows.join('\n')}\n`),
    end: async () => {
      gz.end(`${JSON.stringify({ end: true })}\n`)
      await finished(out)
    },
  }
}

/** Writes a backup to `path` through a temporary file, renamed into place only when complete. */
export async function writeBackupFile(path: string, produce: (sink: SnapshotSink) => Promise<Manifest>): Promise<Manifest> {
  const partial = `${path}.partial-${process.pid}`
  try {
    const writer = backupWriter(createWriteStream(partial, { mode: 0o600 }))
    const manifest = await produce(writer)
    await writer.end()
    renameSync(partial, path)
    return manifest
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
}

/** Reads a backup file into a sink (a loader), in batches of rows. */
export async function readBackupFile(path: string, sink: SnapshotSink): Promise<Manifest> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity })
  let manifest: Manifest | undefined
  let batch: string[] = []
  let ended = false
  const flush = async () => {
    if (batch.length > 0) await sink.rows(batch)
    batch = []
  }
  try {
    for await (const line of lines) {
      if (line.startsWith('[')) {
        if (!manifest) throw new TransferRefused(`${path} is not a Servicebook backup.`)
        batch.push(line)
        if (batch.length >= 2000) await flush()
        continue
      }
      if (line === '') continue
      const entry = parseEntry(line, path)
      await flush()
      if (entry.manifest) {
        if (entry.manifest.format !== BACKUP_FORMAT || entry.manifest.version !== 1) throw new TransferRefused(`${path} is not a Servicebook backup of a version this one reads.`)
        manifest = entry.manifest
        await sink.manifest(manifest)
      } else if (entry.table && manifest) await sink.table(entry.table, entry.columns ?? [])
      else if (entry.end) ended = true
      else throw new TransferRefused(`${path} is not a Servicebook backup.`)
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR')
      throw new TransferRefused(`${path} is not a Servicebook backup, or it is damaged (${(err as Error).message}).`)
    throw err
  }
  await flush()
  if (!manifest || !ended) throw new TransferRefused(`${path} is incomplete: it ends before the backup does. Nothing was restored.`)
  return manifest
}

function parseEntry(line: string, path: string): { manifest?: Manifest; table?: string; columns?: string[]; end?: boolean } {
  try {
    return JSON.parse(line) as { manifest?: Manifest; table?: string; columns?: string[]; end?: boolean }
  } catch {
    throw new TransferRefused(`${path} is not a Servicebook backup, or it is damaged.`)
  }
}
