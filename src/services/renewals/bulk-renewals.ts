import { createHash } from 'node:crypto'
import { renderEmail } from '../email/layout.tsx'
import { loadBrand } from '../email/brand.ts'
import { sql, type SqlBool } from 'kysely'
import type { RenewalPreviewDto, RenewalRequest, RenewalSendResultDto } from '../../contracts/renewals.ts'
import type { Db } from '../../db/database.ts'
import { conflict } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { dayBeforeIso } from '../../domain/iso-date.ts'
import type { PriceChange } from '../../domain/renewal-terms.ts'
import { matching } from '../agreements/agreement-list.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { companyToday, getSettings } from '../settings/company-settings.ts'
import { insertNoticesTx, loadRenewable, manageLinkOf, noticeEmail, offerFor, offersRenewLink, whyNotRenewable, type NoticeToSend, type RenewableAgreement } from './renewal-offers.ts'
import { renewalLinkKey } from './renewal-settings.ts'

/**
 * Renewal notices and renewal quotes in bulk, from the agreements list: chosen agreements or all
 * matching a filter. Preview first (per agreement the old and new price and the email), then
 * send. A send carries an idempotency key made once per dialog: the batch is unique by it, and
 * each notice by (batch, agreement), so a retry, a double click or a resumed request after a
 * crash sends each agreement its email once. The same key with a different request is refused.
 */

/** Agreements that can get a renewal offer of `kind` (the SQL of `whyNotRenewable`). */
const sendable = (kind: 'notice' | 'quote') =>
  sql<SqlBool>`a.end_date is not null and a.renewed_by_id is null and a.close_on is null
    and a.status in ('active', 'suspended'${kind === 'quote' ? sql`, 'expired'` : sql``})
    and exists (select 1 from customer_contacts k where k.customer_id = a.customer_id and k.email is not null)`

/** The selected agreements (chosen ids, or the list filter). */
function selected(db: Db, r: RenewalRequest, today: string) {
  return 'ids' in r.selection
    ? db.selectFrom('agreements as a').innerJoin('customers as c', 'c.id', 'a.customerId').where('a.id', 'in', [...new Set(r.selection.ids)])
    : matching(db, r.selection.filter, today)
}

const changeFor = (r: RenewalRequest, a: RenewableAgreement): PriceChange => (r.kind === 'quote' ? (r.priceChange ?? { kind: 'none' }) : a.renewalChange)

export async function previewRenewals(deps: ServiceDeps, r: RenewalRequest & { limit: number }): Promise<RenewalPreviewDto> {
  const [today, brand, linkKey] = await Promise.all([companyToday(deps), loadBrand(deps.db, deps.publicUrl), renewalLinkKey(deps.db)])
  const base = () => selected(deps.db, r, today)
  const [counts, firstIds, skippedIds] = await Promise.all([
    base()
      .select((eb) => [eb.fn.countAll<number>().as('selected'), sql<number>`count(*) filter (where ${sendable(r.kind)})`.as('sendable')])
      .executeTakeFirstOrThrow(),
    base().select('a.id').where(sendable(r.kind)).orderBy('a.endDate').orderBy('a.id').limit(r.limit).execute(),
    base().select('a.id').where(sql<SqlBool>`not (${sendable(r.kind)})`).orderBy('a.id').limit(200).execute(),
  ])
  const [agreements, skipped] = await Promise.all([loadRenewable(deps.db, firstIds.map((x) => x.id)), loadRenewable(deps.db, skippedIds.map((x) => x.id))])
  const ctx = { publicUrl: deps.publicUrl, linkKey, today }
  const byEnd = agreements.sort((a, b) => (a.endDate ?? '').localeCompare(b.endDate ?? '') || a.id.localeCompare(b.id))
  return {
    kind: r.kind,
    selected: Number(counts.selected),
    sendable: Number(counts.sendable),
    items: await Promise.all(byEnd.map(async (a) => {
      const offer = offerFor(a, changeFor(r, a), today)
      const n: NoticeToSend = { agreement: a, kind: r.kind, offer }
      // The real link is made when it is sent; the preview shows where it leads.
      const built = noticeEmail(n, brand, offersRenewLink(n) ? `${deps.publicUrl}/renew/…` : null, a.autoRenew ? manageLinkOf(ctx, a.id).replace(/[^/]+$/, '…') : null)
      const email = { subject: built.subject, ...(await renderEmail(built.content)) }
      return {
        agreementId: a.id, number: a.number, customerName: a.customerName, name: a.name, lastDay: dayBeforeIso(a.endDate!), startDate: offer.startDate, endDate: offer.endDate!,
        oldPerBillCents: offer.oldPerBillCents, newPerBillCents: offer.perBillCents, intervalMonths: offer.intervalMonths, changeText: offer.changeText, recipient: a.email!, email,
      }
    })),
    skipped: skipped.map((a) => ({ agreementId: a.id, number: a.number, reason: whyNotRenewable(a, r.kind) ?? 'cannot be renewed now' })),
  }
}

