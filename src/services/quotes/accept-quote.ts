import type { AcceptQuoteInput, PublicQuoteView } from '../../contracts/signup.ts'
import { loadBrand } from '../email/brand.ts'
import { officeNotifyEmail } from '../../config/office-notify.ts'
import type { Db } from '../../db/database.ts'
import { conflict, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { addMonthsIso } from '../../domain/iso-date.ts'
import { optionLines } from '../../domain/quote-pricing.ts'
import { assertQuoteAction } from '../../domain/quote-status.ts'
import { perPeriodText, quoteLabel, usd } from '../../domain/quote-text.ts'
import { sha256Hex, signedDocumentHash } from '../../domain/signup-token.ts'
import type { Approved } from '../../ports/payment-gateway.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { companyToday, getSettings } from '../settings/company-settings.ts'
import { priceChangeValue } from '../../domain/renewal-terms.ts'
import { manageLinkOf } from '../renewals/renewal-offers.ts'
import { renewalLinkKey } from '../renewals/renewal-settings.ts'
import { lockQuote } from './manage-quotes.ts'
import { autoRenewTermsOf, publicView, resolveLink } from './public-signup.ts'
import { officeAcceptedEmail, signupReceivedEmail } from './quote-emails.ts'
import { loadQuote, loadRevision } from './quote-repository.ts'
import { quotePdf } from './send-quote.ts'
import { paymentMethodRow, storePaymentMethod } from './store-payment-method.ts'

/** How long one request may hold a link while the gateway verifies the payment method. */
const PROCESSING_LEASE_MS = 90_000
/** How long a second submit (double click, other tab) waits for the first to finish. */
const WAIT_FOR_OTHER_MS = 20_000

export interface SignupMeta {
  ip: string
  userAgent: string
}

/**
 * The customer accepts: verifies and stores the payment method at the gateway ($0 verification
 * with profile:"Y"; bank accounts through the profile API), then in one transaction records the
 * e-signature, the payment method and a `pending_approval` agreement, marks the quote accepted,
 * uses up the link, notifies the office and queues the office email.
 *
 * Exactly one agreement per quote, however often this runs: a lease on the link lets one request
 * at a time reach the gateway, a later submit waits for and returns the first one's result, and
 * the unique index on `agreements.quote_id` is the final guard.
 */
export async function acceptSignup(deps: ServiceDeps, token: string, input: AcceptQuoteInput, meta: SignupMeta): Promise<PublicQuoteView> {
  const { link } = await resolveLink(deps, token)
  if (link.usedAt) return publicView(deps, link.quoteId, link.revision)
  const quote = await deps.db.selectFrom('quotes').select(['status']).where('id', '=', link.quoteId).executeTakeFirstOrThrow()
  assertQuoteAction(quote.status, 'accept')
  const revision = await loadRevision(deps.db, link.quoteId, link.revision)
  const option = revision?.options.find((o) => o.id === input.optionId)
  if (!revision || !option) throw validationError({ optionId: 'is not one of the options of this quote' })
  if (input.autoRenewConsent && !option.autoRenew) throw validationError({ autoRenewConsent: 'is not offered with this option' })

  if (!(await claimLink(deps, link.id))) return waitForOther(deps, link.id, link.quoteId, link.revision)
  let stored: Approved
  try {
    stored = await storePaymentMethod(deps, input)
  } catch (err) {
    await releaseLink(deps.db, link.id)
    throw err
  }
  try {
    await recordAcceptance(deps, { link, input, meta, stored, revision, option })
  } catch (err) {
    await releaseLink(deps.db, link.id)
    if (isUniqueViolation(err)) return publicView(deps, link.quoteId, link.revision)
    throw err
  }
  deps.kickOutbox?.()
  return publicView(deps, link.quoteId, link.revision)
}

/** Takes the link's processing lease; false when another request holds it. */
async function claimLink(deps: ServiceDeps, linkId: string): Promise<boolean> {
  const now = deps.clock.now()
  const res = await deps.db
    .updateTable('quoteLinks')
    .set({ processingUntil: new Date(now.getTime() + PROCESSING_LEASE_MS) })
    .where('id', '=', linkId)
    .where('usedAt', 'is', null)
    .where('revokedAt', 'is', null)
    .where((eb) => eb.or([eb('processingUntil', 'is', null), eb('processingUntil', '<', now)]))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

async function releaseLink(db: Db, linkId: string): Promise<void> {
  await db.updateTable('quoteLinks').set({ processingUntil: null }).where('id', '=', linkId).where('usedAt', 'is', null).execute()
}

/** A second submit: wait (real time, bounded) for the first to finish, then answer as it did. */
async function waitForOther(deps: ServiceDeps, linkId: string, quoteId: string, revision: number): Promise<PublicQuoteView> {
  const until = Date.now() + WAIT_FOR_OTHER_MS
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200))
    const l = await deps.db.selectFrom('quoteLinks').select(['usedAt', 'processingUntil']).where('id', '=', linkId).executeTakeFirstOrThrow()
    if (l.usedAt) return publicView(deps, quoteId, revision)
    if (!l.processingUntil) throw conflict('signup_retry', 'Your other attempt did not go through. Please check your details and submit again.')
  }
  throw conflict('signup_in_progress', 'Your sign-up is still being processed. Please wait a moment and reload the page.')
}

