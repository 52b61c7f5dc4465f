import { sql, type Selectable } from 'kysely'
import { claimerGone, INSTANCE_ID } from '../../db/instance-liveness.ts'
import type { EmailOutboxTable } from '../../db/schema.ts'
import type { Db } from '../../db/database.ts'
import { validationError, type FieldErrors } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import type { Clock } from '../../ports/clock.ts'
import type { MailAttachment, Mailer } from '../../ports/mailer.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { emailText, renderEmailHtml, type EmailContent } from './layout.tsx'

/**
 * The transactional email outbox (table `email_outbox`): services queue mail in the same
 * transaction as the change it reports (`enqueueEmail`), and a worker delivers it afterwards
 * (`deliverDueEmails`), retrying with backoff until it is sent or marked `failed` for the office.
 * See docs/email.md.
 */

/**
 * An email to queue. `to` is one address. The body is `content` in the one e-mail layout
 * (layout.tsx: both parts are drawn from it), or complete (already escaped) `html` and `text`.
 */
export interface OutboxEmail {
  /** What it is, for the office list and logs, e.g. `quote.sent`, `receipt`. */
  kind: string
  to: string
  subject: string
  content?: EmailContent
  /** Without `content`: the HTML part, complete and escaped. */
  html?: string
  /** Without `content`: the plain-text part. */
  text?: string
  attachments?: (MailAttachment | RenderedAttachment)[]
  /** The record it is about, e.g. `{ relatedType: 'quote', relatedId: 'quo_…' }`. */
  relatedType?: string
  relatedId?: string
}

/**
 * An attachment drawn when the email is sent rather than when it is queued: a renderer named
 * `renderer` (see `AttachmentRenderers`) makes the bytes from `params` and the database. For
 * documents built from records that no longer change (an issued invoice), so a billing run
 * queues 100,000 receipts without drawing 100,000 PDFs inside its transactions.
 */
export interface RenderedAttachment {
  filename: string
  contentType: string
  renderer: string
  params: Record<string, string | number | null>
}

/** Renderers by name; the composition root passes them to the delivery worker. */
export type AttachmentRenderers = Record<string, (db: Db, params: Record<string, string | number | null>) => Promise<Buffer>>

/** How attachments are kept in the `attachments` jsonb column: the bytes, or what renders them. */
type StoredAttachment =
  | { filename: string; contentType: string; contentBase64: string }
  | { filename: string; contentType: string; renderer: string; params: Record<string, string | number | null> }

const isRendered = (a: MailAttachment | RenderedAttachment): a is RenderedAttachment => 'renderer' in a

/** Delay before attempt n+1 after n failed attempts (index n-1); the last value repeats. */
// NOTE: 8 attempts over about 45 hours; after that a person must look (GET /api/emails?status=failed).
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000, 12 * 3600_000, 24 * 3600_000] as const
export const MAX_ATTEMPTS = 8
/**
 * A claimed row is not due again until this lease ends. If a worker dies mid-send, the mail
 * goes out again after the lease (at least once). It must outlast one send: the SMTP adapter
 * times out well before (see smtp-mailer.ts).
 */
export const CLAIM_LEASE_MS = 10 * 60_000

// Header-injection guard: one address, no line breaks.
const ADDRESS = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/
const hasLineBreak = (s: string) => /[\r\n]/.test(s)

function checkEmail(email: OutboxEmail): void {
  const fields: FieldErrors = {}
  if (!email.kind?.trim()) fields.kind = 'is required'
  if (!ADDRESS.test(email.to ?? '') || email.to.length > 254) fields.to = 'must be one valid email address'
  if (!email.subject?.trim()) fields.subject = 'is required'
  else if (hasLineBreak(email.subject) || email.subject.length > 900) fields.subject = 'must be one line of at most 900 characters'
  if (email.content) {
    if (!email.content.brand?.name || !Array.isArray(email.content.blocks) || email.content.blocks.length === 0) fields.content = 'needs the brand and at least one block'
  } else {
    if (typeof email.html !== 'string') fields.html = 'is required'
    if (typeof email.text !== 'string' || !email.text.trim()) fields.text = 'is required (the plain-text part)'
  }
  for (const [i, a] of (email.attachments ?? []).entries()) {
    if (!a.filename || hasLineBreak(a.filename)) fields[`attachments.${i}.filename`] = 'is required, one line'
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType ?? '')) fields[`attachments.${i}.contentType`] = 'must be a MIME type'
    if (isRendered(a)) {
      if (!a.renderer) fields[`attachments.${i}.renderer`] = 'is required'
    } else if (!Buffer.isBuffer(a.content)) fields[`attachments.${i}.content`] = 'must be a Buffer'
  }
  if (Object.keys(fields).length) throw validationError(fields, 'The email cannot be queued')
}

