/**
 * The email outbox. Covered: queuing in a rolled-back transaction sends nothing; bad input is
 * refused before anything is stored; delivery over real SMTP to the capture (HTML, text, PDF
 * attachment, From); retries on the documented backoff with a fixed clock; `failed` after
 * MAX_ATTEMPTS and at once on a permanent refusal, telling the office once; two concurrent deliveries send each mail
 * once; a worker that died mid-send is covered by the lease; the worker's kick; no bodies or
 * addresses in logs; the office routes (list, filter, paginate, retry) and GET /api/system.
 */
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Mailer, MailMessage } from '../../ports/mailer.ts'
import { loginHeaders, startTestApp, type TestApp } from '../../../test/helpers/test-app.ts'
import { startMailCapture, type MailCapture } from '../../../test/helpers/mail-capture.ts'
import {
  CLAIM_LEASE_MS,
  deliverDueEmails,
  enqueueEmail,
  listOutbox,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  retryDelayMs,
  type OutboxEmail,
} from './outbox.ts'
import { startOutboxWorker } from './outbox-worker.ts'

const FROM = '"Servicebook" <no-reply@servicebook.local>'
let t: TestApp
let capture: MailCapture
let now: Date
const clock = { now: () => now }

before(async () => {
  t = await startTestApp({ clock })
  capture = await startMailCapture()
})
after(async () => {
  await capture.close()
  await t.close()
})
beforeEach(async () => {
  now = new Date('2026-03-02T15:00:00Z')
  await t.deps.db.deleteFrom('emailOutbox').execute()
  await t.deps.db.deleteFrom('notifications').execute()
  await capture.clear()
})

const email = (over: Partial<OutboxEmail> = {}): OutboxEmail => ({
  kind: 'test.mail',
  to: 'ann@example.com',
  subject: 'Your quote Q-1001',
  html: '<p>Hello Ann, your <b>quote</b> is ready.</p>',
  text: 'Hello Ann, your quote is ready.',
  ...over,
})

const rows = () => t.deps.db.selectFrom('emailOutbox').selectAll().orderBy('id').execute()
const notifications = () => t.deps.db.selectFrom('notifications').select(['kind', 'title', 'body']).execute()
const minutes = (n: number) => new Date(now.getTime() + n * 60_000)

/** A mailer that records what it was given and fails while `failWith` is set. */
function scriptedMailer() {
  const sent: MailMessage[] = []
  const state: { failWith: unknown } = { failWith: null }
  const mailer: Mailer = {
    async send(msg) {
      await new Promise((r) => setImmediate(r)) // let a concurrent caller interleave
      if (state.failWith) throw state.failWith
      sent.push(msg)
      return { messageId: `<${sent.length}@test>` }
    },
    async close() {},
  }
  return { mailer, sent, state }
}

test('an email queued in a transaction that rolls back is never stored or sent', async () => {
  await assert.rejects(
    t.deps.db.transaction().execute(async (tx) => {
      await enqueueEmail(tx, email())
      throw new Error('the change failed')
    }),
    /the change failed/,
  )
  assert.deepEqual(await rows(), [])
  const { mailer, sent } = scriptedMailer()
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 0 })
  assert.equal(sent.length, 0)
})

test('bad input is refused naming the field, and nothing is stored', async () => {
  await assert.rejects(enqueueEmail(t.deps.db, email({ to: 'ann@example.com\r\nBcc: all@example.com' })), (err: { details: { fields: Record<string, string> } }) => {
    assert.ok(err.details.fields.to)
    return true
  })
  await assert.rejects(enqueueEmail(t.deps.db, email({ subject: 'Hi\nBcc: x@example.com' })), (err: { details: { fields: Record<string, string> } }) => {
    assert.ok(err.details.fields.subject)
    return true
  })
  await assert.rejects(enqueueEmail(t.deps.db, email({ text: '' })), /cannot be queued/)
  assert.deepEqual(await rows(), [])
})

