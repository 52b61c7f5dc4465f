import type { QuoteDto } from '../../contracts/quotes.ts'
import { loadBrand } from '../email/brand.ts'
import { validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { aQuote, assertQuoteAction, canQuote } from '../../domain/quote-status.ts'
import { quoteLabel } from '../../domain/quote-text.ts'
import { newSignupToken } from '../../domain/signup-token.ts'
import { addDays } from '../../domain/billing-calendar.ts'
import { localDate, localInstant } from '../../domain/time-zone.ts'
import { notAllowed } from '../../domain/errors.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { companyToday, getCompanyLogo, getSettings } from '../settings/company-settings.ts'
import { lockQuote } from './manage-quotes.ts'
import { quoteSentEmail } from './quote-emails.ts'
import { renderQuotePdf } from './quote-pdf.ts'
import { loadQuote } from './quote-repository.ts'

/** The instant a quote offer ends: the start of the day after `expiresOn` in the company's zone. */
export function offerEndsAt(expiresOn: string, timeZone: string): Date {
  return localInstant(addDays(expiresOn, 1), timeZone)
}

async function recipientFor(deps: ServiceDeps, quote: QuoteDto, to: string | undefined): Promise<string> {
  if (to) return to
  const contact = await deps.db
    .selectFrom('customerContacts')
    .select('email')
    .where('customerId', '=', quote.customerId)
    .where('email', 'is not', null)
    .orderBy('isPrimary', 'desc')
    .orderBy('createdAt')
    .executeTakeFirst()
  if (!contact?.email) throw validationError({ to: 'is required: the customer has no contact with an email address' })
  return contact.email
}

/** The quote PDF for one revision, as the customer gets it. */
export async function quotePdf(deps: ServiceDeps, quote: QuoteDto): Promise<Buffer> {
  const settings = await getSettings(deps)
  // The day it was sent as the company reads it (an evening in New York is already tomorrow in UTC).
  const issuedOn = quote.revision.sentAt ? localDate(new Date(quote.revision.sentAt), settings.timeZone) : await companyToday(deps)
  const logo = await getCompanyLogo(deps)
  return renderQuotePdf({ companyName: settings.companyName, logo: logo?.bytes ?? null, quoteNumber: quote.number, customerName: quote.customerName, revision: quote.revision, issuedOn, locale: settings.locale })
}

/**
 * Sends a draft quote: freezes its current revision, makes a sign-up link (only the token's
 * hash is stored) and queues the email with the PDF, in one transaction. `resend` instead
 * mails a fresh link for the already-sent revision and revokes the old ones.
 */
export async function sendQuote(deps: ServiceDeps, id: string, opts: { to?: string; resend?: boolean }, actor: ActorId): Promise<QuoteDto> {
  const quote = await loadQuote(deps.db, id)
  if (opts.resend) {
    if (!canQuote(quote.status, 'view')) throw notAllowed('quote_resend_not_allowed', `${aQuote(quote.status)} cannot be re-sent; only a sent or viewed one`)
  } else assertQuoteAction(quote.status, 'send')
  const today = await companyToday(deps)
  if (quote.revision.expiresOn < today) throw validationError({ expiresOn: 'has passed; edit the quote (or make a new revision) with a later date' })
  const to = await recipientFor(deps, quote, opts.to)
  const settings = await getSettings(deps)
  const now = deps.clock.now()
  const { token, hash } = newSignupToken()
  const link = `${deps.publicUrl}/q/${token}`
  const sentRevision = { ...quote.revision, sentAt: quote.revision.sentAt ?? now.toISOString() }
  const pdf = await quotePdf(deps, { ...quote, revision: sentRevision })
  const email = quoteSentEmail({ brand: await loadBrand(deps.db, deps.publicUrl), customerName: quote.customerName, quoteNumber: quote.number, revision: sentRevision, link })
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, id)
    if (q.currentRevision !== quote.revision.revision) throw notAllowed('quote_changed', 'The quote changed while sending; reload and try again')
    if (opts.resend) {
      if (!canQuote(q.status, 'view')) throw notAllowed('quote_resend_not_allowed', `${aQuote(q.status)} cannot be re-sent`)
      await tx.updateTable('quoteLinks').set({ revokedAt: now }).where('quoteId', '=', id).where('revokedAt', 'is', null).where('usedAt', 'is', null).execute()
    } else {
      assertQuoteAction(q.status, 'send')
      await tx.updateTable('quoteRevisions').set({ sentAt: now, recipientEmail: to }).where('quoteId', '=', id).where('revision', '=', q.currentRevision).execute()
      await tx.updateTable('quotes').set({ status: 'sent', sentAt: now, updatedAt: now }).where('id', '=', id).execute()
    }
    await tx
      .insertInto('quoteLinks')
      .values({ id: newId('qlk'), quoteId: id, revision: q.currentRevision, tokenHash: hash, expiresAt: offerEndsAt(quote.revision.expiresOn, settings.timeZone), processingUntil: null, usedAt: null, revokedAt: null })
      .execute()
    await enqueueEmail(tx, {
      kind: 'quote.sent',
      to,
      ...email,
      attachments: [{ filename: `quote-${quoteLabel(quote.number)}${quote.revision.revision > 1 ? `-rev${quote.revision.revision}` : ''}.pdf`, contentType: 'application/pdf', content: pdf }],
      relatedType: 'quote',
      relatedId: id,
    })
    await recordAuditEvent(tx, { entityType: 'quote', entityId: id, action: opts.resend ? 'quote.resent' : 'quote.sent', actorUserId: actor, details: { revision: q.currentRevision, to } })
  })
  deps.kickOutbox?.()
  return loadQuote(deps.db, id)
}
