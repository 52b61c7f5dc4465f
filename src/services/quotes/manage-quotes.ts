import { intervalMonths } from '../../contracts/plans.ts'
import type { QuoteDto, QuoteInput } from '../../contracts/quotes.ts'
import type { Db } from '../../db/database.ts'
import { notFound, validationError, type FieldErrors } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { addMonthsIso } from '../../domain/iso-date.ts'
import { assertQuoteAction } from '../../domain/quote-status.ts'
import { priceChangeOf, priceChangeValue } from '../../domain/renewal-terms.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { companyToday } from '../settings/company-settings.ts'
import { loadQuote } from './quote-repository.ts'

/**
 * Checks what the schema cannot: the customer and location exist and belong together, plans
 * exist, the dates are sensible relative to today. Throws a 422 naming each bad field.
 */
async function checkReferences(deps: ServiceDeps, input: QuoteInput, today: string): Promise<void> {
  const fields: FieldErrors = {}
  const customer = await deps.db.selectFrom('customers').select(['id', 'archivedAt']).where('id', '=', input.customerId).executeTakeFirst()
  if (!customer) fields.customerId = 'is not an existing customer'
  else if (customer.archivedAt) fields.customerId = 'is archived; restore the customer first'
  const location = await deps.db
    .selectFrom('customerLocations')
    .select(['customerId', 'archivedAt'])
    .where('id', '=', input.locationId)
    .executeTakeFirst()
  if (!location || location.customerId !== input.customerId) fields.locationId = "is not one of the customer's locations"
  else if (location.archivedAt) fields.locationId = 'is archived'
  const planIds = [...new Set(input.options.map((o) => o.planId).filter((p): p is string => p !== null))]
  if (planIds.length) {
    const found = new Set((await deps.db.selectFrom('plans').select('id').where('id', 'in', planIds).execute()).map((p) => p.id))
    input.options.forEach((o, i) => {
      if (o.planId && !found.has(o.planId)) fields[`options.${i}.planId`] = 'is not an existing plan'
    })
  }
  if (input.expiresOn < today) fields.expiresOn = 'must not be in the past'
  else if (input.expiresOn > addMonthsIso(today, 12)) fields.expiresOn = 'must be within a year from today'
  if (input.startDate > addMonthsIso(today, 24)) fields.startDate = 'must be within two years from today'
  else if (input.startDate < addMonthsIso(today, -12)) fields.startDate = 'must not be more than a year ago'
  if (Object.keys(fields).length) throw validationError(fields)
}

/** Writes a revision's content (the revision row must not have been sent). */
async function writeRevisionContent(tx: Db, quoteId: string, revision: number, input: QuoteInput): Promise<void> {
  await tx.deleteFrom('quoteOptions').where('quoteId', '=', quoteId).where('revision', '=', revision).execute()
  // Automatic renewal as the plan offers it, unless the option says otherwise (ad hoc: off).
  const planIds = [...new Set(input.options.map((o) => o.planId).filter((p): p is string => p !== null))]
  const plans = planIds.length ? await tx.selectFrom('plans').select(['id', 'autoRenew', 'renewalChangeKind', 'renewalChangeValue']).where('id', 'in', planIds).execute() : []
  for (const [i, o] of input.options.entries()) {
    const plan = plans.find((p) => p.id === o.planId)
    const change = o.renewalChange ?? (plan ? priceChangeOf(plan.renewalChangeKind, plan.renewalChangeValue) : { kind: 'none' as const })
    await tx
      .insertInto('quoteOptions')
      .values({
        id: newId('qop'),
        quoteId,
        revision,
        position: i + 1,
        planId: o.planId,
        name: o.name,
        description: o.description,
        priceCents: o.priceCents,
        isTaxable: o.isTaxable,
        billingFrequency: o.billingFrequency,
        billingIntervalMonths: intervalMonths(o),
        termMonths: o.termMonths,
        visitsPerTerm: o.visitsPerTerm,
        visitMonths: [...o.visitMonths].sort((a, b) => a - b),
        extraLines: JSON.stringify(o.extraLines),
        autoRenew: o.termMonths !== null && (o.autoRenew ?? plan?.autoRenew ?? false),
        renewalChangeKind: change.kind,
        renewalChangeValue: priceChangeValue(change),
      })
      .execute()
  }
}

const revisionColumns = (input: QuoteInput) => ({
  locationId: input.locationId,
  title: input.title,
  startDate: input.startDate,
  expiresOn: input.expiresOn,
  taxRatePpm: input.taxRatePpm,
  termsText: input.termsText,
})

/** Creates a draft quote (revision 1). */
export async function createQuote(deps: ServiceDeps, input: QuoteInput, actor: ActorId): Promise<QuoteDto> {
  await checkReferences(deps, input, await companyToday(deps))
  const id = newId('quo')
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('quotes').values({ id, customerId: input.customerId, status: 'draft', acceptedOptionId: null, sentAt: null, viewedAt: null, respondedAt: null, createdBy: actor }).execute()
    await tx.insertInto('quoteRevisions').values({ quoteId: id, revision: 1, ...revisionColumns(input), recipientEmail: null, createdBy: actor, sentAt: null }).execute()
    await writeRevisionContent(tx, id, 1, input)
    await recordAuditEvent(tx, { entityType: 'quote', entityId: id, action: 'quote.created', actorUserId: actor, details: { revision: 1 } })
  })
  return loadQuote(deps.db, id)
}

