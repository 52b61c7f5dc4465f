import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { ContactDto, CustomerDto, CustomerSummaryDto, LocationDto } from '../../contracts/customers.ts'
import { likeContains } from '../../db/like.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */

export const customerRepository = {
  async findById(db: Db, id: string): Promise<CustomerDto | undefined> {
    const c = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst()
    if (!c) return undefined
    const [locations, contacts] = await Promise.all([
      db.selectFrom('customerLocations').selectAll().where('customerId', '=', id).orderBy('createdAt').orderBy('id').execute(),
      db.selectFrom('customerContacts').selectAll().where('customerId', '=', id).orderBy('createdAt').orderBy('id').execute(),
    ])
    return {
      id: c.id,
      name: c.name,
      companyName: c.companyName,
      notes: c.notes,
      archivedAt: iso(c.archivedAt),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      locations: locations.map(
        (l): LocationDto => ({
          id: l.id,
          label: l.label,
          line1: l.line1,
          line2: l.line2,
          city: l.city,
          region: l.region,
          postalCode: l.postalCode,
          country: l.country,
          accessNotes: l.accessNotes,
          latitude: l.latitude,
          longitude: l.longitude,
          archivedAt: iso(l.archivedAt),
        }),
      ),
      contacts: contacts.map(
        (k): ContactDto => ({ id: k.id, name: k.name, email: k.email, phone: k.phone, isPrimary: k.isPrimary }),
      ),
    }
  },

  /** One page of customers matching an optional search, ordered by name. */
  async search(
    db: Db,
    opts: { q?: string; archived: boolean; limit: number; offset: number },
  ): Promise<{ items: CustomerSummaryDto[]; total: number }> {
    let base = db
      .selectFrom('customers')
      .where('archivedAt', opts.archived ? 'is not' : 'is', null)
    if (opts.q) base = base.where(sql<boolean>`search_text like ${likeContains(opts.q)}`)
    const [rows, count] = await Promise.all([
      base
        .select(['id', 'name', 'companyName', 'archivedAt', 'createdAt'])
        .orderBy(sql`lower(name)`)
        .orderBy('id')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ])
    const ids = rows.map((r) => r.id)
    const [contacts, locations] = ids.length
      ? await Promise.all([
          db.selectFrom('customerContacts').selectAll().where('customerId', 'in', ids).orderBy('isPrimary', 'desc').orderBy('createdAt').execute(),
          db.selectFrom('customerLocations').selectAll().where('customerId', 'in', ids).where('archivedAt', 'is', null).orderBy('createdAt').execute(),
        ])
      : [[], []]
    const items = rows.map((r): CustomerSummaryDto => {
      const mine = contacts.filter((k) => k.customerId === r.id)
      const locs = locations.filter((l) => l.customerId === r.id)
      return {
        id: r.id,
        name: r.name,
        companyName: r.companyName,
        primaryEmail: mine.find((k) => k.email)?.email ?? null,
        primaryPhone: mine.find((k) => k.phone)?.phone ?? null,
        city: locs[0] ? `${locs[0].city}, ${locs[0].region}` : null,
        locationCount: locs.length,
        archivedAt: iso(r.archivedAt),
        createdAt: r.createdAt.toISOString(),
      }
    })
    return { items, total: Number(count.n) }
  },
}

/** The lower-cased text that customer search matches against. */
export function buildSearchText(input: {
  name: string
  companyName?: string | null
  contacts: { name: string; email?: string | null; phone?: string | null }[]
  locations: { line1: string; city: string; postalCode: string }[]
}): string {
  return [
    input.name,
    input.companyName ?? '',
    ...input.contacts.flatMap((c) => [c.name, c.email ?? '', c.phone ?? '', (c.phone ?? '').replace(/\D/g, '')]),
    ...input.locations.flatMap((l) => [l.line1, l.city, l.postalCode]),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase()
}
