import { formatDate } from '../../domain/formatting.ts'
import type { AcceptRenewalInput, PublicRenewalView } from '../../contracts/renewals.ts'
import { loadBrand } from '../email/brand.ts'
import type { Db } from '../../db/database.ts'
import type { Selectable } from 'kysely'
import type { RenewalNoticesTable } from '../../db/schema.ts'
import { AppError, conflict, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { dayBeforeIso } from '../../domain/iso-date.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import { autoRenewTermsText, nextTermDates, perBillCents, priceChangeText, type PriceChange } from '../../domain/renewal-terms.ts'
import { hashSignupToken, looksLikeSignupToken, sha256Hex } from '../../domain/signup-token.ts'
import type { Approved } from '../../ports/payment-gateway.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { tokenizerUrl } from '../quotes/public-signup.ts'
import { paymentMethodRow, storePaymentMethod } from '../quotes/store-payment-method.ts'
import { companyFormat, companyToday, getSettings } from '../settings/company-settings.ts'
import { createNextTermTx } from './next-term.ts'
import { loadRenewable, markOpened, type Offer, type RenewableAgreement } from './renewal-offers.ts'
import { getRenewalSettings, renewalLinkKey } from './renewal-settings.ts'

/**
 * The customer's hosted renewal page (`/renew/<token>`): the offered next term, accepted with the
 * payment method on file (one click and a signature) or a new card or bank account. Exactly one
 * next term however often it is submitted: a lease on the notice lets one request reach the
 * gateway, a second submit waits for the first, and the agreement row lock plus the unique index
 * on `renewal_of_id` are the last guards. Every failure is a 404 about this link only.
 */
const PROCESSING_LEASE_MS = 90_000
const WAIT_FOR_OTHER_MS = 20_000

const invalidLink = () => new AppError('not_found', 'link_invalid', 'This link is not valid. Check that you copied the whole address from your email, or ask us for a new link.')
const replacedLink = () => new AppError('not_found', 'link_replaced', 'This link has been replaced by a newer one. Please use the link in the most recent email we sent you.')
const expiredLink = () => new AppError('not_found', 'link_expired', 'This renewal offer has expired. Please contact us and we will send you a new one.')
const renewedElsewhere = () => new AppError('not_found', 'link_accepted', 'This agreement has already been renewed.')

type Notice = Selectable<RenewalNoticesTable>

async function resolveNotice(deps: ServiceDeps, token: string): Promise<{ notice: Notice; agreement: RenewableAgreement }> {
  if (!looksLikeSignupToken(token)) throw invalidLink()
  const notice = await deps.db.selectFrom('renewalNotices').selectAll().where('tokenHash', '=', hashSignupToken(token)).executeTakeFirst()
  if (!notice) throw invalidLink()
  const [agreement] = await loadRenewable(deps.db, [notice.agreementId])
  if (!agreement) throw invalidLink()
  if (notice.status === 'accepted') return { notice, agreement }
  if (notice.status === 'superseded') throw agreement.renewedById ? renewedElsewhere() : replacedLink()
  if (agreement.renewedById) throw renewedElsewhere()
  if (notice.status === 'expired' || (notice.expiresAt && notice.expiresAt.getTime() <= deps.clock.now().getTime())) throw expiredLink()
  if (!['active', 'suspended', 'expired'].includes(agreement.status) || agreement.closeOn) throw expiredLink()
  return { notice, agreement }
}

const linesOf = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as PricedLine[]
const changeOf = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as PriceChange

/** The offer as it stands today: the notice's lines and price, the dates from today (a late acceptance starts today). */
function offerOf(notice: Notice, a: RenewableAgreement, today: string): Offer {
  const lines = linesOf(notice.lines)
  const dates = nextTermDates({ endDate: notice.termEnd, termMonths: notice.termMonths, startDate: a.startDate }, today)
  const perBill = perBillCents(lines, a.taxRatePpm)
  const change = changeOf(notice.priceChange)
  return { ...dates, intervalMonths: notice.billingIntervalMonths, lines, change, oldPerBillCents: Number(notice.oldPeriodCents), perBillCents: perBill, changeText: perBill === Number(notice.oldPeriodCents) ? 'the same price' : priceChangeText(change), autoRenew: notice.autoRenew }
}

/** The automatic-renewal terms of the new term (renewing later with the agreement's configured change), when offered. */
async function termsOf(deps: ServiceDeps, offer: Offer, a: RenewableAgreement, companyName: string): Promise<string | null> {
  if (!offer.autoRenew || !offer.termMonths) return null
  const s = await getRenewalSettings(deps.db)
  return autoRenewTermsText({ companyName, termMonths: offer.termMonths, intervalMonths: offer.intervalMonths, perBillCents: offer.perBillCents, change: a.renewalChange, noticeDays: s.autoRenewNoticeDays })
}

async function viewOf(deps: ServiceDeps, notice: Notice, a: RenewableAgreement): Promise<PublicRenewalView> {
  const [settings, today] = await Promise.all([getSettings(deps), companyToday(deps)])
  const offer = offerOf(notice, a, today)
  const [pm, created] = await Promise.all([
    a.paymentMethodId ? deps.db.selectFrom('paymentMethods').select(['kind', 'brand', 'last4', 'expiry', 'isActive']).where('id', '=', a.paymentMethodId).executeTakeFirst() : undefined,
    notice.newAgreementId ? deps.db.selectFrom('agreements').select('number').where('id', '=', notice.newAgreementId).executeTakeFirst() : undefined,
  ])
  const tokenizer = tokenizerUrl(deps.gatewayBrowserUrl)
  return {
    state: notice.status === 'accepted' ? 'accepted' : 'open',
    companyName: settings.companyName,
    format: { locale: settings.locale, timeZone: settings.timeZone },
    customerName: a.customerName,
    agreement: { number: a.number, name: a.name, lastDay: dayBeforeIso(notice.termEnd), location: a.location },
    offer: { kind: notice.kind, ...offer, termsText: a.termsText, autoRenewTerms: await termsOf(deps, offer, a, settings.companyName) },
    onFile: pm?.isActive ? { kind: pm.kind, brand: pm.brand, last4: pm.last4, expiry: pm.expiry } : null,
    tokenizerUrl: tokenizer,
    tokenizerOrigin: new URL(tokenizer).origin,
    newAgreementNumber: created ? Number(created.number) : null,
  }
}

/** What the customer sees at the link; the first open is recorded on the agreement's timeline. */
export async function openRenewal(deps: ServiceDeps, token: string, meta: { ip: string }): Promise<PublicRenewalView> {
  const { notice, agreement } = await resolveNotice(deps, token)
  if (!notice.openedAt) {
    await markOpened(deps.db, notice.id, deps.clock.now())
    await recordAuditEvent(deps.db, { entityType: 'agreement', entityId: agreement.id, action: 'renewal.opened', actorUserId: null, details: { noticeId: notice.id, kind: notice.kind, ip: meta.ip } })
  }
  return viewOf(deps, notice, agreement)
}

/** The customer accepts the next term: signs, and pays with the method on file or a new one. */
export async function acceptRenewal(deps: ServiceDeps, token: string, input: AcceptRenewalInput, meta: { ip: string; userAgent: string }): Promise<PublicRenewalView> {
  const { notice, agreement } = await resolveNotice(deps, token)
  if (notice.status === 'accepted') return viewOf(deps, notice, agreement)
  if (input.autoRenewConsent && !notice.autoRenew) throw validationError({ autoRenewConsent: 'is not offered for this renewal' })
  if (!(await claimNotice(deps, notice.id))) return waitForOther(deps, notice.id, agreement)
  try {
    let stored: Approved | null = null
    if (input.paymentMethod.kind === 'on_file') {
      const pm = agreement.paymentMethodId
        ? await deps.db.selectFrom('paymentMethods').select('isActive').where('id', '=', agreement.paymentMethodId).executeTakeFirst()
        : undefined
      if (!pm?.isActive) throw validationError({ paymentMethod: 'has nothing on file: add a card or bank account' })
    } else stored = await storePaymentMethod(deps, { signerName: input.signerName, paymentMethod: input.paymentMethod })
    await recordAcceptance(deps, notice, agreement, input, meta, stored)
  } catch (err) {
    await deps.db.updateTable('renewalNotices').set({ processingUntil: null }).where('id', '=', notice.id).where('status', '!=', 'accepted').execute()
    throw err
  }
  deps.kickOutbox?.()
  const after = await deps.db.selectFrom('renewalNotices').selectAll().where('id', '=', notice.id).executeTakeFirstOrThrow()
  return viewOf(deps, after, (await loadRenewable(deps.db, [agreement.id]))[0]!)
}

async function claimNotice(deps: ServiceDeps, id: string): Promise<boolean> {
  const now = deps.clock.now()
  const r = await deps.db
    .updateTable('renewalNotices')
    .set({ processingUntil: new Date(now.getTime() + PROCESSING_LEASE_MS) })
    .where('id', '=', id)
    .where('status', 'in', ['sent', 'opened'])
    .where((eb) => eb.or([eb('processingUntil', 'is', null), eb('processingUntil', '<', now)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** A second submit (double click, other tab): wait (real time, bounded) for the first, then answer as it did. */
async function waitForOther(deps: ServiceDeps, id: string, agreement: RenewableAgreement): Promise<PublicRenewalView> {
  const until = Date.now() + WAIT_FOR_OTHER_MS
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200))
    const n = await deps.db.selectFrom('renewalNotices').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    if (n.status === 'accepted') return viewOf(deps, n, agreement)
    if (!n.processingUntil) throw conflict('renewal_retry', 'Your other attempt did not go through. Please check your details and submit again.')
  }
  throw conflict('renewal_in_progress', 'Your renewal is still being processed. Please wait a moment and reload the page.')
}

async function insertPaymentMethodTx(tx: Db, customerId: string, input: AcceptRenewalInput, stored: Approved): Promise<string> {
  const pm = input.paymentMethod
  if (pm.kind === 'on_file') throw new Error('no new payment method to insert')
  const id = newId('pm')
  await tx.insertInto('paymentMethods').values(paymentMethodRow(id, customerId, pm, stored, input.signerName)).execute()
  return id
}

async function recordAcceptance(deps: ServiceDeps, notice: Notice, a: RenewableAgreement, input: AcceptRenewalInput, meta: { ip: string; userAgent: string }, stored: Approved | null) {
  const [settings, today, linkKey] = await Promise.all([getSettings(deps), companyToday(deps), renewalLinkKey(deps.db)])
  const now = deps.clock.now()
  const offer = offerOf(notice, a, today)
  const autoRenewTerms = await termsOf(deps, offer, a, settings.companyName)
  await deps.db.transaction().execute(async (tx) => {
    const n = await tx.selectFrom('renewalNotices').select(['status']).where('id', '=', notice.id).forUpdate().executeTakeFirstOrThrow()
    if (n.status !== 'sent' && n.status !== 'opened') throw replacedLink()
    const paymentMethodId = stored ? await insertPaymentMethodTx(tx, a.customerId, input, stored) : a.paymentMethodId!
    const autoRenew = offer.autoRenew && input.autoRenewConsent
    const created = await createNextTermTx(
      tx,
      a,
      { offer, paymentMethodId, autoRenew, autoRenewConsentAt: autoRenew ? now : null, how: 'accepted', noticeId: notice.id, actor: null, autoRenewTerms },
      { publicUrl: deps.publicUrl, linkKey, today, companyName: settings.companyName, brand: await loadBrand(tx, deps.publicUrl), now },
    )
    const document = sha256Hex(['renewal|v1', notice.id, JSON.stringify(offer.lines), offer.startDate, offer.endDate ?? '', sha256Hex(a.termsText), autoRenew ? sha256Hex(autoRenewTerms ?? '') : ''].join('|'))
    await tx
      .updateTable('renewalNotices')
      .set({
        status: 'accepted', acceptedAt: now, processingUntil: null, newAgreementId: created.id, paymentMethodId, signerName: input.signerName, signedIp: meta.ip,
        signedUserAgent: meta.userAgent.slice(0, 500), termsSha256: sha256Hex(a.termsText), documentSha256: document, autoRenewConsent: autoRenew,
      })
      .where('id', '=', notice.id)
      .execute()
    await tx.updateTable('renewalNotices').set({ status: 'superseded' }).where('agreementId', '=', a.id).where('id', '!=', notice.id).where('status', 'in', ['sent', 'opened']).execute()
    await recordAuditEvent(tx, {
      entityType: 'agreement', entityId: a.id, action: 'renewal.signed', actorUserId: null,
      details: { noticeId: notice.id, signerName: input.signerName, ip: meta.ip, documentSha256: document, autoRenewConsent: autoRenew, paymentMethod: input.paymentMethod.kind },
    })
    await notifyOffice(tx, {
      kind: 'renewal.accepted',
      title: `${a.customerName} renewed agreement #${a.number}: #${created.number} from ${formatDate(offer.startDate, (await companyFormat(tx)).locale)}`,
      body: `${a.name}, ${offer.changeText}`,
      link: `/agreements/${created.id}`,
    })
  })
}