/**
 * Queues an email; inserts only, so pass the transaction that makes the change the email
 * reports: a rollback then drops the email too. Returns the outbox id (`eml_…`).
 *
 * @example
 * await deps.db.transaction().execute(async (tx) => {
 *   await tx.updateTable('agreements').set({ status: 'active' }).where('id', '=', id).execute()
 *   await enqueueEmail(tx, { kind: 'agreement.approved', to, subject, html, text, relatedType: 'agreement', relatedId: id })
 * })
 * deps.kickOutbox?.() // optional: deliver now instead of at the next poll
 */
export async function enqueueEmail(db: Db, email: OutboxEmail): Promise<string> {
  const [id] = await enqueueEmails(db, [email])
  return id!
}

/**
 * Queues several emails in one statement (same rules as `enqueueEmail`); returns their ids in
 * order. Content is drawn into HTML here (`outboxRows`, for bulk senders, leaves that to delivery).
 */
export async function enqueueEmails(db: Db, emails: OutboxEmail[]): Promise<string[]> {
  if (emails.length === 0) return []
  const rows = outboxRows(emails)
  for (const [i, email] of emails.entries()) {
    if (email.content) Object.assign(rows[i]!, { html: await renderEmailHtml(email.content), content: null })
  }
  await db.insertInto('emailOutbox').values(rows).execute()
  return rows.map((r) => r.id)
}

/** An `email_outbox` row ready to insert (validated, attachments serialized), with its new id. */
export type OutboxRow = Pick<Selectable<EmailOutboxTable>, OutboxText | 'relatedType' | 'relatedId'> & {
  /** JSON text. */
  attachments: string
  /** JSON text of the content whose HTML is drawn at delivery (`html` is then ''), or null. */
  content: string | null
}

type OutboxText = 'id' | 'kind' | 'toAddress' | 'subject' | 'html' | 'textBody'

/**
 * The rows `enqueueEmails` inserts, for a caller that writes them inside a larger statement
 * (billing records a batch of payments and their receipts in one). Throws like `enqueueEmail`.
 * Synchronous and cheap: an email given as `content` keeps it, with its text part, and the
 * delivery worker draws the HTML when it sends (React rendering costs about a millisecond;
 * a billing run's 100,000 receipts must not pay it inside the run).
 */
export function outboxRows(emails: OutboxEmail[]): OutboxRow[] {
  return emails.map((email) => {
    checkEmail(email)
    const attachments: StoredAttachment[] = (email.attachments ?? []).map((a) =>
      isRendered(a)
        ? { filename: a.filename, contentType: a.contentType, renderer: a.renderer, params: a.params }
        : { filename: a.filename, contentType: a.contentType, contentBase64: a.content.toString('base64') },
    )
    return {
      id: newId('eml'),
      kind: email.kind.trim(),
      toAddress: email.to.trim(),
      subject: email.subject,
      html: email.content ? '' : email.html!,
      textBody: email.content ? emailText(email.content) : email.text!,
      attachments: JSON.stringify(attachments),
      content: email.content ? JSON.stringify(email.content) : null,
      relatedType: email.relatedType ?? null,
      relatedId: email.relatedId ?? null,
    }
  })
}

