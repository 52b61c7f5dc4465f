/**
 * Batching: how a billing run shares database work between the charges it makes. It knows
 * nothing about charges (charge.ts tells their story and uses these mechanisms):
 *
 *   - `groupCommit`: callers hand in one item each and get its own result back, while the items
 *     that arrive together are written by one call (a run records its approvals this way);
 *   - `pool`: runs a function over a lazy stream of batches, at most `limit` at a time (a run
 *     charges the chunks it claims this way: the next chunk is claimed when a slot is free).
 */

/**
 * Group commit: the items that arrive together (in the same turn of the event loop, or while the
 * previous flush is still running) are written by one `flush` call. Under load the batches grow
 * on their own; with a single caller each flush holds one item, so nothing waits for a timer.
 *
 * `flush` returns one result per item, in order. If it throws, every item of that batch
 * rejects with the error (the caller decides what a failed write means).
 */
export function groupCommit<T, R>(flush: (items: T[]) => Promise<R[]>, maxBatch = 250): (item: T) => Promise<R> {
  let queue: { item: T; resolve(r: R): void; reject(e: unknown): void }[] = []
  let draining = false

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      try {
        const results = await flush(batch.map((b) => b.item))
        batch.forEach((b, i) => b.resolve(results[i]!))
      } catch (err) {
        for (const b of batch) b.reject(err)
      }
    }
    draining = false
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      if (!draining) {
        draining = true
        setImmediate(drain)
      }
    })
}

/** Runs `fn` over every item of `source`, at most `limit` at a time, pulling batches lazily. */
export async function pool<T>(source: AsyncIterable<T[]>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>()
  let failure: unknown = null
  for await (const batch of source) {
    for (const item of batch) {
      const p: Promise<void> = fn(item)
        .catch((err: unknown) => void (failure ??= err))
        .finally(() => inflight.delete(p))
      inflight.add(p)
      if (inflight.size >= limit) await Promise.race(inflight)
      if (failure) break
    }
    if (failure) break
  }
  await Promise.all(inflight)
  if (failure) throw failure
}
