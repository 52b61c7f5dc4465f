import { SearchQuery } from '../../contracts/search.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { searchEverything } from '../../services/search/search.ts'
import { defineRoute, OFFICE } from '../route.ts'

export const searchRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/search',
    summary: 'The global search: customers (name, company, contact, e-mail, phone, address), agreements, invoices and quotes (number, name, their customer), a few of each',
    tag: 'search',
    access: OFFICE,
    query: SearchQuery,
    handler: async ({ query }) => searchEverything(deps, query.q),
  }),
]
