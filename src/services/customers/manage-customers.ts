import type { CustomerDto, CustomerInput } from '../../contracts/customers.ts'
import type { Db } from '../../db/database.ts'
import { writeChildRows } from '../../db/child-rows.ts'
import { notFound } from '../../domain/errors.ts'
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
    await writeChildren(tx, id, input, deps.clock.now())
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
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('customers')
      .set({ name: input.name, companyName: input.companyName ?? null, notes: input.notes, searchText: buildSearchText(input), updatedAt: deps.clock.now() })
      .where('id', '=', id)
      .execute()
    await writeChildren(tx, id, input, deps.clock.now())
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

/**
 * Writes the customer's locations and contacts through the one nested-write rule (`writeChildRows`):
 * ids must be this customer's own rows. A location left out is archived (agreements may point at
 * it), a contact left out is deleted.
 */
async function writeChildren(tx: Db, customerId: string, input: CustomerInput, now: Date) {
  const hasPrimary = input.contacts.some((c) => c.isPrimary)
  const [goneLocations, goneContacts] = await writeChildRows(tx, { noun: 'customer', column: 'customerId', id: customerId }, [
    {
      table: 'customerLocations',
      field: 'locations',
      newId: () => newId('loc'),
      rows: input.locations.map(({ id, ...l }) => ({ id, values: { ...l, archivedAt: null } })),
    },
    {
      table: 'customerContacts',
      field: 'contacts',
      newId: () => newId('con'),
      rows: input.contacts.map(({ id, ...c }, i) => ({
        id,
        values: { name: c.name, email: c.email ?? null, phone: c.phone ?? null, isPrimary: c.isPrimary || (!hasPrimary && i === 0) },
      })),
    },
  ])
  if (goneLocations!.length)
    await tx.updateTable('customerLocations').set({ archivedAt: now }).where('customerId', '=', customerId).where('id', 'in', goneLocations!).where('archivedAt', 'is', null).execute()
  if (goneContacts!.length) await tx.deleteFrom('customerContacts').where('customerId', '=', customerId).where('id', 'in', goneContacts!).execute()
}
