import { formatDate } from '../../domain/formatting.ts'
import type { AgreementDto } from '../../contracts/agreements.ts'
import { loadBrand } from '../email/brand.ts'
import type { ManageRenewalView } from '../../contracts/renewals.ts'
import type { Db } from '../../db/database.ts'
import { AppError, notAllowed, notFound } from '../../domain/errors.ts'
import { dayBeforeIso } from '../../domain/iso-date.ts'
import { readManageRenewalToken } from '../../domain/renewal-link.ts'
import { priceChangeValue, type PriceChange } from '../../domain/renewal-terms.ts'
import { loadAgreement } from '../agreements/agreement-repository.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { enqueueEmail } from '../email/outbox.ts'
import { notifyOffice } from '../notifications/notifications.ts'
import { companyFormat, companyToday, getSettings } from '../settings/company-settings.ts'
import { autoRenewOffEmail } from './renewal-emails.ts'
import { loadRenewable, offerFor, type RenewableAgreement } from './renewal-offers.ts'
import { renewalLinkKey } from './renewal-settings.ts'

/**
 * Turning automatic renewal off and on. The customer turns it off online, in one click, from
 * the link in any notice or receipt (California BPC §17602: cancellation online, without a call),
 * and is emailed a confirmation at once. The office may turn it off at any time, and on again
 * only where the customer consented and did not turn it off themselves (consent is theirs to give).
 */
const invalidLink = () => new AppError('not_found', 'link_invalid', 'This link is not valid or has expired. Use the link in a recent email from us, or contact us.')

/** The agreement a manage link names, followed to its current term (an old receipt's link still works after a renewal). */
async function resolveManageLink(deps: ServiceDeps, token: string): Promise<RenewableAgreement> {
  const [key, today] = await Promise.all([renewalLinkKey(deps.db), companyToday(deps)])
  let id = readManageRenewalToken(key, token, today)
  if (!id) throw invalidLink()
  for (let hops = 0; hops < 50; hops++) {
    const [a] = await loadRenewable(deps.db, [id])
    if (!a) throw invalidLink()
    if (!a.renewedById) return a
    const next = await deps.db.selectFrom('agreements').select(['id', 'status']).where('id', '=', a.renewedById).executeTakeFirst()
    if (!next || next.status === 'closed') return a
    id = next.id
  }
  throw invalidLink()
}

async function viewOf(deps: ServiceDeps, a: RenewableAgreement): Promise<ManageRenewalView> {
  const [settings, today] = await Promise.all([getSettings(deps), companyToday(deps)])
  const on = a.autoRenew && (a.status === 'active' || a.status === 'suspended') && a.endDate !== null
  const told = on
    ? await deps.db.selectFrom('renewalNotices').select('newPeriodCents').where('agreementId', '=', a.id).where('termEnd', '=', a.endDate!).where('kind', 'in', ['reminder', 'auto_renew_notice']).orderBy('sentAt', 'desc').executeTakeFirst()
    : undefined
  const off = a.autoRenew
    ? undefined
    : await deps.db.selectFrom('auditEvents').select('createdAt').where('entityType', '=', 'agreement').where('entityId', '=', a.id).where('action', '=', 'agreement.auto_renew_off').orderBy('createdAt', 'desc').executeTakeFirst()
  return {
    companyName: settings.companyName,
    format: { locale: settings.locale, timeZone: settings.timeZone },
    customerName: a.customerName,
    agreement: { number: a.number, name: a.name, status: a.status, lastDay: a.endDate ? dayBeforeIso(a.endDate) : null },
    autoRenew: on,
    renewsOn: on ? a.endDate : null,
    renewalPerBillCents: on ? (told ? Number(told.newPeriodCents) : offerFor(a, a.renewalChange, today).perBillCents) : null,
    intervalMonths: a.billingIntervalMonths,
    turnedOffAt: off ? off.createdAt.toISOString() : null,
  }
}

