import { sql } from 'kysely'
import type { CompanyBrand } from '../email/layout.tsx'
import { loadBrand } from '../email/brand.ts'
import type { Db } from '../../db/database.ts'
import { assertTransition } from '../../domain/agreement-status.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { dueReminder, LEGAL_NOTICE_MAX_DAYS } from '../../domain/renewal-reminders.ts'
import { perBillCents, type PriceChange } from '../../domain/renewal-terms.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { cancelRemainingVisitsTx } from '../agreements/agreement-visits.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { companyToday, getSettings } from '../settings/company-settings.ts'
import { createNextTermTx } from './next-term.ts'
import { insertNoticesTx, loadRenewable, offerFor, openOffers, type LinkContext, type NoticeToSend, type Offer, type RenewableAgreement } from './renewal-offers.ts'
import { getRenewalSettings, renewalLinkKey } from './renewal-settings.ts'
import { jobRound } from '../metrics/metrics.ts'

/**
 * The daily renewal work, safe to run any number of times and on several servers at once:
 *   1. reminders  — scheduled reminders and the legal auto-renewal notice (domain/renewal-reminders.ts),
 *                   each unique per agreement, term and step;
 *   2. renew      — an auto-renewing active agreement whose term has ended gets its next term,
 *                   starting the day the old one ends (even when this runs late: no gap);
 *   3. end        — a term that is over becomes `renewed` (a next term took over), `closed` (a
 *                   closing was scheduled for its end) or `expired`; expired and closed ones have
 *                   their remaining visits cancelled and the office is told.
 * A term is finished only once billing has invoiced its last period (its cursor reached the end),
 * so no period is left unbilled; a suspended agreement ends as it is.
 * Bill all runs 2 and 3 before it invoices, so a new term's first period is billed on its first day.
 */
type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void }

export interface RenewalJobSummary {
  reminders: number
  autoRenewed: number
  renewed: number
  expired: number
  closed: number
}

async function context(deps: ServiceDeps): Promise<LinkContext & { companyName: string; brand: CompanyBrand; now: Date }> {
  const [today, settings, linkKey, brand] = await Promise.all([companyToday(deps), getSettings(deps), renewalLinkKey(deps.db), loadBrand(deps.db, deps.publicUrl)])
  return { today, publicUrl: deps.publicUrl, linkKey, companyName: settings.companyName, brand, now: deps.clock.now() }
}

/** Ids of agreements matching `where`, `batch` at a time by id (never more than one batch in memory). */
async function* idBatches(db: Db, where: ReturnType<typeof sql<boolean>>, batch = 200): AsyncGenerator<string[]> {
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('agreements').select('id').where(where).where('id', '>', after).orderBy('id').limit(batch).execute()
    if (rows.length) yield rows.map((r) => r.id)
    if (rows.length < batch) return
    after = rows.at(-1)!.id
  }
}

/** Runs everything; the office's "Run now", the daily timer and the tests call this. */
export async function runRenewalJob(deps: ServiceDeps, log?: Log): Promise<RenewalJobSummary> {
  const reminders = await sendDueReminders(deps)
  return { reminders, ...(await renewAndEndTerms(deps, log)) }
}

