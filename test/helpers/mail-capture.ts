import { createSmtpMailer } from '../../src/integrations/email/smtp-mailer.ts'
import type { Mailer } from '../../src/ports/mailer.ts'
import { startMailbox, type CapturedAttachment, type CapturedMail } from '../../sandbox/mailbox/server.ts'

export type { CapturedMail, CapturedAttachment }

/** Match on recipient and/or subject (a string is a substring match). */
export interface MailMatch {
  to?: string
  subject?: string | RegExp
}

export interface MailCapture {
  /** `smtp://127.0.0.1:<port>` */
  smtpUrl: string
  /** The mailbox web page / JSON API, e.g. for browser tests. */
  httpUrl: string
  /** A pooled SMTP mailer pointed at the capture (use it as the outbox's `mailer`). */
  mailer: Mailer
  /** The first mail (already received or arriving within `timeoutMs`, default 10 s) that matches. */
  waitFor(match: MailMatch | ((mail: CapturedMail) => boolean), timeoutMs?: number): Promise<CapturedMail>
  /** Everything received so far, newest first. */
  messages(): Promise<CapturedMail[]>
  /** An attachment's bytes, e.g. to check a PDF starts with `%PDF-`. */
  attachment(mail: CapturedMail, index?: number): Promise<CapturedAttachment>
  clear(): Promise<void>
  /** Closes the mailer and the capture. */
  close(): Promise<void>
}

const matches = (m: MailMatch) => (mail: CapturedMail) =>
  (m.to === undefined || mail.to.includes(m.to.toLowerCase()) || mail.envelope.to.includes(m.to.toLowerCase())) &&
  (m.subject === undefined || (typeof m.subject === 'string' ? mail.subject.includes(m.subject) : m.subject.test(mail.subject)))

/**
 * A real SMTP capture (the `sandbox/mailbox` server, in memory) on loopback ports chosen by the
 * OS, plus a mailer that sends to it.
 *
 * @example
 * const mail = await startMailCapture()
 * after(() => mail.close())
 * await deliverDueEmails({ db, clock, mailer: mail.mailer, from: 'office@example.com' })
 * const got = await mail.waitFor({ to: 'ann@example.com', subject: 'Your quote' })
 */
export async function startMailCapture(): Promise<MailCapture> {
  const box = await startMailbox({ smtpPort: 0, httpPort: 0, host: '127.0.0.1', dir: null })
  const mailer = createSmtpMailer({ url: box.smtpUrl })
  return {
    smtpUrl: box.smtpUrl,
    httpUrl: box.httpUrl,
    mailer,
    waitFor: (match, timeoutMs) => box.waitFor(typeof match === 'function' ? match : matches(match), timeoutMs),
    messages: () => box.messages(),
    attachment: async (mail, index = 0) => {
      const file = await box.attachment(mail.id, index)
      if (!file) throw new Error(`mail ${mail.id} has no attachment ${index}`)
      return file
    },
    clear: () => box.clear(),
    close: async () => {
      await mailer.close()
      await box.close()
    },
  }
}
