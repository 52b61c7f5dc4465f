/**
 * Keeps this process within Intuit's per-company limits [doc: external-apis.md B12]: at most
 * `perMinute` requests in any 60 seconds (a batch counts one per item) and `concurrent` in
 * flight. Callers wait for a slot instead of collecting 429s. One instance per process,
 * shared by every client of the same app.
 *
 * A request counts against the minute from when it is sent until a minute after its answer came
 * back. Intuit counts it from when it arrived, which lies between the two, so our count is never
 * below Intuit's however late our event loop or the network runs. (Counting from the send, a
 * request stamped here before a slow send could still be inside Intuit's minute when our minute
 * had freed its slot: 4 of 600 requests drew a 429 on a loaded machine, each costing its entry a
 * minute's wait.) The price is one round trip per minute of each slot.
 */
export class QuickBooksThrottle {
  readonly #perMinute: number
  readonly #concurrent: number
  readonly #windowMs: number
  /** Per company: when each request of the last minute was answered (Infinity while in flight). */
  readonly #realms = new Map<string, { answered: number[]; inFlight: number; waiting: (() => void)[] }>()

  /** `windowMs` is Intuit's minute; tests shorten it. */
  constructor({ perMinute = 500, concurrent = 10, windowMs = 60_000 }: { perMinute?: number; concurrent?: number; windowMs?: number } = {}) {
    this.#perMinute = perMinute
    this.#concurrent = concurrent
    this.#windowMs = windowMs
  }

  /** Waits for a slot; call the returned function when the request has its answer (or failed). */
  async acquire(realmId: string, weight = 1): Promise<() => void> {
    if (weight > this.#perMinute) throw new Error(`a request of ${weight} items can never fit ${this.#perMinute} a minute`)
    let realm = this.#realms.get(realmId)
    if (!realm) this.#realms.set(realmId, (realm = { answered: [], inFlight: 0, waiting: [] }))
    const r = realm
    while (r.inFlight >= this.#concurrent) await new Promise<void>((resolve) => r.waiting.push(resolve))
    r.inFlight += 1
    for (;;) {
      const now = Date.now()
      r.answered = r.answered.filter((at) => at > now - this.#windowMs)
      if (r.answered.length + weight <= this.#perMinute) break
      // The slot that frees first: the earliest answered one (in-flight ones free later).
      const earliest = Math.min(...r.answered)
      await new Promise((resolve) => setTimeout(resolve, Number.isFinite(earliest) ? Math.max(1, earliest + this.#windowMs - now + 5) : 50))
    }
    const mine = Array.from({ length: weight }, () => r.answered.push(Infinity) - 1).length
    let released = false
    return () => {
      if (released) return
      released = true
      const at = Date.now()
      // Our `weight` in-flight stamps become the answer's time (any Infinity of ours: they are interchangeable).
      for (let i = 0, left = mine; i < r.answered.length && left > 0; i++) if (r.answered[i] === Infinity) (r.answered[i] = at), left--
      r.inFlight -= 1
      r.waiting.shift()?.()
    }
  }
}
