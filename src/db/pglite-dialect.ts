import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * The slice of a PGlite instance this dialect needs.
 *
 * NOTE: we do not use the published `kysely-pglite` dialect: it shares PGlite's
 * single connection without a lock, so a query issued while another
 * transaction is open runs inside that transaction and is rolled back with it
 * (measured, see shared/reference/stack-notes.md §1). This dialect hands the
 * connection to one user at a time; `pglite-dialect.test.ts` proves it.
 */
export interface PGliteLike {
  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'object' }): Promise<{
    rows: T[]
    affectedRows?: number
  }>
  close(): Promise<void>
}

class PGliteConnection implements DatabaseConnection {
  readonly #db: PGliteLike
  constructor(db: PGliteLike) {
    this.#db = db
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#db.query<R>(compiled.sql, [...compiled.parameters], { rowMode: 'object' })
    const isWrite = /^\s*(insert|update|delete|merge|with)/i.test(compiled.sql)
    return {
      rows: result.rows,
      ...(isWrite && result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    // NOTE: PGlite has no server-side cursor over its single connection; stream in chunks of
    // an already-materialised result. Large scans should page with keyset queries instead.
    const { rows } = await this.executeQuery<R>(compiled)
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) }
  }
}

class PGliteDriver implements Driver {
  readonly #db: PGliteLike
  readonly #connection: PGliteConnection
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  constructor(db: PGliteLike) {
    this.#db = db
    this.#connection = new PGliteConnection(db)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // Chain on the previous holder's release: one user of the single connection at a time.
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.#release = release
    return this.#connection
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const mode = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await conn.executeQuery(CompiledQuery.raw(`begin${mode}`))
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  async destroy(): Promise<void> {
    await this.#queue
    await this.#db.close()
  }
}

/** A Kysely dialect over one PGlite instance. */
export class PGliteDialect implements Dialect {
  readonly #db: PGliteLike
  constructor(db: PGliteLike) {
    this.#db = db
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#db)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createAdapter() {
    return new PostgresAdapter()
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db)
  }
}
