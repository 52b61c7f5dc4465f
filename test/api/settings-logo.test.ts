import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { loginHeaders, startTestApp, type TestApp } from '../helpers/test-app.ts'
import { createCustomer, quoteBody } from '../helpers/quote-fixtures.ts'

let t: TestApp
let admin: Record<string, string>
before(async () => {
  t = await startTestApp()
  admin = await loginHeaders(t.app, await t.addUser('admin'))
})
after(() => t.close())

/** A real 2×2 red PNG, built by hand so the test needs no image file. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(2, 0)
  ihdr.writeUInt32BE(2, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const rows = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0])
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

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
