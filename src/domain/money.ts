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

/**
 * Applies a rate in millionths (8.875% = 88,750; see tax-rate.ts), rounding half away from zero,
 * once: the one rounding rule of Servicebook. Exact for any amount (integer arithmetic).
 *
 * @example applyRate(cents(123456), 88_750) // 10957 ($109.57 on $1,234.56)
 */
export function applyRate(amount: Cents, ratePpm: number): Cents {
  if (!Number.isSafeInteger(ratePpm)) throw new RangeError(`Not a whole rate in millionths: ${ratePpm}`)
  const raw = BigInt(amount) * BigInt(ratePpm)
  const q = raw / 1_000_000n
  const r = raw - q * 1_000_000n
  const away = (r < 0n ? -r : r) * 2n >= 1_000_000n
  return cents(Number(away ? q + (raw < 0n ? -1n : 1n) : q))
}

/** Applies a rate in basis points (1% = 100 bp) by the same rule: `applyRate` of 100 × bp. */
export function percentOf(amount: Cents, basisPoints: number): Cents {
  return applyRate(amount, basisPoints * 100)
}

/**
 * Monthly recurring revenue: each agreement's recurring cents divided by its billing interval in
 * months (9,000 a quarter is 3,000 a month), added exactly as fractions over a common denominator,
 * and the total rounded once, half away from zero, to the cent. Amounts come as sums per interval.
 *
 * @example monthlyRecurringCents([{ cents: 100, intervalMonths: 3 }, { cents: 50, intervalMonths: 12 }]) // 38 (33⅓ + 4⅙ = 37.5)
 */
export function monthlyRecurringCents(parts: readonly { cents: number; intervalMonths: number }[]): Cents {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))
  let den = 1n
  for (const p of parts) {
    if (!Number.isSafeInteger(p.intervalMonths) || p.intervalMonths < 1) throw new RangeError(`Not a billing interval in months: ${p.intervalMonths}`)
    const k = BigInt(p.intervalMonths)
    den = (den * k) / gcd(den, k)
  }
  const num = parts.reduce((s, p) => s + BigInt(cents(p.cents)) * (den / BigInt(p.intervalMonths)), 0n)
  const q = num / den
  const r = num - q * den
  return cents(Number((r < 0n ? -r : r) * 2n >= den ? q + (num < 0n ? -1n : 1n) : q))
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

/** Formats cents as US dollars for people, e.g. 123456 → "$1,234.56". The one formatter for server and web app. */
export function formatUsd(amount: Cents | number): string {
  return USD.format(amount / 100)
}
