import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { CompanyBrand } from './layout.tsx'

/** The company settings an e-mail's header and footer show. */
export interface BrandRow {
  companyName: string
  email: string | null
  phone: string | null
  address: string
  /** A short fingerprint of the logo, or null when none is set. */
  logoVersion: string | null
  locale: string
}

/** The company's brand from its settings row; `publicUrl` makes the logo's address absolute. */
export function brandOf(row: BrandRow, publicUrl: string): CompanyBrand {
  return {
    name: row.companyName,
    // An e-mail needs an absolute address; without the public URL the header shows the name alone.
    logoUrl: row.logoVersion && publicUrl ? `${publicUrl}/api/public/logo/${row.logoVersion}` : null,
    address: row.address.split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
    phone: row.phone,
    email: row.email,
    locale: row.locale,
  }
}

/** The logo's fingerprint in SQL (changes when the logo does: a new URL, so no stale cached image). */
export const logoVersionSql: RawBuilder<string | null> = sql<string | null>`left(md5(company_settings.logo_base64), 16)`

/** Reads the company's brand (one row). */
export async function loadBrand(db: Db, publicUrl: string): Promise<CompanyBrand> {
  const row = await db
    .selectFrom('companySettings')
    .select(['companyName', 'email', 'phone', 'address', 'locale', logoVersionSql.as('logoVersion')])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return brandOf(row, publicUrl)
}

/** The brand as one JSON column of a larger query (e.g. invoice contexts); read it with `brandFromJson`. */
export const brandJsonSql: RawBuilder<unknown> = sql`(select json_build_object('companyName', company_name, 'email', email, 'phone', phone, 'address', address, 'logoVersion', left(md5(logo_base64), 16), 'locale', locale) from company_settings where id = 1)`

/** The brand from `brandJsonSql`'s value (an object, or JSON text on some drivers). */
export const brandFromJson = (value: unknown, publicUrl: string): CompanyBrand =>
  brandOf((typeof value === 'string' ? JSON.parse(value) : value) as BrandRow, publicUrl)