export interface DeliveryDeps {
  db: Db
  clock: Clock
  mailer: Mailer
  /**
   * The configured sender (MAIL_FROM), e.g. `"Servicebook" <no-reply@servicebook.local>`: mail goes
   * out from its address under the company's name (`senderOf`).
   */
  from: string
  /** Renderers for attachments drawn at delivery; an email needing a missing one fails its attempt (and is retried). */
  renderers?: AttachmentRenderers
  /** Optional structured logger (pino-like). Bodies and addresses are never logged. */
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

type ClaimedRow = Pick<Selectable<EmailOutboxTable>, OutboxText | 'attempts'> & { attachments: unknown; content: unknown }

/** Delay before the next attempt after `attempts` failed ones. */
export function retryDelayMs(attempts: number): number {
  return RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1]
}

/**
 * True for errors no retry can fix: the server refused the recipient or the message itself with a
 * 5xx reply (RFC 5321 §4.2.1: permanent), e.g. "550 mailbox unavailable", "552 message too large".
 * Sending the same message again would be refused again, so the office is told at once instead of
 * after eight attempts over two days. A refused login (535) is not among them: it is the
 * server's configuration, and the mail goes out once that is fixed.
 */
export function isPermanentFailure(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number }
  return (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE') && typeof e.responseCode === 'number' && e.responseCode >= 500
}

/**
 * Claims up to `limit` due rows in one statement. A never-tried row (attempts = 0) is always
 * due, so a fixed test clock in the past still delivers fresh mail; a retried one waits for
 * `next_attempt_at`. The claim bumps `attempts` and pushes `next_attempt_at` past a lease.
 * NOTE: `for update skip locked` makes concurrent workers (several processes on one
 * PostgreSQL) take disjoint rows; a row claimed and committed by another worker is re-checked
 * against the WHERE clause and no longer due. A claim whose server is gone (killed mid-round) is
 * due again at once, not after the lease (src/db/instance-liveness.ts).
 */
async function claimDue(db: Db, now: Date, limit: number): Promise<ClaimedRow[]> {
  const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS)
  const { rows } = await sql<ClaimedRow>`
    update email_outbox set attempts = attempts + 1, next_attempt_at = ${leaseUntil}, claimed_by = ${INSTANCE_ID}
    where id in (
      select id from email_outbox
      where status = 'pending' and (attempts = 0 or next_attempt_at <= ${now} or ${claimerGone('claimed_by')})
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked)
    returning id, kind, to_address, subject, html, text_body, attachments, content, attempts`.execute(db)
  return rows
}

async function loadAttachments(deps: DeliveryDeps, value: unknown): Promise<MailAttachment[]> {
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as StoredAttachment[]
  return Promise.all(
    list.map(async (a) => {
      if ('contentBase64' in a) return { filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') }
      const render = deps.renderers?.[a.renderer]
      if (!render) throw new Error(`no renderer for the attachment ${a.filename} (${a.renderer})`)
      return { filename: a.filename, contentType: a.contentType, content: await render(deps.db, a.params) }
    }),
  )
}

/** Short, single-line error text for `last_error` (SMTP replies are useful; bodies never appear in them). */
function errorText(err: unknown): string {
  const e = err as { message?: string; responseCode?: number; code?: string }
  const text = `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`
  return text.replace(/\s+/g, ' ').slice(0, 1000)
}

/** For logs: SMTP replies often quote the recipient ("550 <ann@example.com>: unknown user"). */
const withoutAddresses = (text: string) => text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '<address>')

/**
 * Who every email is from: the company's name at the configured sending address (MAIL_FROM's;
 * its name when the company has none), replies to the office's address in company settings.
 * Read once per delivery round, so a renamed company sends as its new name from then on.
 */
export interface Sender {
  from: { name: string; address: string }
  replyTo: string | null
}

export async function senderOf(db: Db, configuredFrom: string): Promise<Sender> {
  const company = await db.selectFrom('companySettings').select(['companyName', 'email']).where('id', '=', 1).executeTakeFirst()
  const [, quoted, bare, angle, plain] = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]+)>\s*$|^\s*(\S+@\S+)\s*$/.exec(configuredFrom) ?? []
  const name = company?.companyName?.trim() || (quoted ?? bare ?? '').trim()
  return { from: { name, address: (angle ?? plain ?? configuredFrom).trim() }, replyTo: company?.email ?? null }
}

/**
 * One Message-ID per outbox email, however often it is handed to SMTP. Delivery is at least once:
 * a process killed after the server accepted a mail but before the row was marked sent leaves it
 * due, and another worker sends it again (no SMTP server can be asked what it already took). The
 * second copy then carries the first one's Message-ID, which mail servers and clients use to
 * show a message once.
 */
