/**
 * The outbox against a real SMTP server that refuses (the local capture, sandbox/mailbox), not a
 * scripted mailer: a message the server refuses as too large (final at once), a TLS handshake that
 * fails (smtps:// to a plain server), a refused login, and an attachment renderer that throws. Each keeps the mail with the
 * server's or renderer's own error, sends nothing broken, and the mail goes out once fixed.
 */
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { startMailbox, type RunningMailbox } from '../../../sandbox/mailbox/server.ts'
import { createSmtpMailer } from '../../integrations/email/smtp-mailer.ts'
import { startTestApp, type TestApp } from '../../../test/helpers/test-app.ts'
import { deliverDueEmails, enqueueEmail, type OutboxEmail } from './outbox.ts'

const FROM = '"Servicebook" <no-reply@servicebook.local>'
let t: TestApp
let box: RunningMailbox
let now: Date
const clock = { now: () => now }

before(async () => {
  t = await startTestApp({ clock })
  // A real SMTP server that takes messages up to 20 kB.
  box = await startMailbox({ smtpPort: 0, httpPort: 0, dir: null, maxMessageBytes: 20_000 })
})
after(async () => {
  await box.close()
  await t.close()
})
beforeEach(async () => {
  now = new Date('2026-03-02T15:00:00Z')
  await t.deps.db.deleteFrom('emailOutbox').execute()
  await t.deps.db.deleteFrom('notifications').execute()
  await box.clear()
})

const email = (over: Partial<OutboxEmail> = {}): OutboxEmail => ({ kind: 'test.mail', to: 'ann@example.com', subject: 'Your receipt', html: '<p>Thank you.</p>', text: 'Thank you.', ...over })
const rows = () => t.deps.db.selectFrom('emailOutbox').select(['status', 'attempts', 'lastError']).orderBy('id').execute()

test('the SMTP server refuses a message as too large: it fails at once with the refusal and the office is told; nothing is captured; a smaller one goes through', async () => {
  const mailer = createSmtpMailer({ url: box.smtpUrl })
  try {
    await enqueueEmail(t.deps.db, email({ subject: 'Too large', attachments: [{ filename: 'big.pdf', contentType: 'application/pdf', content: Buffer.alloc(60_000, 7) }] }))
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 1 })
    const [row] = await rows()
    assert.match(row!.lastError ?? '', /552/, 'the server’s own reply')
    assert.equal(row!.status, 'failed', 'a permanent (5xx) refusal of the message is final: the same message would be refused again')
    assert.equal(row!.attempts, 1)
    const told = await t.deps.db.selectFrom('notifications').select(['kind', 'body']).execute()
    assert.deepEqual(told.map((n) => n.kind), ['email.failed'])
    assert.match(told[0]!.body, /552/)
    assert.equal((await box.messages()).length, 0)

    await enqueueEmail(t.deps.db, email({ subject: 'Small enough' }))
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 1, failed: 0 })
    assert.deepEqual((await box.messages()).map((m) => m.subject), ['Small enough'])
  } finally {
    await mailer.close()
  }
})

test('a TLS handshake that fails (smtps:// to a server without TLS) leaves the mail pending for a retry, with the error', async () => {
  const tls = createSmtpMailer({ url: box.smtpUrl.replace('smtp://', 'smtps://') })
  try {
    await enqueueEmail(t.deps.db, email())
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: tls, from: FROM }), { sent: 0, failed: 1 })
    const [row] = await rows()
    assert.equal(row!.status, 'pending')
    assert.equal(row!.attempts, 1)
    assert.match(row!.lastError ?? '', /ssl|tls|wrong version|ESOCKET|ETLS/i)
    assert.equal((await box.messages()).length, 0)
  } finally {
    await tls.close()
  }
  // Configuration fixed: the retry goes out once.
  const plain = createSmtpMailer({ url: box.smtpUrl })
  try {
    now = new Date(now.getTime() + 60_000)
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: plain, from: FROM }), { sent: 1, failed: 0 })
    assert.equal((await box.messages()).length, 1)
  } finally {
    await plain.close()
  }
})

test('a refused login (535) keeps the mail pending with the server’s reply; with the right password it goes out once', async () => {
  const locked = await startMailbox({ smtpPort: 0, httpPort: 0, dir: null, login: { user: 'office', pass: 'right' } })
  const url = (pass: string) => locked.smtpUrl.replace('smtp://', `smtp://office:${pass}@`)
  const wrong = createSmtpMailer({ url: url('wrong') })
  const right = createSmtpMailer({ url: url('right') })
  try {
    await enqueueEmail(t.deps.db, email())
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: wrong, from: FROM }), { sent: 0, failed: 1 })
    const [row] = await rows()
    assert.equal(row!.status, 'pending', 'a login problem is the configuration’s: retried, not failed')
    assert.match(row!.lastError ?? '', /EAUTH.*535/)
    assert.equal((await locked.messages()).length, 0)
    assert.deepEqual(await t.deps.db.selectFrom('notifications').select('kind').execute(), [])

    now = new Date(now.getTime() + 60_000)
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: right, from: FROM }), { sent: 1, failed: 0 })
    assert.deepEqual((await locked.messages()).map((m) => m.subject), ['Your receipt'])
  } finally {
    await wrong.close()
    await right.close()
    await locked.close()
  }
})

test('an attachment renderer that throws: nothing half-made is sent; the mail is retried and goes out with its attachment', async () => {
  const mailer = createSmtpMailer({ url: box.smtpUrl })
  try {
    await enqueueEmail(t.deps.db, email({ subject: 'Receipt with PDF', attachments: [{ filename: 'receipt.pdf', contentType: 'application/pdf', renderer: 'receipt', params: { id: 'pay_1' } }] }))
    const broken = { receipt: async () => Promise.reject(new Error('font file missing')) }
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM, renderers: broken }), { sent: 0, failed: 1 })
    const [row] = await rows()
    assert.equal(row!.status, 'pending')
    assert.match(row!.lastError ?? '', /font file missing/)
    assert.equal((await box.messages()).length, 0, 'no mail without its attachment')

    now = new Date(now.getTime() + 60_000)
    const working = { receipt: async (_db: unknown, p: Record<string, string | number | null>) => Buffer.from(`%PDF-1.4 receipt ${p.id}`) }
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM, renderers: working }), { sent: 1, failed: 0 })
    const got = await box.waitFor((m) => m.subject === 'Receipt with PDF')
    const pdf = await box.attachment(got.id, 0)
    assert.match(String(pdf?.content ?? ''), /%PDF-1\.4 receipt pay_1/)
  } finally {
    await mailer.close()
  }
})