test('delivers over SMTP to the capture: HTML and text parts, PDF attachment, From, and marks it sent', async () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.3\n'), Buffer.from([0, 1, 2, 250, 251, 252]), Buffer.from('\n%%EOF')])
  const id = await enqueueEmail(t.deps.db, email({
    subject: 'Ihr Angebot – Q-1001 ✓',
    attachments: [{ filename: 'Quote Q-1001.pdf', contentType: 'application/pdf', content: pdf }],
    relatedType: 'quote',
    relatedId: 'quo_1',
  }))
  assert.match(id, /^eml_/)
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: capture.mailer, from: FROM }), { sent: 1, failed: 0 })

  const got = await capture.waitFor({ to: 'ann@example.com', subject: 'Q-1001' })
  assert.equal(got.subject, 'Ihr Angebot – Q-1001 ✓')
  // Sent as the company (its name from settings, a fresh database's "Your Company") at MAIL_FROM's address.
  assert.equal(got.from, '"Your Company" <no-reply@servicebook.local>')
  assert.equal(got.html, '<p>Hello Ann, your <b>quote</b> is ready.</p>')
  assert.equal(got.text?.trim(), 'Hello Ann, your quote is ready.')
  assert.deepEqual(got.attachments.map((a) => [a.filename, a.contentType]), [['Quote Q-1001.pdf', 'application/pdf']])
  assert.equal(got.messageId, `<${id}@servicebook.local>`, 'the Message-ID is the outbox id at the sending domain')
  assert.deepEqual((await capture.attachment(got)).content, pdf)

  const [row] = await rows()
  assert.equal(row.status, 'sent')
  assert.equal(row.attempts, 1)
  assert.equal(row.lastError, null)
  assert.equal(new Date(row.sentAt!).toISOString(), now.toISOString())
  // Sent mail is not sent again.
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: capture.mailer, from: FROM }), { sent: 0, failed: 0 })
  assert.equal((await capture.messages()).length, 1)
})

test('a failing send is retried on the backoff schedule, keeping the error, until it succeeds', async () => {
  const { mailer, sent, state } = scriptedMailer()
  state.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' })
  await enqueueEmail(t.deps.db, email())
  const deliver = () => deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM })

  assert.deepEqual(await deliver(), { sent: 0, failed: 1 })
  let [row] = await rows()
  assert.equal(row.status, 'pending')
  assert.equal(row.attempts, 1)
  assert.equal(row.lastError, 'ESOCKET: connect ECONNREFUSED 127.0.0.1:25')
  assert.equal(new Date(row.nextAttemptAt).toISOString(), minutes(1).toISOString())

  now = new Date(now.getTime() + 59_000) // not due yet
  assert.deepEqual(await deliver(), { sent: 0, failed: 0 })
  now = new Date(now.getTime() + 1_000)
  assert.deepEqual(await deliver(), { sent: 0, failed: 1 })
  ;[row] = await rows()
  assert.equal(row.attempts, 2)
  assert.equal(new Date(row.nextAttemptAt).toISOString(), minutes(5).toISOString())

  state.failWith = null
  now = minutes(5)
  assert.deepEqual(await deliver(), { sent: 1, failed: 0 })
  ;[row] = await rows()
  assert.equal(row.status, 'sent')
  assert.equal(row.attempts, 3)
  assert.equal(row.lastError, null)
  assert.equal(sent.length, 1)
})

test('after MAX_ATTEMPTS failures the email is marked failed and never tried again', async () => {
  assert.deepEqual(RETRY_DELAYS_MS.slice(0, 4), [60_000, 300_000, 1_800_000, 7_200_000])
  const { mailer, state } = scriptedMailer()
  state.failWith = Object.assign(new Error('421 Service not available'), { code: 'EPROTOCOL', responseCode: 421 })
  await enqueueEmail(t.deps.db, email())
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 1 }, `attempt ${attempt}`)
    const [row] = await rows()
    assert.equal(row.attempts, attempt)
    assert.equal(row.status, attempt < MAX_ATTEMPTS ? 'pending' : 'failed')
    assert.equal((await notifications()).length, attempt < MAX_ATTEMPTS ? 0 : 1, 'the office is told only when it gives up')
    now = new Date(now.getTime() + retryDelayMs(attempt))
  }
  const [told] = await notifications()
  assert.equal(told.kind, 'email.failed')
  assert.equal(told.title, 'An email to ann@example.com could not be delivered')
  assert.match(told.body, /"Your quote Q-1001" \(test\.mail, 8 attempts\): EPROTOCOL: 421 Service not available/)
  now = new Date(now.getTime() + 30 * 24 * 3600_000)
  state.failWith = null
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 0 })
  const [row] = await rows()
  assert.equal(row.status, 'failed')
  assert.match(row.lastError!, /421 Service not available/)
})

