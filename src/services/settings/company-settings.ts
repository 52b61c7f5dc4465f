import PDFDocument from 'pdfkit'
import type { SettingsDto, SettingsInput } from '../../contracts/settings.ts'
import type { Db } from '../../db/database.ts'
import { validationError } from '../../domain/errors.ts'
import type { CompanyFormat } from '../../domain/formatting.ts'
import { localDate } from '../../domain/time-zone.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

/** The company's name, time zone (which decides "today" for billing) and contact details. */
export async function getSettings(deps: ServiceDeps): Promise<SettingsDto> {
  const s = await deps.db
    .selectFrom('companySettings')
    .select(['companyName', 'timeZone', 'email', 'phone', 'address', 'locale', 'logoContentType'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return { companyName: s.companyName, timeZone: s.timeZone, email: s.email, phone: s.phone, address: s.address, locale: s.locale, hasLogo: s.logoContentType !== null }
}

/** The company's time zone (IANA name): every date shown to people and "today" for billing are its dates. */
export async function companyTimeZone(db: Db): Promise<string> {
  return (await db.selectFrom('companySettings').select('timeZone').where('id', '=', 1).executeTakeFirstOrThrow()).timeZone
}

/** The company's locale and time zone, in which every date and time is written for people. */
export async function companyFormat(db: Db): Promise<CompanyFormat> {
  return db.selectFrom('companySettings').select(['locale', 'timeZone']).where('id', '=', 1).executeTakeFirstOrThrow()
}

/** Today in the company's time zone: the one "today" of Servicebook (billing, quotes, offline payments). */
export async function companyToday(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<string> {
  return localDate(deps.clock.now(), await companyTimeZone(deps.db))
}

/** Updates the company settings. */
export async function updateSettings(deps: ServiceDeps, input: SettingsInput, actor: ActorId): Promise<SettingsDto> {
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('companySettings')
      .set({
        companyName: input.companyName, timeZone: input.timeZone, email: input.email ?? null, phone: input.phone ?? null,
        ...(input.address !== undefined ? { address: input.address } : {}), ...(input.locale !== undefined ? { locale: input.locale } : {}), updatedAt: deps.clock.now(),
      })
      .where('id', '=', 1)
      .execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'company', action: 'settings.updated', actorUserId: actor })
  })
  return getSettings(deps)
}

export interface CompanyLogo {
  contentType: 'image/png' | 'image/jpeg'
  bytes: Buffer
}

/** The logo for documents, or null when none is set. */
export async function getCompanyLogo(deps: Pick<ServiceDeps, 'db'>): Promise<CompanyLogo | null> {
  const s = await deps.db.selectFrom('companySettings').select(['logoBase64', 'logoContentType']).where('id', '=', 1).executeTakeFirstOrThrow()
  return s.logoBase64 && s.logoContentType ? { contentType: s.logoContentType, bytes: Buffer.from(s.logoBase64, 'base64') } : null
}

/**
 * Sets the logo from a data URL. The image must really be a PNG or JPEG that the PDF renderer can
 * draw (checked by drawing it), so a bad upload is a 422 now rather than a broken PDF later.
 */
export async function setCompanyLogo(deps: ServiceDeps, dataUrl: string, actor: ActorId): Promise<SettingsDto> {
  const [, type, base64] = /^data:(image\/(?:png|jpeg));base64,(.*)$/.exec(dataUrl) ?? []
  const bytes = Buffer.from(base64 ?? '', 'base64')
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  if (bytes.length > 300 * 1024) throw validationError({ dataUrl: 'must be an image of at most 300 KB' })
  if (!(type === 'image/png' ? isPng : isJpeg)) throw validationError({ dataUrl: 'is not a readable PNG or JPEG image' })
  try {
    new PDFDocument({ autoFirstPage: true }).image(bytes, { fit: [10, 10] })
  } catch {
    throw validationError({ dataUrl: 'is not a readable PNG or JPEG image' })
  }
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('companySettings')
      .set({ logoBase64: bytes.toString('base64'), logoContentType: type as CompanyLogo['contentType'], updatedAt: deps.clock.now() })
      .where('id', '=', 1)
      .execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'company', action: 'settings.logo_set', actorUserId: actor, details: { bytes: bytes.length } })
  })
  return getSettings(deps)
}

export async function removeCompanyLogo(deps: ServiceDeps, actor: ActorId): Promise<SettingsDto> {
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('companySettings').set({ logoBase64: null, logoContentType: null, updatedAt: deps.clock.now() }).where('id', '=', 1).execute()
    await recordAuditEvent(tx, { entityType: 'settings', entityId: 'company', action: 'settings.logo_removed', actorUserId: actor })
  })
  return getSettings(deps)
}
