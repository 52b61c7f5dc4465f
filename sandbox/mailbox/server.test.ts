/**
 * The local mail capture. Covered: SMTP in (with and without a login) → JSON out; the list and
 * message pages escape hostile subjects, addresses and text; the HTML part is served only to a
 * sandboxed iframe under a script-free CSP; attachments round-trip byte for byte with a safe
 * download header; messages kept in a folder survive a restart; waitFor; unknown ids are 404s.
 */
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { createSmtpMailer } from '../../src/integrations/email/smtp-mailer.ts'
import type { Mailer, MailMessage } from '../../src/ports/mailer.ts'
import { startMailbox, type CapturedMail, type RunningMailbox } from './server.ts'

let box: RunningMailbox
let mailer: Mailer
before(async () => {
  box = await startMailbox({ smtpPort: 0, httpPort: 0, host: '127.0.0.1', dir: null })
  mailer = createSmtpMailer({ url: box.smtpUrl })
})
after(async () => {
  await mailer.close()
  await box.close()
})
beforeEach(() => box.clear())

const HOSTILE = '<img src=x onerror=alert(1)>'
const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  from: '"Servicebook" <no-reply@servicebook.local>',
  to: 'ann@example.com',
  subject: 'Your quote',
  html: '<h1>Quote</h1><p>Total <b>$199.00</b></p>',
  text: 'Quote\nTotal $199.00',
  attachments: [],
  ...over,
})
const get = (path: string) => fetch(`${box.httpUrl}${path}`)

test('a message sent over SMTP comes back from the JSON API, newest first', async () => {
  await mailer.send(message({ subject: 'First' }))
  await mailer.send(message({ subject: 'Second', to: 'Bob@Example.com' }))
  const list = (await (await get('/api/messages')).json()) as { items: CapturedMail[] }
  assert.deepEqual(list.items.map((m) => m.subject), ['Second', 'First'])
  const [second] = list.items
  assert.deepEqual(second.to, ['bob@example.com'])
  assert.deepEqual(second.envelope, { from: 'no-reply@servicebook.local', to: ['bob@example.com'] })
  assert.equal(second.from, '"Servicebook" <no-reply@servicebook.local>')
  assert.equal(second.html, '<h1>Quote</h1><p>Total <b>$199.00</b></p>')
  assert.equal(second.text?.trim(), 'Quote\nTotal $199.00')
  const one = await get(`/api/messages/${second.id}`)
  assert.deepEqual(await one.json(), second)
  const raw = await (await get(`/api/messages/${second.id}/raw`)).text()
  assert.match(raw, /^Subject: Second$/m)
})

test('accepts a client that logs in (SMTP_URL with user:pass) over plain SMTP', async () => {
  const port = new URL(box.smtpUrl).port
  const withLogin = createSmtpMailer({ url: `smtp://someone:secret@127.0.0.1:${port}` })
  try {
    await withLogin.send(message({ subject: 'With login' }))
  } finally {
    await withLogin.close()
  }
  assert.equal((await box.waitFor((m) => m.subject === 'With login')).subject, 'With login')
})

test('the list and message pages escape a hostile subject, sender and text', async () => {
  await mailer.send(message({ subject: `Hi ${HOSTILE}`, from: `"${HOSTILE}" <x@example.com>`, text: `Plain ${HOSTILE}</pre><script>alert(2)</script>` }))
  const [mail] = await box.messages()
  const list = await get('/')
  assert.equal(list.status, 200)
  assert.match(list.headers.get('content-security-policy')!, /default-src 'none'/)
  assert.doesNotMatch(list.headers.get('content-security-policy')!, /script-src/)
  const listHtml = await list.text()
  assert.ok(!listHtml.includes('<img'), 'no raw tag in the list')
  assert.ok(listHtml.includes('Hi &#60;img src=x onerror=alert(1)&#62;'))

  for (const path of [`/messages/${mail.id}`, `/messages/${mail.id}?part=text`]) {
    const page = await (await get(path)).text()
    assert.ok(!page.includes('<img') && !page.includes('<script'), `no raw tags in ${path}`)
    assert.ok(page.includes('&#60;img src=x onerror=alert(1)&#62;'), path)
  }
  const textView = await (await get(`/messages/${mail.id}?part=text`)).text()
  assert.ok(textView.includes('&#60;/pre&#62;&#60;script&#62;alert(2)&#60;/script&#62;'))
})

