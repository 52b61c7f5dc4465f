import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { DatabaseHandle } from '../../src/db/database.ts'
import { bootstrapAdmin } from '../../src/services/auth/bootstrap-admin.ts'
import type { ServiceDeps } from '../../src/services/deps.ts'
import { createTestDatabase } from '../helpers/test-db.ts'

let database: DatabaseHandle
before(async () => {
  database = await createTestDatabase()
})
after(async () => {
  await database.close()
})

// Two servers started together on one empty PostgreSQL both found no user and both created the
// first admin: the second died with "duplicate key value violates unique constraint users_email_key".
test('servers starting at once on an empty database create one first admin, and none of them fails', async () => {
  const deps = { db: database.db, clock: { now: () => new Date() } } as unknown as ServiceDeps
  const given = { email: 'admin@together.test', password: 'a long admin password' }
  const results = await Promise.allSettled([bootstrapAdmin(deps, given), bootstrapAdmin(deps, given), bootstrapAdmin(deps, given)])
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled'], JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))))
  const created = results.filter((r) => r.status === 'fulfilled' && r.value.created)
  assert.equal(created.length, 1)
  const users = await database.db.selectFrom('users').select(['email', 'role']).execute()
  assert.deepEqual(users, [{ email: 'admin@together.test', role: 'admin' }])
  assert.deepEqual(await bootstrapAdmin(deps, given), { created: false })
})
