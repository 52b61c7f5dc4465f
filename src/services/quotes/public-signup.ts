import { quoteLabel } from '../../domain/quote-text.ts'
import type { QuoteOptionDto } from '../../contracts/quotes.ts'
import type { PublicQuoteView } from '../../contracts/signup.ts'
import { autoRenewTermsText } from '../../domain/renewal-terms.ts'
import { getRenewalSettings } from '../renewals/renewal-settings.ts'
import { AppError, notAllowed } from '../../domain/errors.ts'
import { hashSignupToken, linkState, looksLikeSignupToken } from '../../domain/signup-token.ts'
import { assertQuoteAction } from '../../domain/quote-status.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { getSettings } from '../settings/company-settings.ts'
import { lockQuote } from './manage-quotes.ts'
import { loadQuote } from './quote-repository.ts'

/**
 * Reading a sign-up link. Every failure is a 404 with a message about this link only: the
 * page never says whether other quotes or customers exist.
 */
const invalidLink = () =>
  new AppError('not_found', 'link_invalid', 'This link is not valid. Check that you copied the whole address from your email, or ask us for a new link.')
const expiredLink = () => new AppError('not_found', 'link_expired', 'This offer has expired. Please contact us and we will send you a new quote.')
const replacedLink = () =>
  new AppError('not_found', 'link_replaced', 'This link has been replaced by a newer one. Please use the link in the most recent email we sent you.')
const revisingLink = () =>
  new AppError('not_found', 'link_replaced', 'This quote is being updated, so this link no longer works. We will email you a link to the new version.')
const declinedLink = () =>
  new AppError('not_found', 'link_declined', 'You declined this quote, so this link no longer works. If you have changed your mind, contact us and we will send you a new one.')
const acceptedLink = () => new AppError('not_found', 'link_accepted', 'This quote has already been accepted through another link from us.')

/** Why a link stopped working, in the customer's terms: only a link sent later was "replaced by a newer one". */
async function stoppedLink(deps: ServiceDeps, link: { id: string; quoteId: string }, quoteStatus: string): Promise<AppError> {
  if (quoteStatus === 'declined') return declinedLink()
  const newer = await deps.db.selectFrom('quoteLinks').select('id').where('quoteId', '=', link.quoteId).where('id', '>', link.id).executeTakeFirst()
  if (newer) return replacedLink()
  return quoteStatus === 'accepted' ? acceptedLink() : revisingLink()
}

export interface ResolvedLink {
  link: { id: string; quoteId: string; revision: number; usedAt: Date | null; processingUntil: Date | null }
  quoteStatus: string
}

/** Finds a link by its token; throws the customer-facing 404s for unknown, revoked or expired links. */
export async function resolveLink(deps: ServiceDeps, token: string): Promise<ResolvedLink> {
  if (!looksLikeSignupToken(token)) throw invalidLink()
  const link = await deps.db.selectFrom('quoteLinks').selectAll().where('tokenHash', '=', hashSignupToken(token)).executeTakeFirst()
  if (!link) throw invalidLink()
  const quote = await deps.db.selectFrom('quotes').select(['status', 'currentRevision']).where('id', '=', link.quoteId).executeTakeFirstOrThrow()
  const state = linkState(link, deps.clock.now())
  if (state === 'revoked') throw await stoppedLink(deps, link, quote.status)
  if (state === 'used') return { link, quoteStatus: quote.status }
  if (quote.currentRevision !== link.revision) throw await stoppedLink(deps, link, quote.status)
  if (state === 'expired' || quote.status === 'expired') {
    if (quote.status === 'sent' || quote.status === 'viewed') await expireQuote(deps, link.quoteId)
    throw expiredLink()
  }
  return { link, quoteStatus: quote.status }
}

async function expireQuote(deps: ServiceDeps, quoteId: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, quoteId)
    if (q.status !== 'sent' && q.status !== 'viewed') return
    await tx.updateTable('quotes').set({ status: 'expired', updatedAt: deps.clock.now() }).where('id', '=', quoteId).execute()
    await recordAuditEvent(tx, { entityType: 'quote', entityId: quoteId, action: 'quote.expired', actorUserId: null, details: { revision: q.currentRevision } })
  })
}

/** The tokenizer page with the options the sign-up page relies on. [doc: external-apis.md A14] */
export function tokenizerUrl(gatewayBrowserUrl: string): string {
  const params = new URLSearchParams({
    useexpiry: 'true',
    usecvv: 'true',
    enhancedresponse: 'true',
    formatinput: 'true',
    invalidinputevent: 'true',
    tokenizewheninactive: 'true',
    inactivityto: '600',
    css: 'input,select{font-size:16px;padding:6px;margin:4px 0;border:1px solid #9aa5b1;border-radius:4px}input{width:220px}.error{color:#b42318;border-color:#b42318}',
  })
  return `${gatewayBrowserUrl.replace(/\/$/, '')}/itoke/ajax-tokenizer.html?${params.toString()}`
}