/** Locks a quote row for the rest of the transaction and returns it. */
export async function lockQuote(tx: Db, id: string) {
  const q = await tx.selectFrom('quotes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  if (!q) throw notFound('quote', id)
  return q
}

/** Replaces a draft's content. A sent quote is never edited: see `reviseQuote`. */
export async function updateQuote(deps: ServiceDeps, id: string, input: QuoteInput, actor: ActorId): Promise<QuoteDto> {
  const existing = await deps.db.selectFrom('quotes').select(['customerId', 'status']).where('id', '=', id).executeTakeFirst()
  if (!existing) throw notFound('quote', id)
  assertQuoteAction(existing.status, 'edit')
  if (existing.customerId !== input.customerId) throw validationError({ customerId: 'cannot change on an existing quote; start a new quote' })
  await checkReferences(deps, input, await companyToday(deps))
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, id)
    assertQuoteAction(q.status, 'edit')
    await tx.updateTable('quoteRevisions').set(revisionColumns(input)).where('quoteId', '=', id).where('revision', '=', q.currentRevision).where('sentAt', 'is', null).execute()
    await writeRevisionContent(tx, id, q.currentRevision, input)
    await tx.updateTable('quotes').set({ updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'quote', entityId: id, action: 'quote.updated', actorUserId: actor, details: { revision: q.currentRevision } })
  })
  return loadQuote(deps.db, id)
}

/**
 * Starts a new draft revision from a sent, viewed, declined or expired quote. The sent
 * revision stays exactly as the customer saw it; its links stop working at once.
 */
export async function reviseQuote(deps: ServiceDeps, id: string, actor: ActorId): Promise<QuoteDto> {
  await deps.db.transaction().execute(async (tx) => {
    const q = await lockQuote(tx, id)
    assertQuoteAction(q.status, 'revise')
    const from = q.currentRevision
    const to = from + 1
    const now = deps.clock.now()
    const prev = await tx.selectFrom('quoteRevisions').selectAll().where('quoteId', '=', id).where('revision', '=', from).executeTakeFirstOrThrow()
    await tx
      .insertInto('quoteRevisions')
      .values({ quoteId: id, revision: to, locationId: prev.locationId, title: prev.title, startDate: prev.startDate, expiresOn: prev.expiresOn, taxRatePpm: prev.taxRatePpm, termsText: prev.termsText, recipientEmail: prev.recipientEmail, createdBy: actor, sentAt: null })
      .execute()
    const options = await tx.selectFrom('quoteOptions').selectAll().where('quoteId', '=', id).where('revision', '=', from).orderBy('position').execute()
    for (const o of options) {
      await tx
        .insertInto('quoteOptions')
        .values({ ...o, id: newId('qop'), revision: to, priceCents: Number(o.priceCents), extraLines: JSON.stringify(o.extraLines) })
        .execute()
    }
    await tx.updateTable('quoteLinks').set({ revokedAt: now }).where('quoteId', '=', id).where('revokedAt', 'is', null).where('usedAt', 'is', null).execute()
    await tx.updateTable('quotes').set({ status: 'draft', currentRevision: to, declineReason: '', respondedAt: null, updatedAt: now }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'quote', entityId: id, action: 'quote.revised', actorUserId: actor, details: { fromRevision: from, revision: to, previousStatus: q.status } })
  })
  return loadQuote(deps.db, id)
}

/**
 * Marks sent or viewed quotes whose offer date has passed as expired (and their links with
 * them). Cheap; called before quotes are listed, read or opened by a customer.
 */
export async function expireDueQuotes(deps: ServiceDeps): Promise<number> {
  const today = await companyToday(deps)
  const due = await deps.db
    .selectFrom('quotes as q')
    .innerJoin('quoteRevisions as r', (j) => j.onRef('r.quoteId', '=', 'q.id').onRef('r.revision', '=', 'q.currentRevision'))
    .select('q.id')
    .where('q.status', 'in', ['sent', 'viewed'])
    .where('r.expiresOn', '<', today)
    .execute()
  for (const { id } of due) {
    await deps.db.transaction().execute(async (tx) => {
      const q = await lockQuote(tx, id)
      if (q.status !== 'sent' && q.status !== 'viewed') return
      await tx.updateTable('quotes').set({ status: assertQuoteAction(q.status, 'expire'), updatedAt: deps.clock.now() }).where('id', '=', id).execute()
      await recordAuditEvent(tx, { entityType: 'quote', entityId: id, action: 'quote.expired', actorUserId: null, details: { revision: q.currentRevision } })
    })
  }
  return due.length
}
