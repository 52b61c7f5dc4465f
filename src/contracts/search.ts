import { z } from 'zod'
import { requiredText } from './common.ts'

/** The global search box (`GET /api/search?q=`): customers, agreements, invoices and quotes at once. */
export const SearchQuery = z.object({ q: requiredText(200) })

/** One hit: what it is, how people name it, a second line, and the page it opens. */
export interface SearchHit {
  id: string
  /** "Ann Approve", "#1001 Comfort Club", "Invoice 1043", "Q-1002". */
  title: string
  /** A customer's e-mail, phone and address; otherwise the customer's name and the amount. */
  detail: string
  /** The agreement's, invoice's or quote's status code (the web app names it); null for customers. */
  status: string | null
  link: string
}

export const SEARCH_KINDS = ['customers', 'agreements', 'invoices', 'quotes'] as const
export type SearchKind = (typeof SEARCH_KINDS)[number]

/** At most `SEARCH_LIMIT` hits of each kind, the best first. */
export type SearchDto = { q: string } & Record<SearchKind, SearchHit[]>
export const SEARCH_LIMIT = 5
