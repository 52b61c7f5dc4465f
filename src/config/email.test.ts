import { test } from 'node:test'
import assert from 'node:assert/strict'
import { emailTransport, readEmailEnv } from './email.ts'

test('defaults send to the local capture and show its mailbox link', () => {
  const env = readEmailEnv({})
  assert.equal(env.MAIL_FROM, '"Servicebook" <no-reply@servicebook.local>')
  assert.deepEqual(emailTransport(env), { smtpUrl: 'smtp://127.0.0.1:3125', mailboxUrl: 'http://127.0.0.1:3126' })
  assert.deepEqual(emailTransport(readEmailEnv({ MAILBOX_SMTP_PORT: '2525', MAILBOX_HTTP_PORT: '8025' })), {
    smtpUrl: 'smtp://127.0.0.1:2525',
    mailboxUrl: 'http://127.0.0.1:8025',
  })
})

test('SMTP_URL sends to a real server and hides the mailbox link', () => {
  const env = readEmailEnv({ SMTP_URL: 'smtp://user:p%40ss@smtp.example.com:587', MAIL_FROM: 'Acme HVAC <billing@acme.example>' })
  assert.deepEqual(emailTransport(env), { smtpUrl: 'smtp://user:p%40ss@smtp.example.com:587', mailboxUrl: null })
  assert.equal(readEmailEnv({ SMTP_URL: 'smtps://smtp.example.com' }).SMTP_URL, 'smtps://smtp.example.com')
})

test('bad values fail with one message naming each variable', () => {
  assert.throws(
    () => readEmailEnv({ SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'no-reply@x.com\r\nBcc: all@x.com', OFFICE_NOTIFY_EMAIL: 'office', MAILBOX_SMTP_PORT: '70000' }),
    (err: Error) => {
      for (const name of ['SMTP_URL: must be an smtp://', 'MAIL_FROM: must be an address', 'OFFICE_NOTIFY_EMAIL: must be an email', 'MAILBOX_SMTP_PORT: must be a port'])
        assert.ok(err.message.includes(name), `${name} in ${err.message}`)
      assert.ok(!err.message.includes('x.com\r\n'))
      return true
    },
  )
  assert.throws(() => readEmailEnv({ SMTP_URL: 'smtp://[broken' }), /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/)
})
