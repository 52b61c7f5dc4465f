import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The sandbox's books: a key → value map kept in memory and journaled to one JSON-lines
 * file. Every change appends one line (synchronously, before the answer is sent), so a
 * restart replays the file and a write is stored before its response can be lost. The file
 * is compacted (rewritten atomically) on start and close when it holds many stale lines.
 * With no file everything lives in memory.
 *
 * Keys: `company/<realm>`, `entity/<realm>/<Type>/<Id>`, `token/<value>`, `reqid/<realm>/<id>`.
 */
export class Store {
  readonly #file: string | null
  readonly #values = new Map<string, unknown>()
  /** entity/<realm>/<Type> → Id → object, for queries (kept in Id order of creation). */
  readonly #entities = new Map<string, Map<string, Record<string, unknown>>>()
  #lines = 0

  constructor(file: string | null) {
    this.#file = file
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue
        let record: { k: string; v: unknown }
        try {
          record = JSON.parse(line) as { k: string; v: unknown }
        } catch {
          continue // a line torn by a crash mid-append: the write never completed
        }
        this.#apply(record.k, record.v)
        this.#lines += 1
      }
      this.compact()
    }
  }

  get(key: string): unknown {
    return this.#values.get(key)
  }

  /** Stores `value` (null deletes) and journals it before returning. */
  put(key: string, value: unknown): void {
    this.#apply(key, value)
    if (!this.#file) return
    if (this.#lines === 0) mkdirSync(dirname(this.#file), { recursive: true })
    appendFileSync(this.#file, `${JSON.stringify({ k: key, v: value })}\n`)
    this.#lines += 1
  }

  keys(prefix: string): string[] {
    return [...this.#values.keys()].filter((k) => k.startsWith(prefix))
  }

  /** Live objects of one entity type in one company, by Id. */
  entities(realm: string, type: string): Map<string, Record<string, unknown>> {
    return this.#entities.get(`entity/${realm}/${type}`) ?? new Map()
  }

  /** Rewrites the journal with only live values when stale lines dominate. */
  compact(force = false): void {
    if (!this.#file || (!force && this.#lines <= 2 * this.#values.size + 1000)) return
    mkdirSync(dirname(this.#file), { recursive: true })
    const tmp = `${this.#file}.${process.pid}.tmp`
    writeFileSync(tmp, [...this.#values].map(([k, v]) => `${JSON.stringify({ k, v })}\n`).join(''))
    renameSync(tmp, this.#file)
    this.#lines = this.#values.size
  }

  #apply(key: string, value: unknown): void {
    if (value === null || value === undefined) this.#values.delete(key)
    else this.#values.set(key, value)
    if (!key.startsWith('entity/')) return
    const cut = key.lastIndexOf('/')
    const group = key.slice(0, cut)
    const id = key.slice(cut + 1)
    let map = this.#entities.get(group)
    if (!map) this.#entities.set(group, (map = new Map()))
    if (value === null || value === undefined) map.delete(id)
    else map.set(id, value as Record<string, unknown>)
  }
}
