import type { Page } from '../contracts/common.ts'

/**
 * A list route's answer: the search gets the query's filters with its page turned into SQL's
 * limit/offset, and the page and size the client asked for are echoed beside the rows and the total.
 */
export async function pageOf<Q extends { page: number; pageSize: number }, T>(
  query: Q,
  search: (opts: Omit<Q, 'page' | 'pageSize'> & { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>,
): Promise<Page<T>> {
  const { page, pageSize, ...filters } = query
  const { items, total } = await search({ ...filters, limit: pageSize, offset: (page - 1) * pageSize })
  return { items, total, page, pageSize }
}
