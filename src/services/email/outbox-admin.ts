import { sql } from 'kysely'
import type { Page } from '../../contracts/common.ts'
import type { EmailDto } from '../../contracts/emails.ts'
import type { Db } from '../../db/database.ts'
import { notAllowed, notFound } from '../../domain/errors.ts'

export type OutboxStatus = 'pending' | 'sent' | 'failed'

/** One outbox row for the office: metadata only, no bodies or attachment contents. */
export type OutboxListItem = EmailDto

/** Newest first, optionally one status or one related record (e.g. every email about a quote). */
export async function listOutbox(
  db: Db,
  opts: { status?: OutboxStatus; related?: { type: string; id: string }; id?: string; page: number; pageSize: number },
): Promise<Page<OutboxListItem>> {
  let q = db.selectFrom('emailOutbox')
  if (opts.status) q = q.where('status', '=', opts.status)
  if (opts.id) q = q.where('id', '=', opts.id)
  if (opts.related) q = q.where('relatedType', '=', opts.related.type).where('relatedId', '=', opts.related.id)
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()
  const rows = await q
    .select([
      'id', 'kind', 'toAddress', 'subject', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'sentAt', 'createdAt', 'relatedType', 'relatedId',
      // Names and sizes only: the base64 contents stay in the database (no size for attachments drawn at delivery).
      sql<{ filename: string; contentType: string; size: number | null }[]>`(
        select coalesce(jsonb_agg(jsonb_build_object('filename', a->>'filename', 'contentType', a->>'contentType',
          'size', length(a->>'contentBase64') * 3 / 4 - (length(a->>'contentBase64') - length(rtrim(a->>'contentBase64', '='))))), '[]'::jsonb)
        from jsonb_array_elements(attachments) a)`.as('attachmentList'),
    ])
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.pageSize)
    .offset((opts.page - 1) * opts.pageSize)
    .execute()
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      to: r.toAddress,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' ? new Date(r.nextAttemptAt).toISOString() : null,
      lastError: r.lastError,
      sentAt: r.sentAt ? new Date(r.sentAt).toISOString() : null,
      createdAt: new Date(r.createdAt).toISOString(),
      relatedType: r.relatedType,
      relatedId: r.relatedId,
      attachments: typeof r.attachmentList === 'string' ? JSON.parse(r.attachmentList) : r.attachmentList,
    })),
    total: Number(total),
    page: opts.page,
    pageSize: opts.pageSize,
  }
}

/**
 * Puts a `failed` email back in the queue with a fresh set of attempts; the next worker round
 * sends it. 404 when unknown, 409-style `not_allowed` when it is not failed.
 */
export async function retryEmail(db: Db, id: string, now: Date): Promise<OutboxListItem> {
  const res = await db
    .updateTable('emailOutbox')
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst()
  if (Number(res.numUpdatedRows) === 0) {
    const row = await db.selectFrom('emailOutbox').select('status').where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('email', id)
    throw notAllowed('email_not_failed', `Only failed emails can be retried; this one is ${row.status}`)
  }
  return (await getOutboxEmail(db, id))!
}

/** One outbox row (metadata only), or undefined. */
export async function getOutboxEmail(db: Db, id: string): Promise<OutboxListItem | undefined> {
  return (await listOutbox(db, { id, page: 1, pageSize: 1 })).items[0]
}

/** Counts for the office (nav badge, /api/system). */
export async function outboxCounts(db: Db): Promise<{ pending: number; failed: number }> {
  const rows = await db
    .selectFrom('emailOutbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy('status')
    .execute()
  const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0)
  return { pending: count('pending'), failed: count('failed') }
}
