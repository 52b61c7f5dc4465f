import { monotonicFactory } from 'ulid'

// Monotonic: ids made in the same millisecond (e.g. the locations of one customer) still sort in creation order.
const ulid = monotonicFactory()

/** Entity prefixes: they make logs, gateway order ids and QuickBooks memos self-describing. */
export type IdPrefix =
  | 'usr' | 'ses' | 'cus' | 'loc' | 'con' | 'pln' | 'aud'
  | 'pm' | 'agr' | 'wo' | 'ntf' | 'eml'
  | 'quo' | 'qop' | 'qlk' | 'sig'
  | 'inv' | 'pay' | 'run' | 'qbo'

/** A new prefixed, time-sortable id, e.g. `cus_01J9Z...`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`
}

/** True when `value` looks like an id with the given prefix (used to 404 early on junk ids). */
export function isId(prefix: IdPrefix, value: string): boolean {
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`).test(value)
}
