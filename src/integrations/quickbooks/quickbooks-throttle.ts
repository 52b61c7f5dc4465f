/**
 * Keeps this process within Intuit's per-company limits [doc: external-apis.md B12]: at most
 * `perMinute` requests in any 60 seconds (a batch counts one per item) and `concurrent` in
 * flight. Callers wait for a slot instead of collecting 429s. One instance per process,
 * shared by every client of the same app.
 */
export class QuickBooksThrottle {
  readonly #perMinute: number
  readonly #concurrent: number
  readonly #windowMs: number
  readonly #realms = new Map<string, { sent: number[]; inFlight: number; waiting: (() => void)[] }>()

  /**
   * `windowMs` is Intuit's minute; tests shorten it. `marginMs` widens it: a request's slot is
   * stamped here before it is sent, Intuit's counter stamps it on arrival, so a slot freed exactly
   * a minute later can reach Intuit while the old request is still inside Intuit's minute (0.5% of
   * requests drew a 429 without it). Default 250 ms a minute: 0.4% of the ceiling.
   */
  constructor({ perMinute = 500, concurrent = 10, windowMs = 60_000, marginMs = Math.min(250, windowMs / 240) }: { perMinute?: number; concurrent?: number; windowMs?: number; marginMs?: number } = {}) {
    this.#perMinute = perMinute
    this.#concurrent = concurrent
    this.#windowMs = windowMs + marginMs
  }

  /** Waits for a slot; call the returned function when the request has its answer. */
  async acquire(realmId: string, weight = 1): Promise<() => void> {
    if (weight > this.#perMinute) throw new Error(`a request of ${weight} items can never fit ${this.#perMinute} a minute`)
    let realm = this.#realms.get(realmId)
    if (!realm) this.#realms.set(realmId, (realm = { sent: [], inFlight: 0, waiting: [] }))
    const r = realm
    while (r.inFlight >= this.#concurrent) await new Promise<void>((resolve) => r.waiting.push(resolve))
    r.inFlight += 1
    for (;;) {
      const now = Date.now()
      while (r.sent.length && r.sent[0] <= now - this.#windowMs) r.sent.shift()
      if (r.sent.length + weight <= this.#perMinute) break
      const oldest = r.sent[Math.min(r.sent.length - 1, r.sent.length + weight - this.#perMinute - 1)]
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, oldest + this.#windowMs - now + 5)))
    }
    const at = Date.now()
    for (let i = 0; i < weight; i++) r.sent.push(at)
    let released = false
    return () => {
      if (released) return
      released = true
      r.inFlight -= 1
      r.waiting.shift()?.()
    }
  }
}
