import { z } from 'zod'

const port = (fallback: number) => z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, { error: 'must be a port number (0-65535)' }).default(fallback)

// `addr@host`, `Name <addr@host>` or `"Name" <addr@host>`, on one line.
const FROM = /^(?:(?:"[^"\r\n]*"|[^"<>\r\n]*)\s*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/

/**
 * Email settings from the environment. Without SMTP_URL, mail goes to the local capture
 * (`npm run mailbox`, started by `npm start`) on MAILBOX_SMTP_PORT. See docs/email.md.
 */
const EmailEnvSchema = z.object({
  /** A real SMTP server, e.g. `smtp://user:pass@smtp.example.com:587` (STARTTLS) or `smtps://…:465`. */
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^/\s]+/.test(v) && URL.canParse(v), { error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@smtp.example.com:587' })
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .regex(FROM, { error: 'must be an address or "Name" <address>, e.g. "Servicebook" <no-reply@example.com>' })
    .default('"Servicebook" <no-reply@servicebook.local>'),
  /** Where office notifications are emailed; unset = in-app only. Validated here at startup; read with `officeNotifyEmail()` (config/office-notify.ts). */
  OFFICE_NOTIFY_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  MAILBOX_SMTP_PORT: port(3125),
  MAILBOX_HTTP_PORT: port(3126),
  /** How often the outbox worker looks for due mail (it is also woken when mail is queued). */
  EMAIL_POLL_INTERVAL_MS: z.coerce.number({ error: 'must be a number' }).int().min(100).max(600_000).default(5000),
})

export type EmailEnv = z.infer<typeof EmailEnvSchema>

const NAMES = Object.keys(EmailEnvSchema.shape)

/** Parses the email variables; throws one readable error naming every bad one. */
export function readEmailEnv(source: Record<string, string | undefined> = process.env): EmailEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => NAMES.includes(k) && v !== undefined && v !== ''))
  const parsed = EmailEnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid email configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

/**
 * Where mail goes: SMTP_URL, or the local capture (then `mailboxUrl` is its web page, shown
 * to the office as the "Mailbox" link).
 */
export function emailTransport(env: EmailEnv): { smtpUrl: string; mailboxUrl: string | null } {
  if (env.SMTP_URL) return { smtpUrl: env.SMTP_URL, mailboxUrl: null }
  return { smtpUrl: `smtp://127.0.0.1:${env.MAILBOX_SMTP_PORT}`, mailboxUrl: `http://127.0.0.1:${env.MAILBOX_HTTP_PORT}` }
}
