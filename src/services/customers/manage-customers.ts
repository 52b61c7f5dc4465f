import type { CustomerDto, CustomerInput } from '../../contracts/customers.ts'
import type { Db } from '../../db/database.ts'
import { notFound, validationError } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'
import { buildSearchText, customerRepository } from './customer-repository.ts'

/** Creates a customer with its service locations and contacts. */
export async function createCustomer(deps: ServiceDeps, input: CustomerInput, actor: ActorId): Promise<CustomerDto> {
  const id = newId('cus')
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('customers')
      .values({ id, name: input.name, companyName: input.companyName ?? null, notes: input.notes, searchText: buildSearchText(input), archivedAt: null })
      .execute()
    await writeChildren(tx, id, input, { locations: [], contacts: [] })
    await recordAuditEvent(tx, { entityType: 'customer', entityId: id, action: 'customer.created', actorUserId: actor })
  })
  return (await customerRepository.findById(deps.db, id))!
}

/**
 * Replaces a customer's details. Locations and contacts with an `id` are updated, new ones are
 * added; a location left out is archived (agreements may point at it), a contact left out is deleted.
 */
export async function updateCustomer(deps: ServiceDeps, id: string, input: CustomerInput, actor: ActorId): Promise<CustomerDto> {
  const existing = await customerRepository.findById(deps.db, id)
  if (!existing) throw notFound('customer', id)
  checkChildIds(existing, input)
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('customers')
      .set({ name: input.name, companyName: input.companyName ?? null, notes: input.notes, searchText: buildSearchText(input), updatedAt: deps.clock.now() })
      .where('id', '=', id)
      .execute()
    await writeChildren(tx, id, input, existing, deps.clock.now())
    await recordAuditEvent(tx, { entityType: 'customer', entityId: id, action: 'customer.updated', actorUserId: actor })
  })
  return (await customerRepository.findById(deps.db, id))!
}

/** Archives (or restores) a customer; archived customers leave lists and searches by default. */
export async function setCustomerArchived(deps: ServiceDeps, id: string, archived: boolean, actor: ActorId): Promise<CustomerDto> {
  const existing = await customerRepository.findById(deps.db, id)
  if (!existing) throw notFound('customer', id)
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('customers').set({ archivedAt: archived ? deps.clock.now() : null, updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'customer', entityId: id, action: archived ? 'customer.archived' : 'customer.restored', actorUserId: actor })
  })
  return (await customerRepository.findById(deps.db, id))!
}

function checkChildIds(existing: CustomerDto, input: CustomerInput) {
  const fields: Record<string, string> = {}
  input.locations.forEach((l, i) => {
    if (l.id && !existing.locations.some((e) => e.id === l.id)) fields[`locations.${i}.id`] = 'is not a location of this customer'
  })
  input.contacts.forEach((c, i) => {
    if (c.id && !existing.contacts.some((e) => e.id === c.id)) fields[`contacts.${i}.id`] = 'is not a contact of this customer'
  })
  if (Object.keys(fields).length) throw validationError(fields)
}

async function writeChildren(
  tx: Db,
  customerId: string,
  input: CustomerInput,
  existing: Pick<CustomerDto, 'locations' | 'contacts'>,
  now?: Date,
) {
  for (const l of input.locations) {
    const values = { label: l.label, line1: l.line1, line2: l.line2, city: l.city, region: l.region, postalCode: l.postalCode, country: l.country, accessNotes: l.accessNotes }
    if (l.id) await tx.updateTable('customerLocations').set({ ...values, archivedAt: null }).where('id', '=', l.id).execute()
    else await tx.insertInto('customerLocations').values({ id: newId('loc'), customerId, archivedAt: null, ...values }).execute()
  }
  const keptLocations = new Set(input.locations.map((l) => l.id).filter(Boolean))
  for (const gone of existing.locations.filter((l) => !keptLocations.has(l.id) && !l.archivedAt))
    await tx.updateTable('customerLocations').set({ archivedAt: now ?? new Date() }).where('id', '=', gone.id).execute()

  const keptContacts = new Set(input.contacts.map((c) => c.id).filter(Boolean))
  for (const gone of existing.contacts.filter((c) => !keptContacts.has(c.id)))
    await tx.deleteFrom('customerContacts').where('id', '=', gone.id).execute()
  const hasPrimary = input.contacts.some((c) => c.isPrimary)
  for (const [i, c] of input.contacts.entries()) {
    const values = { name: c.name, email: c.email ?? null, phone: c.phone ?? null, isPrimary: c.isPrimary || (!hasPrimary && i === 0) }
    if (c.id) await tx.updateTable('customerContacts').set(values).where('id', '=', c.id).execute()
    else await tx.insertInto('customerContacts').values({ id: newId('con'), customerId, ...values }).execute()
  }
}