/** 1. Today's reminders. */
export async function sendDueReminders(deps: ServiceDeps): Promise<number> {
  const ctx = await context(deps)
  const settings = await getRenewalSettings(deps.db)
  const horizon = addDays(ctx.today, Math.max(LEGAL_NOTICE_MAX_DAYS, ...settings.reminderDays))
  let sent = 0
  const due = sql<boolean>`status in ('active', 'suspended') and renewed_by_id is null and close_on is null and end_date > ${ctx.today}::date and end_date <= ${horizon}::date`
  for await (const ids of idBatches(deps.db, due)) {
    const [agreements, open, already] = await Promise.all([
      loadRenewable(deps.db, ids),
      openOffers(deps.db, ids, ctx.now),
      deps.db
        .selectFrom('renewalNotices as n')
        .innerJoin('agreements as a', (j) => j.onRef('a.id', '=', 'n.agreementId').onRef('a.endDate', '=', 'n.termEnd'))
        .select(['n.agreementId', 'n.kind', 'n.daysBefore'])
        .where('n.agreementId', 'in', ids)
        .where('n.kind', 'in', ['reminder', 'auto_renew_notice'])
        .execute(),
    ])
    const notices: NoticeToSend[] = []
    for (const a of agreements) {
      if (!a.email) continue
      // An open offer (a quote with its own price) carries over; else the configured change.
      const o = open.get(a.id)
      const offer = o ? withLines(offerFor(a, o.change, ctx.today), o.lines, a.taxRatePpm) : offerFor(a, a.renewalChange, ctx.today)
      const sentBefore = already.filter((x) => x.agreementId === a.id).map((x) => ({ kind: x.kind as 'reminder' | 'auto_renew_notice', daysBefore: x.daysBefore }))
      const d = dueReminder({
        today: ctx.today, termEnd: a.endDate!, reminderDays: settings.reminderDays, autoRenew: a.autoRenew && a.status === 'active', termMonths: a.termMonths,
        autoRenewNoticeDays: settings.autoRenewNoticeDays, priceChanges: offer.perBillCents !== offer.oldPerBillCents, sent: sentBefore,
      })
      if (d) notices.push({ agreement: a, kind: d.kind, offer, daysBefore: d.daysBefore })
    }
    if (notices.length) sent += (await deps.db.transaction().execute((tx) => insertNoticesTx(tx, notices, ctx))).length
  }
  if (sent) deps.kickOutbox?.()
  return sent
}

function withLines(offer: Offer, lines: PricedLine[], taxRatePpm: number): Offer {
  const perBill = perBillCents(lines, taxRatePpm)
  return { ...offer, lines, perBillCents: perBill, changeText: perBill === offer.oldPerBillCents ? 'the same price' : offer.changeText }
}

/** 2 and 3: next terms of auto-renewing agreements, then terms that are over. */
export async function renewAndEndTerms(deps: ServiceDeps, log?: Log): Promise<Omit<RenewalJobSummary, 'reminders'>> {
  const ctx = await context(deps)
  const out = { autoRenewed: 0, renewed: 0, expired: 0, closed: 0 }
  const renewable = sql<boolean>`status = 'active' and auto_renew and renewed_by_id is null and close_on is null and end_date <= ${ctx.today}::date and payment_method_id is not null`
  for await (const ids of idBatches(deps.db, renewable)) {
    for (const a of await loadRenewable(deps.db, ids)) {
      try {
        await deps.db.transaction().execute(async (tx) => {
          const offer = await autoRenewalOffer(tx, a)
          await createNextTermTx(tx, a, { offer, paymentMethodId: a.paymentMethodId!, autoRenew: true, autoRenewConsentAt: a.autoRenewConsentAt, how: 'auto_renewed', noticeId: null, actor: null, autoRenewTerms: null }, ctx)
        })
        out.autoRenewed++
      } catch (err) {
        // Renewed meanwhile by another server or an accepted quote: nothing to do.
        if ((err as { code?: string }).code !== 'agreement_already_renewed') log?.error({ agreementId: a.id, error: (err as Error).message }, 'auto-renewal failed')
      }
    }
  }
  // A term is over once its end date has come and billing has invoiced its last period.
  const over = sql<boolean>`status in ('active', 'suspended') and end_date <= ${ctx.today}::date
    and (status = 'suspended' or coalesce(next_bill_date, start_date) >= end_date)
    and not (status = 'active' and auto_renew and renewed_by_id is null and close_on is null and payment_method_id is not null)`
  const expired: { id: string; number: number }[] = []
  for await (const ids of idBatches(deps.db, over)) {
    for (const id of ids) {
      const ended = await deps.db.transaction().execute((tx) => endTermTx(tx, id, ctx))
      if (ended) out[ended.how]++
      if (ended?.how === 'expired') expired.push(ended)
    }
  }
  if (expired.length)
    await notifyOffice(deps.db, {
      kind: 'agreements.expired',
      title: expired.length === 1 ? `Agreement #${expired[0]!.number} expired without renewal` : `${expired.length} agreements expired without renewal`,
      body: 'Billing stopped after their last period and their remaining visits were cancelled.',
      link: expired.length === 1 ? `/agreements/${expired[0]!.id}` : '/agreements?status=expired',
    })
  if (out.autoRenewed) deps.kickOutbox?.()
  return out
}

