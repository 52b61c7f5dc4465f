/**
 * The outbox against a real SMTP server that refuses (the local capture, sandbox/mailbox), not a
 * scripted mailer: a message the server refuses as too large, a TLS handshake that fails (smtps://
 * to a plain server), and an attachment renderer that throws. Each keeps the mail with the
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

test('the SMTP server refuses a message as too large: the refusal is kept, nothing is captured, a smaller one goes through', async () => {
  const mailer = createSmtpMailer({ url: box.smtpUrl })
  try {
    await enqueueEmail(t.deps.db, email({ subject: 'Too large', attachments: [{ filename: 'big.pdf', contentType: 'application/pdf', content: Buffer.alloc(60_000, 7) }] }))
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 1 })
    const [row] = await rows()
    assert.match(row!.lastError ?? '', /552/, 'the server’s own reply')
    assert.equal(row!.status, 'pending', 'a DATA refusal is retried (only a refused recipient is final)')
    assert.equal(row!.attempts, 1)
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