/** What the customer sees at the link; the first open marks a sent quote as viewed. */
export async function openSignup(deps: ServiceDeps, token: string, meta: { ip: string }): Promise<PublicQuoteView> {
  const { link, quoteStatus } = await resolveLink(deps, token)
  if (quoteStatus === 'sent' && !link.usedAt) {
    await deps.db.transaction().execute(async (tx) => {
      const q = await lockQuote(tx, link.quoteId)
      if (q.status !== 'sent') return
      const now = deps.clock.now()
      await tx.updateTable('quotes').set({ status: assertQuoteAction(q.status, 'view'), viewedAt: now, updatedAt: now }).where('id', '=', q.id).execute()
      await recordAuditEvent(tx, { entityType: 'quote', entityId: q.id, action: 'quote.viewed', actorUserId: null, details: { revision: link.revision, ip: meta.ip } })
    })
  }
  return publicView(deps, link.quoteId, link.revision)
}

/** The customer's view of one quote revision (no office-only fields). */
export async function publicView(deps: ServiceDeps, quoteId: string, revision: number): Promise<PublicQuoteView> {
  const [quote, settings] = await Promise.all([loadQuote(deps.db, quoteId, revision), getSettings(deps)])
  const agreement = quote.agreementId
    ? await deps.db.selectFrom('agreements').select('status').where('id', '=', quote.agreementId).executeTakeFirst()
    : undefined
  const { recipientEmail: _hidden, ...rev } = quote.revision
  const state = quote.status === 'accepted' ? 'accepted' : quote.status === 'declined' ? 'declined' : 'open'
  const tokenizer = tokenizerUrl(deps.gatewayBrowserUrl)
  return {
    state,
    companyName: settings.companyName,
    format: { locale: settings.locale, timeZone: settings.timeZone },
    quoteNumber: quote.number,
    customerName: quote.customerName,
    revision: rev,
    tokenizerUrl: tokenizer,
    tokenizerOrigin: new URL(tokenizer).origin,
    acceptedOptionId: quote.acceptedOptionId,
    agreementStatus: agreement?.status ?? null,
    autoRenewTerms: await autoRenewTermsOf(deps, rev.options, settings.companyName),
  }
}

/** The customer declines the quote (no payment details involved); the office is told. */
export async function declineSignup(deps: ServiceDeps, token: string, reason: string, meta: { ip: string }): Promise<PublicQuoteView> {
  const { link } = await resolveLink(deps, token)
  if (link.usedAt) throw notAllowed('quote_decline_not_allowed', 'This quote has already been accepted')
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, link.quoteId)
    const now = deps.clock.now()
    await tx.updateTable('quotes').set({ status: assertQuoteAction(q.status, 'decline'), respondedAt: now, declineReason: reason, updatedAt: now }).where('id', '=', q.id).execute()
    await tx.updateTable('quoteLinks').set({ revokedAt: now }).where('quoteId', '=', q.id).where('revokedAt', 'is', null).where('usedAt', 'is', null).execute()
    await recordAuditEvent(tx, { entityType: 'quote', entityId: q.id, action: 'quote.declined', actorUserId: null, details: { revision: link.revision, reason, ip: meta.ip } })
    const c = await tx.selectFrom('customers').select('name').where('id', '=', q.customerId).executeTakeFirstOrThrow()
    await notifyOffice(tx, { kind: 'quote.declined', title: `${c.name} declined quote ${quoteLabel(q.number)}`, body: reason, link: `/quotes/${q.id}` })
  })
  return publicView(deps, link.quoteId, link.revision)
}

/** The automatic-renewal terms of each option that offers it (California BPC §17601(b)), as the customer sees them beside the consent. */
export async function autoRenewTermsOf(deps: ServiceDeps, options: readonly QuoteOptionDto[], companyName: string): Promise<Record<string, string>> {
  const offered = options.filter((o) => o.autoRenew && o.termMonths !== null)
  if (offered.length === 0) return {}
  const { autoRenewNoticeDays } = await getRenewalSettings(deps.db)
  return Object.fromEntries(
    offered.map((o) => [
      o.id,
      autoRenewTermsText({ companyName, termMonths: o.termMonths!, intervalMonths: o.billingIntervalMonths, perBillCents: o.totals.perPeriod.totalCents, change: o.renewalChange, noticeDays: autoRenewNoticeDays }),
    ]),
  )
}