test('a permanent refusal of the recipient (5xx) fails at once', async () => {
  const { mailer, state } = scriptedMailer()
  state.failWith = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 No such user"), { code: 'EENVELOPE', responseCode: 550 })
  await enqueueEmail(t.deps.db, email())
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 1 })
  const [row] = await rows()
  assert.equal(row.status, 'failed')
  assert.equal(row.attempts, 1)
  assert.deepEqual((await notifications()).map((n) => n.kind), ['email.failed'])
})

test('two deliveries running at once send each email exactly once', async () => {
  const { mailer, sent } = scriptedMailer()
  for (let i = 0; i < 40; i++) await enqueueEmail(t.deps.db, email({ to: `c${i}@example.com`, subject: `Receipt ${i}` }))
  const deps = { db: t.deps.db, clock, mailer, from: FROM }
  const results = await Promise.all([
    deliverDueEmails(deps, { limit: 15 }),
    deliverDueEmails(deps, { limit: 15 }),
    deliverDueEmails(deps, { limit: 15 }),
  ])
  const total = results.reduce((n, r) => n + r.sent, 0)
  assert.equal(total, 40)
  assert.equal(new Set(sent.map((m) => m.to)).size, 40)
  assert.equal(sent.length, 40)
  assert.ok((await rows()).every((r) => r.status === 'sent' && r.attempts === 1))
})

test('mail claimed by a worker that died is sent again once the claim lease has run out, under the same Message-ID', async () => {
  await enqueueEmail(t.deps.db, email())
  const handed: MailMessage[] = []
  const hung: Mailer = { send: (msg) => (handed.push(msg), new Promise(() => {})), close: async () => {} } // never answers
  void deliverDueEmails({ db: t.deps.db, clock, mailer: hung, from: FROM })
  await waitUntil(async () => (await rows())[0].attempts === 1)

  const { mailer, sent } = scriptedMailer()
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 0, failed: 0 }, 'still leased')
  now = new Date(now.getTime() + CLAIM_LEASE_MS)
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer, from: FROM }), { sent: 1, failed: 0 })
  assert.equal(sent.length, 1)
  assert.match(sent[0].messageId ?? '', /^<eml_[^@]+@servicebook\.local>$/)
  assert.equal(sent[0].messageId, handed[0].messageId, 'a second copy is recognisable as the first')
})

test('the worker delivers when kicked, logs no addresses or bodies, and stops cleanly', async () => {
  const logs: unknown[] = []
  const log = { info: (o: object, m: string) => logs.push([o, m]), warn: (o: object, m: string) => logs.push([o, m]), error: (o: object, m: string) => logs.push([o, m]) }
  // A long interval: only the kick can make this delivery happen within the wait below.
  const worker = startOutboxWorker({ db: t.deps.db, clock, mailer: capture.mailer, from: FROM, log }, { intervalMs: 600_000 })
  try {
    await enqueueEmail(t.deps.db, email({ to: 'bob@example.com', subject: 'Receipt R-77', text: 'secret body text' }))
    worker.kick()
    await capture.waitFor({ to: 'bob@example.com' }, 20_000)
    await waitUntil(async () => (await rows())[0].status === 'sent')
    // A refusal quoting the address: stored for the office, but not logged.
    const refusing: Mailer = { send: async () => Promise.reject(Object.assign(new Error('550 5.1.1 <bob@example.com>: Recipient unknown'), { code: 'EENVELOPE', responseCode: 550 })), close: async () => {} }
    await enqueueEmail(t.deps.db, email({ to: 'bob@example.com', subject: 'Receipt R-77', text: 'secret body text' }))
    assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: refusing, from: FROM, log }), { sent: 0, failed: 1 })
    assert.ok((await rows()).some((r) => r.lastError === 'EENVELOPE: 550 5.1.1 <bob@example.com>: Recipient unknown'))
  } finally {
    await worker.stop()
  }
  const logged = JSON.stringify(logs)
  assert.match(logged, /email sent/)
  assert.match(logged, /550 5\.1\.1 <<address>>: Recipient unknown/)
  for (const secret of ['bob@example.com', 'Receipt R-77', 'secret body text']) assert.ok(!logged.includes(secret), secret)
})

