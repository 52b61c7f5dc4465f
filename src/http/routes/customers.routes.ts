import { z } from 'zod'
import { CustomerInput, CustomerListQuery } from '../../contracts/customers.ts'
import { notFound } from '../../domain/errors.ts'
import { listAuditEvents } from '../../services/audit/record-audit-event.ts'
import { customerRepository } from '../../services/customers/customer-repository.ts'
import { createCustomer, setCustomerArchived, updateCustomer } from '../../services/customers/manage-customers.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { pageOf } from '../paging.ts'
import { defineRoute, OFFICE } from '../route.ts'
import { IdParams } from '../../contracts/common.ts'

export const ArchiveInput = z.object({ archived: z.boolean({ error: 'must be true or false' }) })

export const customersRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/customers',
    summary: 'Search customers by name, company, contact, phone, email or address; paginated',
    tag: 'customers',
    access: OFFICE,
    query: CustomerListQuery,
    handler: async ({ query }) => pageOf(query, (opts) => customerRepository.search(deps.db, { ...opts, archived: query.archived === 'true' })),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/customers/:id',
    summary: 'One customer with locations and contacts',
    tag: 'customers',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      const customer = await customerRepository.findById(deps.db, params.id)
      if (!customer) throw notFound('customer', params.id)
      return customer
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/customers/:id/history',
    summary: "A customer's audit trail",
    tag: 'customers',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => {
      if (!(await customerRepository.findById(deps.db, params.id))) throw notFound('customer', params.id)
      return { items: await listAuditEvents(deps.db, 'customer', params.id) }
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/customers',
    summary: 'Create a customer with service locations and contacts',
    tag: 'customers',
    access: OFFICE,
    body: CustomerInput,
    status: 201,
    handler: async ({ body, auth }) => createCustomer(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/customers/:id',
    summary: 'Replace a customer; locations left out are archived, contacts left out are removed',
    tag: 'customers',
    access: OFFICE,
    params: IdParams,
    body: CustomerInput,
    handler: async ({ params, body, auth }) => updateCustomer(deps, params.id, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/customers/:id/archive',
    summary: 'Archive or restore a customer',
    tag: 'customers',
    access: OFFICE,
    params: IdParams,
    body: ArchiveInput,
    handler: async ({ params, body, auth }) => setCustomerArchived(deps, params.id, body.archived, auth.user.id),
  }),
]