interface Acceptance {
  link: { id: string; quoteId: string; revision: number }
  input: AcceptQuoteInput
  meta: SignupMeta
  stored: Approved
  revision: NonNullable<Awaited<ReturnType<typeof loadRevision>>>
  option: NonNullable<Awaited<ReturnType<typeof loadRevision>>>['options'][number]
}

async function recordAcceptance(deps: ServiceDeps, a: Acceptance): Promise<void> {
  const { link, input, meta, stored, revision, option } = a
  const settings = await getSettings(deps)
  const notifyTo = officeNotifyEmail()
  const now = deps.clock.now()
  // The customer's copy of what they signed; rendered before the transaction (no I/O inside it).
  const signedPdf = revision.recipientEmail ? await quotePdf(deps, await loadQuote(deps.db, link.quoteId, link.revision)) : null
  // Automatic renewal only with its own consent, to the exact terms shown beside it (California BPC §17602).
  const autoRenewTerms = input.autoRenewConsent ? ((await autoRenewTermsOf(deps, [option], settings.companyName))[option.id] ?? null) : null
  const [linkKey, today] = await Promise.all([renewalLinkKey(deps.db), companyToday(deps)])
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, link.quoteId)
    assertQuoteAction(q.status, 'accept')
    const customer = await tx.selectFrom('customers').select('name').where('id', '=', q.customerId).executeTakeFirstOrThrow()
    const paymentMethodId = newId('pm')
    await tx.insertInto('paymentMethods').values(paymentMethodRow(paymentMethodId, q.customerId, input.paymentMethod, stored, input.signerName)).execute()
    const signatureId = newId('sig')
    const { totals: _t, ...optionContent } = option
    const documentHash = signedDocumentHash({ quoteId: q.id, revision: link.revision, optionJson: JSON.stringify(optionContent), termsText: revision.termsText })
    await tx
      .insertInto('quoteSignatures')
      .values({
        id: signatureId,
        quoteId: q.id,
        revision: link.revision,
        optionId: option.id,
        linkId: link.id,
        signerName: input.signerName,
        consent: true,
        signedAt: now,
        ipAddress: meta.ip,
        userAgent: meta.userAgent.slice(0, 500),
        termsSha256: sha256Hex(revision.termsText),
        documentSha256: documentHash,
        autoRenewConsent: autoRenewTerms !== null,
        autoRenewTermsSha256: autoRenewTerms === null ? null : sha256Hex(autoRenewTerms),
      })
      .execute()
    const agreementId = newId('agr')
    const inserted = await tx
      .insertInto('agreements')
      .values({
        id: agreementId,
        customerId: q.customerId,
        locationId: revision.locationId,
        quoteId: q.id,
        planId: option.planId,
        name: option.name,
        status: 'pending_approval',
        billingIntervalMonths: option.billingIntervalMonths,
        startDate: revision.startDate,
        termMonths: option.termMonths,
        endDate: option.termMonths === null ? null : addMonthsIso(revision.startDate, option.termMonths),
        visitsPerTerm: option.visitsPerTerm,
        visitMonths: option.visitMonths,
        lines: JSON.stringify(optionLines(option)),
        taxRatePpm: revision.taxRatePpm,
        termsText: revision.termsText,
        paymentMethodId,
        approvedAt: null,
        approvedBy: null,
        closedAt: null,
        autoRenew: autoRenewTerms !== null,
        autoRenewConsentAt: autoRenewTerms !== null ? now : null,
        renewalChangeKind: option.renewalChange.kind,
        renewalChangeValue: priceChangeValue(option.renewalChange),
      })
      .returning('number')
      .executeTakeFirstOrThrow()
    await tx.updateTable('quotes').set({ status: 'accepted', acceptedOptionId: option.id, respondedAt: now, updatedAt: now }).where('id', '=', q.id).execute()
    await tx.updateTable('quoteLinks').set({ usedAt: now, processingUntil: null }).where('id', '=', link.id).execute()
    await tx.updateTable('quoteLinks').set({ revokedAt: now }).where('quoteId', '=', q.id).where('id', '!=', link.id).where('revokedAt', 'is', null).execute()
    const signer = { signerName: input.signerName, ip: meta.ip, signatureId }
    await recordAuditEvent(tx, { entityType: 'quote', entityId: q.id, action: 'quote.accepted', actorUserId: null, details: { revision: link.revision, optionId: option.id, agreementId, ...signer } })
    await recordAuditEvent(tx, {
      entityType: 'agreement',
      entityId: agreementId,
      action: 'agreement.created',
      actorUserId: null,
      details: { status: 'pending_approval', quoteId: q.id, revision: link.revision, paymentMethodId, paymentKind: input.paymentMethod.kind, ...signer },
    })
    const number = Number(inserted.number)
    if (revision.recipientEmail && signedPdf) {
      const email = signupReceivedEmail({
        brand: await loadBrand(tx, deps.publicUrl),
        customerName: customer.name,
        quoteNumber: q.number,
        optionName: option.name,
        perBill: `${usd(option.totals.perPeriod.totalCents)} ${perPeriodText(option)}`,
        signerName: input.signerName,
        signedAt: now,
        timeZone: settings.timeZone,
        documentSha256: documentHash,
        autoRenewTerms,
        manageLink: autoRenewTerms === null ? null : manageLinkOf({ publicUrl: deps.publicUrl, linkKey, today }, agreementId),
      })
      await enqueueEmail(tx, {
        kind: 'quote.accepted',
        to: revision.recipientEmail,
        ...email,
        attachments: [{ filename: `quote-${quoteLabel(q.number)}-signed.pdf`, contentType: 'application/pdf', content: signedPdf }],
        relatedType: 'quote',
        relatedId: q.id,
      })
    }
    await notifyOffice(tx, {
      kind: 'agreement.pending_approval',
      title: `${customer.name} signed up: agreement #${number}`,
      body: `Quote ${quoteLabel(q.number)}, option ${option.name}`,
      link: `/agreements/${agreementId}`,
    })
    if (notifyTo) {
      const email = officeAcceptedEmail({
        brand: await loadBrand(tx, deps.publicUrl),
        customerName: customer.name,
        quoteNumber: q.number,
        optionName: option.name,
        agreementNumber: number,
        link: `${deps.publicUrl}/agreements/${agreementId}`,
      })
      await enqueueEmail(tx, { kind: 'agreement.pending_approval', to: notifyTo, ...email, relatedType: 'agreement', relatedId: agreementId })
    }
  })
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505'
}