export const messageIdOf = (emailId: string, sender: Sender) => `<${emailId}@${sender.from.address.split('@').pop() || 'servicebook.local'}>`

const contentOf = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as EmailContent

/** Sends one claimed email and records the outcome; never throws (a round goes on with the rest). */
async function deliverOne(deps: DeliveryDeps, sender: Sender, row: ClaimedRow): Promise<'sent' | 'failed'> {
  const meta = { emailId: row.id, kind: row.kind, attempt: row.attempts }
  let messageId: string
  try {
    ;({ messageId } = await deps.mailer.send({
      from: sender.from,
      ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      to: row.toAddress,
      subject: row.subject,
      html: row.content ? await renderEmailHtml(contentOf(row.content)) : row.html,
      text: row.textBody,
      attachments: await loadAttachments(deps, row.attachments),
      messageId: messageIdOf(row.id, sender),
    }))
  } catch (err) {
    const giveUp = row.attempts >= MAX_ATTEMPTS || isPermanentFailure(err)
    const error = errorText(err)
    deps.log?.[giveUp ? 'error' : 'warn']({ ...meta, error: withoutAddresses(error) }, giveUp ? 'email failed for good' : 'email will be retried')
    // If this write fails too, the claim lease runs out and the email is simply tried again.
    await recordFailure(deps, row, error, giveUp).catch((e: Error) => deps.log?.error({ ...meta, error: e.message }, 'could not record an email failure'))
    return 'failed'
  }
  try {
    // Marked sent even if our lease ran out meanwhile: the mail did go out.
    await deps.db
      .updateTable('emailOutbox')
      .set({ status: 'sent', sentAt: deps.clock.now(), lastError: null })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .execute()
    deps.log?.info({ ...meta, messageId }, 'email sent')
  } catch (err) {
    deps.log?.error({ ...meta, messageId, error: (err as Error).message }, 'email sent but not recorded: it may be sent again after the claim lease')
  }
  return 'sent'
}

/**
 * Schedules the retry, or marks the email failed and tells the office (in-app notification,
 * same transaction). Only the current claim holder (same attempt number) records anything.
 */
async function recordFailure(deps: DeliveryDeps, row: ClaimedRow, error: string, giveUp: boolean): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('emailOutbox')
      .set({ status: giveUp ? 'failed' : 'pending', lastError: error, nextAttemptAt: new Date(now.getTime() + (giveUp ? 0 : retryDelayMs(row.attempts))), claimedBy: null })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', row.attempts)
      .executeTakeFirst()
    if (giveUp && Number(res.numUpdatedRows) === 1) {
      await notifyOffice(tx, {
        kind: 'email.failed',
        title: `An email to ${row.toAddress} could not be delivered`,
        body: `"${row.subject}" (${row.kind}, ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}): ${error}. Retry it under Settings → Emails once the cause is fixed; a wrong address needs the customer record corrected and the email sent again.`,
        link: '/settings/emails',
      })
    }
  })
}

/**
 * Claims due emails, sends them, and records the outcome: `sent`, or a retry after
 * `retryDelayMs(attempts)`, or `failed` after MAX_ATTEMPTS or a permanent refusal.
 * Safe to run in several workers at once. `failed` counts failed attempts, retried or not.
 */
export async function deliverDueEmails(deps: DeliveryDeps, opts: { limit?: number; concurrency?: number } = {}): Promise<{ sent: number; failed: number }> {
  const rows = await claimDue(deps.db, deps.clock.now(), opts.limit ?? 50)
  const outcome = { sent: 0, failed: 0 }
  if (rows.length === 0) return outcome
  const sender = await senderOf(deps.db, deps.from)
  const queue = [...rows]
  const lanes = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
    for (let row = queue.shift(); row; row = queue.shift()) outcome[await deliverOne(deps, sender, row)]++
  })
  await Promise.all(lanes)
  return outcome
}

export { listOutbox, getOutboxEmail, retryEmail, outboxCounts, type OutboxListItem, type OutboxStatus } from './outbox-admin.ts'