test('a test app given a mailer runs the worker, and kickOutbox delivers queued mail on its own', async () => {
  const withMail = await startTestApp({ mailer: capture.mailer })
  try {
    await enqueueEmail(withMail.deps.db, email({ to: 'carol@example.com', subject: 'Welcome' }))
    withMail.deps.kickOutbox?.()
    assert.equal((await capture.waitFor({ to: 'carol@example.com' }, 20_000)).subject, 'Welcome')
  } finally {
    await withMail.close()
  }
})

test('office routes: list with status filter and pagination, retry a failed email, system facts', async () => {
  const office = await loginHeaders(t.app, await t.addUser('office'))
  const tech = await loginHeaders(t.app, await t.addUser('technician'))
  const ids: string[] = []
  for (let i = 0; i < 3; i++) ids.push(await enqueueEmail(t.deps.db, email({ to: `p${i}@example.com`, subject: `Quote ${i}` })))
  await t.deps.db.updateTable('emailOutbox').set({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'EENVELOPE: 550 No such user' }).where('id', '=', ids[1]).execute()

  const all = await t.app.inject({ method: 'GET', url: '/api/emails?page=1&pageSize=2', headers: office })
  assert.equal(all.statusCode, 200, all.body)
  assert.equal(all.json().total, 3)
  assert.deepEqual(all.json().items.map((e: { id: string }) => e.id), [ids[2], ids[1]], 'newest first')
  assert.equal(all.json().items[0].html, undefined, 'no bodies in the list')
  const page2 = await t.app.inject({ method: 'GET', url: '/api/emails?page=2&pageSize=2', headers: office })
  assert.deepEqual(page2.json().items.map((e: { id: string }) => e.id), [ids[0]])

  const failed = await t.app.inject({ method: 'GET', url: '/api/emails?status=failed', headers: office })
  assert.deepEqual(failed.json().items.map((e: { id: string; lastError: string }) => [e.id, e.lastError]), [[ids[1], 'EENVELOPE: 550 No such user']])
  const bad = await t.app.inject({ method: 'GET', url: '/api/emails?status=lost', headers: office })
  assert.equal(bad.statusCode, 422)
  assert.ok(bad.json().error.details.fields.status)

  const system = await t.app.inject({ method: 'GET', url: '/api/system', headers: tech })
  assert.deepEqual(system.json(), { mailboxUrl: null, emailOutbox: { pending: 2, failed: 1 } })

  const notFailed = await t.app.inject({ method: 'POST', url: `/api/emails/${ids[0]}/retry`, headers: office })
  assert.equal(notFailed.statusCode, 409)
  assert.equal(notFailed.json().error.code, 'email_not_failed')
  const missing = await t.app.inject({ method: 'POST', url: '/api/emails/eml_nope/retry', headers: office })
  assert.equal(missing.statusCode, 404)

  const retried = await t.app.inject({ method: 'POST', url: `/api/emails/${ids[1]}/retry`, headers: office })
  assert.equal(retried.statusCode, 200, retried.body)
  assert.equal(retried.json().status, 'pending')
  assert.equal(retried.json().attempts, 0)
  assert.deepEqual(await deliverDueEmails({ db: t.deps.db, clock, mailer: capture.mailer, from: FROM }), { sent: 3, failed: 0 })
  assert.equal((await listOutbox(t.deps.db, { status: 'sent', page: 1, pageSize: 10 })).total, 3)
})

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('condition not reached')
}
