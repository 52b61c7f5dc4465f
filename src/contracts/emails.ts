import { z } from 'zod'
import { PageQuery } from './common.ts'

export const EmailStatus = z.enum(['pending', 'sent', 'failed'], { error: 'must be pending, sent or failed' })

/** `GET /api/emails?status=failed&page=1&pageSize=25` */
export const EmailListQuery = PageQuery.extend({ status: EmailStatus.optional() })
export type EmailListQuery = z.infer<typeof EmailListQuery>

/** One outbox entry for the office: metadata only (bodies and attachment contents stay server-side). */
export interface EmailDto {
  id: string
  kind: string
  to: string
  subject: string
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null
  lastError: string | null
  sentAt: string | null
  createdAt: string
  relatedType: string | null
  relatedId: string | null
  /** `size` in bytes; null for a document drawn when the email is sent (e.g. an invoice PDF). */
  attachments: { filename: string; contentType: string; size: number | null }[]
}

/** `GET /api/system`: what the office app needs to know about this installation. */
export interface SystemDto {
  /** The local mail capture's page when mail is not going to a real SMTP server; else null. */
  mailboxUrl: string | null
  emailOutbox: { pending: number; failed: number }
}
