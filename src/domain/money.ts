/** Integer US cents. All amounts in Servicebook are whole cents; floats are never stored. */
export type Cents = number & { readonly __brand: 'Cents' }

/** Brands a number as cents after checking it is a safe integer. */
export function cents(value: number): Cents {
  if (!Number.isSafeInteger(value)) throw new RangeError(`Not a whole number of cents: ${value}`)
  return value as Cents
}

/** Parses a database value (number or numeric string) into cents. */
export function centsFromDb(value: unknown): Cents {
  return cents(typeof value === 'string' ? Number(value) : (value as number))
}

/** Applies a rate in basis points (1% = 100 bp), rounding half away from zero, once. */
export function percentOf(amount: Cents, basisPoints: number): Cents {
  const raw = amount * basisPoints
  const q = Math.trunc(raw / 10_000)
  const r = raw - q * 10_000
  return cents(Math.abs(r) * 2 >= 10_000 ? q + Math.sign(raw) : q)
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

/** Formats cents as US dollars for people, e.g. 123456 → "$1,234.56". The one formatter for server and web app. */
export function formatUsd(amount: Cents | number): string {
  return USD.format(amount / 100)
}
