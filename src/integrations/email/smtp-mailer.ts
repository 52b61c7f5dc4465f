import nodemailer from 'nodemailer'
import type { Mailer, MailMessage } from '../../ports/mailer.ts'

export interface SmtpMailerOptions {
  /** e.g. `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465`, `smtp://127.0.0.1:3125`. */
  url: string
  /** Pooled connections (default 3). */
  maxConnections?: number
}

/**
 * The Mailer port over SMTP with nodemailer. Pooled: smtp-server greets each new connection
 * after ~100 ms, so fresh connections per mail are ~30× slower (stack-notes.md §7).
 * NOTE: the timeouts stay well under the outbox claim lease (CLAIM_LEASE_MS, 10 min), so a
 * hung server turns into a retry rather than a second worker sending the same mail.
 */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.maxConnections ?? 3,
    maxMessages: 100,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  return {
    async send(msg: MailMessage) {
      const info = await transport.sendMail({
        from: msg.from,
        ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
        to: msg.to,
        subject: msg.subject,
        html: msg.html,
        text: msg.text,
        attachments: msg.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        ...(msg.messageId ? { messageId: msg.messageId } : {}),
      })
      return { messageId: String(info.messageId) }
    },
    async close() {
      transport.close()
    },
  }
}
