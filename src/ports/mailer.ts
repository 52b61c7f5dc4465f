/** One file attached to an outgoing email. */
export interface MailAttachment {
  filename: string
  contentType: string
  content: Buffer
}

/** A complete message, ready for the wire: HTML and plain-text alternatives plus attachments. */
export interface MailMessage {
  /** e.g. `"Servicebook" <no-reply@servicebook.local>`, or a name and address (the name is encoded as needed). */
  from: string | { name: string; address: string }
  /** Where replies go (the office), when set. */
  replyTo?: string
  to: string
  subject: string
  html: string
  text: string
  attachments: MailAttachment[]
  /**
   * The Message-ID header, e.g. `<eml_123@servicebook.local>`, when the caller fixes it. The outbox
   * derives it from the email's id, so a mail sent again after a crash (handed to the server just
   * before the process died, not yet recorded as sent) carries the same Message-ID as the first
   * copy and mail servers and clients that de-duplicate on it show it once.
   */
  messageId?: string
}

/**
 * Sends email. SMTP (nodemailer) in production, development and tests (against the local
 * capture in `sandbox/mailbox`); services never call it directly: they queue mail with
 * `enqueueEmail` and the outbox worker sends it.
 */
export interface Mailer {
  /** Hands one message to the mail server; rejects when the server does not accept it. */
  send(msg: MailMessage): Promise<{ messageId: string }>
  /** Closes pooled connections. */
  close(): Promise<void>
}
