import type { QuoteStatus } from '../db/schema.ts'
import { notAllowed } from './errors.ts'

/**
 * The quote life cycle:
 *
 *   draft ──send──▶ sent ──(customer opens)──▶ viewed ──accept──▶ accepted
 *     ▲               │                          │
 *     └───revise──────┴── declined / expired ◀───┘
 *
 * Only a draft is edited. A sent quote changes only by `revise`, which starts a new draft
 * revision and leaves the sent one frozen.
 */
export type QuoteAction = 'edit' | 'send' | 'view' | 'accept' | 'decline' | 'expire' | 'revise'

const FROM: Record<QuoteAction, readonly QuoteStatus[]> = {
  edit: ['draft'],
  send: ['draft'],
  view: ['sent', 'viewed'],
  accept: ['sent', 'viewed'],
  decline: ['sent', 'viewed'],
  expire: ['sent', 'viewed'],
  revise: ['sent', 'viewed', 'declined', 'expired'],
}

const TO: Record<QuoteAction, QuoteStatus | null> = {
  edit: null,
  send: 'sent',
  view: 'viewed',
  accept: 'accepted',
  decline: 'declined',
  expire: 'expired',
  revise: 'draft',
}

export function canQuote(status: QuoteStatus, action: QuoteAction): boolean {
  return FROM[action].includes(status)
}

/** The status after `action` (unchanged for `edit`), or a 409 saying why not. */
export function assertQuoteAction(status: QuoteStatus, action: QuoteAction): QuoteStatus {
  if (!canQuote(status, action)) throw notAllowed(`quote_${action}_not_allowed`, MESSAGES[action](status))
  return TO[action] ?? status
}

/** "A sent quote", "An accepted quote": how a refusal names the quote. */
export const aQuote = (s: QuoteStatus) => `${/^[aeiou]/.test(s) ? 'An' : 'A'} ${s} quote`

const MESSAGES: Record<QuoteAction, (s: QuoteStatus) => string> = {
  edit: (s) => `${aQuote(s)} cannot be edited; make a new revision instead`,
  send: (s) => `${aQuote(s)} cannot be sent; only a draft can`,
  view: (s) => `${aQuote(s)} cannot be viewed by the customer`,
  accept: (s) => `${aQuote(s)} cannot be accepted`,
  decline: (s) => `${aQuote(s)} cannot be declined`,
  expire: (s) => `${aQuote(s)} cannot expire`,
  revise: (s) => (s === 'draft' ? 'This quote is already a draft; edit it' : `${aQuote(s)} cannot be revised`),
}
