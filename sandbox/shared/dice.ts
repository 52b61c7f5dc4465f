/**
 * The sandboxes' fault dice: `roll(share)` is true with probability `share`. Unseeded it uses
 * Math.random; with a seed (`seed` in `POST /_sandbox/faults`) it draws from mulberry32, a small
 * well-known 32-bit generator, so a failing fault test prints its seed and can be run again with
 * the same sequence of rolls (which request meets which roll still depends on timing).
 */
export type Roll = (share: number) => boolean

export function dice(seed: number | null): Roll {
  const next = seed === null ? Math.random : seededRandom(seed)
  return (share) => share > 0 && next() < share
}

/** mulberry32: numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Reads `seed` from a faults request: undefined when absent, an error text when not a whole number from 0 to 2³²−1. */
export function seedOf(body: Record<string, unknown>): number | null | undefined | string {
  const v = body.seed
  if (v === undefined || v === null) return v
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32 ? v : 'seed must be a whole number from 0 to 4294967295, or null'
}
