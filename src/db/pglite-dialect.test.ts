import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { openDatabase } from './database.ts'

test('a query issued while another transaction is open waits for it instead of joining it', async () => {
  const handle = await openDatabase({ kind: 'pglite' })
  const { db } = handle
  try {
    await sql`create table t (v int)`.execute(db)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const trx = db.transaction().execute(async (tx) => {
      await sql`insert into t values (1)`.execute(tx)
      await gate
      throw new Error('roll back')
    })
    // Issued while the transaction above is open: it must not be rolled back with it.
    const outside = sql`insert into t values (2)`.execute(db)
    release()
    await assert.rejects(trx, /roll back/)
    await outside
    const { rows } = await sql<{ v: number }>`select v from t order by v`.execute(db)
    assert.deepEqual(
      rows.map((r) => r.v),
      [2],
    )
  } finally {
    await handle.close()
  }
})

test('reports affected rows of updates', async () => {
  const handle = await openDatabase({ kind: 'pglite' })
  try {
    await sql`create table t (v int)`.execute(handle.db)
    await sql`insert into t values (1), (2), (3)`.execute(handle.db)
    const result = await sql`update t set v = v + 1 where v > 1`.execute(handle.db)
    assert.equal(result.numAffectedRows, 2n)
  } finally {
    await handle.close()
  }
})

test('PGlite takes its page cache size from the setting; 128 MB by default', async () => {
  for (const [mb, expected] of [[undefined, '128MB'], [32, '32MB']] as const) {
    const handle = await openDatabase({ kind: 'pglite', ...(mb ? { sharedBuffersMb: mb } : {}) })
    try {
      const { rows } = await sql<{ sharedBuffers: string }>`show shared_buffers`.execute(handle.db)
      assert.equal(rows[0]!.sharedBuffers, expected)
    } finally {
      await handle.close()
    }
  }
})
