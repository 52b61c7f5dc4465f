import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer, quoteBody } from '../helpers/quote-fixtures.ts'
import { tinyPng } from '../helpers/tiny-png.ts'

let t: TestApp
let admin: Record<string, string>
before(async () => {
  t = await startTestApp()
  admin = await loginHeaders(t.app, await t.addUser('admin'))
})
after(() => t.close())

test('an admin sets a logo: served back, drawn on quote PDFs, removable; bad images are refused by field', async () => {
  const png = tinyPng()
  const bad = [
    'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
    'not a data url',
    `data:image/png;base64,${Buffer.from('plain text pretending').toString('base64')}`,
    `data:image/jpeg;base64,${png.toString('base64')}`,
  ]
  for (const dataUrl of bad) {
    const res = await t.app.inject({ method: 'PUT', url: '/api/settings/logo', headers: admin, payload: { dataUrl } })
    assert.equal(res.statusCode, 422, dataUrl.slice(0, 30))
    assert.ok(res.json().error.details.fields.dataUrl)
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/settings/logo', headers: admin })).statusCode, 404)

  const set = await t.app.inject({ method: 'PUT', url: '/api/settings/logo', headers: admin, payload: { dataUrl: `data:image/png;base64,${png.toString('base64')}` } })
  assert.equal(set.statusCode, 200, set.body)
  assert.equal(set.json().hasLogo, true)
  const got = await t.app.inject({ method: 'GET', url: '/api/settings/logo', headers: admin })
  assert.equal(got.headers['content-type'], 'image/png')
  assert.deepEqual(got.rawPayload, png)

  const customer = await createCustomer(t.app, admin, 'Logo Customer', 'logo@example.com')
  const quote = (await t.app.inject({ method: 'POST', url: '/api/quotes', headers: admin, payload: quoteBody(customer) })).json()
  const pdfWith = await t.app.inject({ method: 'GET', url: `/api/quotes/${quote.id}/pdf`, headers: admin })
  assert.equal(pdfWith.statusCode, 200)
  assert.match(pdfWith.rawPayload.toString('latin1'), /\/Subtype \/Image/)

  const removed = await t.app.inject({ method: 'DELETE', url: '/api/settings/logo', headers: admin })
  assert.equal(removed.json().hasLogo, false)
  const pdfWithout = await t.app.inject({ method: 'GET', url: `/api/quotes/${quote.id}/pdf`, headers: admin })
  assert.doesNotMatch(pdfWithout.rawPayload.toString('latin1'), /\/Subtype \/Image/)
})