test('the HTML part is shown only in a sandboxed iframe, itself served under a script-free sandbox CSP', async () => {
  await mailer.send(message({ html: '<p>Hello</p><script>alert(1)</script><img src=x onerror=alert(1)>' }))
  const [mail] = await box.messages()
  const page = await (await get(`/messages/${mail.id}`)).text()
  const iframe = page.match(/<iframe[^>]*>/)?.[0] ?? ''
  assert.match(iframe, /\ssandbox[\s>]/)
  assert.doesNotMatch(iframe, /allow-scripts|allow-same-origin/)
  assert.match(iframe, new RegExp(`src="/messages/${mail.id}/html"`))
  const part = await get(`/messages/${mail.id}/html`)
  assert.equal(part.status, 200)
  const csp = part.headers.get('content-security-policy')!
  assert.match(csp, /^sandbox;/)
  assert.match(csp, /default-src 'none'/)
  assert.doesNotMatch(csp, /script-src/)
})

test('attachments round-trip byte for byte and download with a safe name', async () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.3\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\n%%EOF\n')])
  const page = Buffer.from('<script>alert(1)</script>')
  await mailer.send(message({
    attachments: [
      { filename: 'Receipt "R-1".pdf', contentType: 'application/pdf', content: pdf },
      { filename: 'note.html', contentType: 'text/html', content: page },
    ],
  }))
  const [mail] = await box.messages()
  assert.deepEqual(mail.attachments, [
    { index: 0, filename: 'Receipt "R-1".pdf', contentType: 'application/pdf', size: pdf.length },
    { index: 1, filename: 'note.html', contentType: 'text/html', size: page.length },
  ])
  const res = await get(`/api/messages/${mail.id}/attachments/0`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'application/pdf')
  assert.equal(res.headers.get('content-disposition'), `attachment; filename="Receipt _R-1_.pdf"; filename*=UTF-8''Receipt%20%22R-1%22.pdf`)
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), pdf)
  const html = await get(`/api/messages/${mail.id}/attachments/1`)
  assert.equal(html.headers.get('content-type'), 'application/octet-stream', 'an HTML attachment is never served as a page')
  assert.equal((await get(`/api/messages/${mail.id}/attachments/2`)).status, 404)
  const view = await (await get(`/messages/${mail.id}`)).text()
  assert.ok(view.includes(`href="/api/messages/${mail.id}/attachments/0"`))
  assert.ok(view.includes('Receipt &#34;R-1&#34;.pdf'))
})

test('unknown or malformed ids are 404s', async () => {
  for (const path of ['/messages/nope', '/messages/..%2F..%2Fetc%2Fpasswd', '/api/messages/nope', '/api/messages/m00000000-00000000/raw', '/nowhere']) {
    assert.equal((await get(path)).status, 404, path)
  }
})

test('waitFor resolves with a mail that arrives later, and rejects naming what did arrive', async () => {
  const waiting = box.waitFor((m) => m.subject === 'Later')
  await mailer.send(message({ subject: 'Later' }))
  assert.equal((await waiting).subject, 'Later')
  await assert.rejects(box.waitFor((m) => m.subject === 'Never', 200), /No matching mail within 200 ms; received 1: ann@example.com: Later/)
})

test('with a folder, messages are kept as .eml + .json and survive a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mailbox-'))
  try {
    const first = await startMailbox({ smtpPort: 0, httpPort: 0, dir })
    const transport = nodemailer.createTransport({ url: first.smtpUrl })
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'Kept', text: 'kept', attachments: [{ filename: 'a.txt', content: 'abc' }] })
    transport.close()
    await first.close()
    assert.equal((await readdir(dir)).sort().map((n) => n.split('.').pop()).join(','), 'eml,json')

    const again = await startMailbox({ smtpPort: 0, httpPort: 0, dir })
    try {
      const [mail] = await again.messages()
      assert.equal(mail.subject, 'Kept')
      assert.equal((await again.attachment(mail.id, 0))?.content.toString(), 'abc')
      await again.clear()
      assert.deepEqual(await readdir(dir), [])
    } finally {
      await again.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