const requestHash = (r: RenewalRequest) => createHash('sha256').update(JSON.stringify({ kind: r.kind, selection: r.selection, priceChange: r.priceChange ?? null })).digest('hex')

export async function sendRenewals(deps: ServiceDeps, r: RenewalRequest & { idempotencyKey: string }, actor: ActorId): Promise<RenewalSendResultDto> {
  const hash = requestHash(r)
  const id = newId('rnb')
  const created = await deps.db
    .insertInto('renewalBatches')
    .values({ id, idempotencyKey: r.idempotencyKey, kind: r.kind, requestSha256: hash, createdBy: actor })
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .returning('id')
    .executeTakeFirst()
  const batch = await deps.db.selectFrom('renewalBatches').selectAll().where('idempotencyKey', '=', r.idempotencyKey).executeTakeFirstOrThrow()
  if (batch.requestSha256 !== hash) throw conflict('idempotency_key_reused', 'This idempotency key was used for a different request; open the dialog again')
  if (!created && batch.status === 'completed') return { batchId: batch.id, sent: batch.sent, skipped: batch.skipped, replayed: true }
  // New, or resuming one cut short (a crash, a timeout): agreements already sent are skipped by their key.
  const [today, settings, linkKey] = await Promise.all([companyToday(deps), getSettings(deps), renewalLinkKey(deps.db)])
  const ctx = { publicUrl: deps.publicUrl, linkKey, today, brand: await loadBrand(deps.db, deps.publicUrl), now: deps.clock.now() }
  for (let after = ''; ; ) {
    const ids = await selected(deps.db, r, today).select('a.id').where(sendable(r.kind)).where('a.id', '>', after).orderBy('a.id').limit(200).execute()
    if (ids.length === 0) break
    after = ids.at(-1)!.id
    const agreements = await loadRenewable(deps.db, ids.map((x) => x.id))
    const notices = agreements.map((a): NoticeToSend => ({ agreement: a, kind: r.kind, offer: offerFor(a, changeFor(r, a), today), batchId: batch.id, createdBy: actor }))
    await deps.db.transaction().execute((tx) => insertNoticesTx(tx, notices, ctx))
    deps.kickOutbox?.()
  }
  const [sent, all] = await Promise.all([
    deps.db.selectFrom('renewalNotices').select((eb) => eb.fn.countAll<number>().as('n')).where('batchId', '=', batch.id).executeTakeFirstOrThrow(),
    selected(deps.db, r, today).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const counts = { sent: Number(sent.n), skipped: Math.max(0, Number(all.n) - Number(sent.n)) }
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('renewalBatches').set({ status: 'completed', ...counts, finishedAt: deps.clock.now() }).where('id', '=', batch.id).execute()
    await recordAuditEvent(tx, { entityType: 'renewal_batch', entityId: batch.id, action: `renewals.${r.kind}s_sent`, actorUserId: actor, details: { ...counts, priceChange: r.priceChange ?? null } })
  })
  return { batchId: batch.id, ...counts, replayed: !created }
}

/** An agreement's renewal timeline: every notice, quote and reminder, with opens and acceptances, newest first. */
export async function agreementRenewals(db: Db, agreementId: string, now: Date) {
  const rows = await db
    .selectFrom('renewalNotices as n')
    .leftJoin('users as u', 'u.id', 'n.createdBy')
    .select([
      'n.id', 'n.kind', 'n.termEnd', 'n.daysBefore', 'n.startDate', 'n.oldPeriodCents', 'n.newPeriodCents', 'n.priceChange', 'n.status', 'n.recipient', 'n.sentAt', 'n.openedAt',
      'n.acceptedAt', 'n.newAgreementId', 'n.signerName', 'n.expiresAt', 'u.name as createdByName',
    ])
    .where('n.agreementId', '=', agreementId)
    .orderBy('n.sentAt', 'desc')
    .orderBy('n.id', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    termEnd: r.termEnd,
    daysBefore: r.daysBefore,
    startDate: r.startDate,
    oldPerBillCents: Number(r.oldPeriodCents),
    newPerBillCents: Number(r.newPeriodCents),
    priceChange: (typeof r.priceChange === 'string' ? JSON.parse(r.priceChange) : r.priceChange) as PriceChange,
    status: (r.status === 'sent' || r.status === 'opened') && r.expiresAt && r.expiresAt.getTime() <= now.getTime() ? ('expired' as const) : r.status,
    recipient: r.recipient,
    sentAt: r.sentAt.toISOString(),
    openedAt: r.openedAt?.toISOString() ?? null,
    acceptedAt: r.acceptedAt?.toISOString() ?? null,
    newAgreementId: r.newAgreementId,
    signerName: r.signerName,
    createdByName: r.createdByName,
  }))
}