/** The price an auto-renewal uses: the one the customer was last told for this term (reminder or notice), else the configured change now. */
async function autoRenewalOffer(tx: Db, a: RenewableAgreement): Promise<Offer> {
  const told = await tx
    .selectFrom('renewalNotices')
    .select(['lines', 'priceChange'])
    .where('agreementId', '=', a.id)
    .where('termEnd', '=', a.endDate!)
    .where('kind', 'in', ['reminder', 'auto_renew_notice'])
    .orderBy('sentAt', 'desc')
    .executeTakeFirst()
  // The new term starts the day the old one ends, whenever this runs.
  const base = offerFor(a, told ? ((typeof told.priceChange === 'string' ? JSON.parse(told.priceChange) : told.priceChange) as PriceChange) : a.renewalChange, a.endDate!)
  return told ? withLines(base, (typeof told.lines === 'string' ? JSON.parse(told.lines) : told.lines) as PricedLine[], a.taxRatePpm) : base
}

/** Ends one agreement's term as renewed, closed or expired (re-checked under the row lock). */
async function endTermTx(tx: Db, id: string, ctx: { today: string; now: Date }): Promise<{ id: string; number: number; how: 'renewed' | 'closed' | 'expired' } | null> {
  const a = await tx
    .selectFrom('agreements')
    .select(['id', 'number', 'status', 'endDate', 'renewedById', 'closeOn', 'closeReason', 'closeRequestedBy', 'autoRenew', 'paymentMethodId'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!a || !a.endDate || a.endDate > ctx.today || (a.status !== 'active' && a.status !== 'suspended')) return null
  const number = Number(a.number)
  if (a.closeOn) {
    await tx.updateTable('agreements').set({ status: assertTransition(a.status, 'close'), statusReason: a.closeReason, closedAt: ctx.now, endedOn: a.closeOn, autoRenew: false, updatedAt: ctx.now }).where('id', '=', id).execute()
    const visits = await cancelRemainingVisitsTx(tx, { agreementId: id, fromDate: null, reason: 'The agreement closed', actor: null, now: ctx.now })
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.closed', actorUserId: null, details: { reason: a.closeReason, requestedBy: a.closeRequestedBy, scheduledFor: a.closeOn, visitsCancelled: visits } })
    return { id, number, how: 'closed' }
  }
  if (a.renewedById) {
    await tx.updateTable('agreements').set({ status: assertTransition(a.status, 'renew'), endedOn: a.endDate, updatedAt: ctx.now }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.renewed', actorUserId: null, details: { renewedBy: a.renewedById } })
    return { id, number, how: 'renewed' }
  }
  await tx.updateTable('agreements').set({ status: assertTransition(a.status, 'expire'), endedOn: a.endDate, statusReason: 'The term ended without renewal', updatedAt: ctx.now }).where('id', '=', id).execute()
  const visits = await cancelRemainingVisitsTx(tx, { agreementId: id, fromDate: null, reason: 'The agreement expired', actor: null, now: ctx.now })
  const why = a.autoRenew ? (a.status === 'suspended' ? 'suspended, so not renewed automatically' : 'no payment method on file to renew with') : 'not renewed'
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.expired', actorUserId: null, details: { endDate: a.endDate, why, visitsCancelled: visits } })
  return { id, number, how: 'expired' }
}

export interface RenewalJob {
  /** One pass now (tests); the job also runs every `intervalMs`. */
  tick(): Promise<void>
  stop(): void
}

/** Starts the renewal job (wired in main.ts, like automatic billing): every 15 minutes, so a term ending today is handled soon after midnight. */
export function startRenewalJob(deps: ServiceDeps, opts: { intervalMs?: number; log?: Log } = {}): RenewalJob {
  let running: Promise<void> | null = null
  const tick = (): Promise<void> => {
    running ??= runRenewalJob(deps, opts.log)
      .then((s) => void (jobRound('renewals'), Object.values(s).some((n) => n > 0) && opts.log?.info({ ...s }, 'renewals processed')))
      .catch((err: Error) => (jobRound('renewals', false), opts.log?.error({ error: err.message }, 'renewal job failed')))
      .finally(() => (running = null))
    return running
  }
  const first = setTimeout(() => void tick(), 5_000)
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 15 * 60_000)
  first.unref()
  timer.unref()
  return {
    tick,
    stop: () => {
      clearTimeout(first)
      clearInterval(timer)
    },
  }
}