/** What the customer sees at the link. */
export async function openManageRenewal(deps: ServiceDeps, token: string): Promise<ManageRenewalView> {
  return viewOf(deps, await resolveManageLink(deps, token))
}

/** The customer turns automatic renewal off (idempotent: a second click changes nothing and sends nothing). */
export async function customerTurnsOffAutoRenew(deps: ServiceDeps, token: string, meta: { ip: string }): Promise<ManageRenewalView> {
  const a = await resolveManageLink(deps, token)
  const settings = await getSettings(deps)
  const changed = await deps.db.transaction().execute(async (tx) => {
    if (!(await turnOffTx(tx, a.id, 'customer', null, deps.clock.now(), { ip: meta.ip }))) return false
    await notifyOffice(tx, { kind: 'renewal.auto_renew_off', title: `${a.customerName} turned off automatic renewal of agreement #${a.number}`, body: a.endDate ? `It ends after ${formatDate(dayBeforeIso(a.endDate), (await companyFormat(tx)).locale)} unless renewed.` : '', link: `/agreements/${a.id}` })
    if (a.email && a.endDate) {
      const email = autoRenewOffEmail({ brand: await loadBrand(tx, deps.publicUrl), customerName: a.customerName, agreementNumber: a.number, agreementName: a.name, lastDay: dayBeforeIso(a.endDate) })
      await enqueueEmail(tx, { kind: 'renewal.auto_renew_off', to: a.email, ...email, relatedType: 'agreement', relatedId: a.id })
    }
    return true
  })
  if (changed) deps.kickOutbox?.()
  return viewOf(deps, (await loadRenewable(deps.db, [a.id]))[0]!)
}

async function turnOffTx(tx: Db, id: string, by: 'customer' | 'office', actor: ActorId, now: Date, details: Record<string, unknown>): Promise<boolean> {
  const r = await tx.updateTable('agreements').set({ autoRenew: false, autoRenewOffBy: by, updatedAt: now }).where('id', '=', id).where('autoRenew', '=', true).executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return false
  await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.auto_renew_off', actorUserId: actor, details: { by, ...details } })
  return true
}

/** The office's switch and price change for the next renewal. */
export async function setAutoRenew(deps: ServiceDeps, id: string, input: { autoRenew: boolean; change: PriceChange }, actor: ActorId): Promise<AgreementDto> {
  await deps.db.transaction().execute(async (tx) => {
    const a = await tx.selectFrom('agreements').select(['status', 'autoRenew', 'autoRenewConsentAt', 'autoRenewOffBy', 'closeOn', 'endDate']).where('id', '=', id).forUpdate().executeTakeFirst()
    if (!a) throw notFound('agreement', id)
    const now = deps.clock.now()
    if (input.autoRenew && !a.autoRenew) {
      if (!['active', 'suspended', 'pending_approval'].includes(a.status) || a.closeOn || a.endDate === null)
        throw notAllowed('auto_renew_not_allowed', 'Only a running agreement with an end date can renew automatically')
      if (!a.autoRenewConsentAt) throw notAllowed('auto_renew_needs_consent', 'The customer has not agreed to automatic renewal: send a renewal quote that offers it')
      if (a.autoRenewOffBy === 'customer') throw notAllowed('auto_renew_needs_consent', 'The customer turned automatic renewal off: only they can agree to it again (send a renewal quote)')
      await tx.updateTable('agreements').set({ autoRenew: true, autoRenewOffBy: null, updatedAt: now }).where('id', '=', id).execute()
      await recordAuditEvent(tx, { entityType: 'agreement', entityId: id, action: 'agreement.auto_renew_on', actorUserId: actor, details: {} })
    } else if (!input.autoRenew && a.autoRenew) await turnOffTx(tx, id, 'office', actor, now, {})
    await tx.updateTable('agreements').set({ renewalChangeKind: input.change.kind, renewalChangeValue: priceChangeValue(input.change) }).where('id', '=', id).execute()
  })
  return loadAgreement(deps.db, id)
}
