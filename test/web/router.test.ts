import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matchPath, withQuery } from '../../web/src/router.tsx'

test('route patterns match whole paths and decode their parameters', () => {
  assert.deepEqual(matchPath('/customers', '/customers'), {})
  assert.deepEqual(matchPath('/customers/', '/customers'), {})
  assert.deepEqual(matchPath('/customers/:id', '/customers/cus_01h'), { id: 'cus_01h' })
  assert.deepEqual(matchPath('/customers/:id/edit', '/customers/a%20b/edit'), { id: 'a b' })
  assert.equal(matchPath('/customers/:id', '/customers'), null)
  assert.equal(matchPath('/customers/:id', '/customers/x/edit'), null)
  assert.equal(matchPath('/plans/new', '/plans/pln_1'), null)
  assert.deepEqual(matchPath('/', '/'), {})
})

test('query strings leave out empty, false and undefined values', () => {
  assert.equal(withQuery('/customers', { q: '', archived: false, page: undefined }), '/customers')
  assert.equal(withQuery('/customers', { q: 'smith & co', archived: true, page: 2 }), '/customers?q=smith+%26+co&archived=true&page=2')
})
