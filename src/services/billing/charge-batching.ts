/**
 * Batching: how a billing run shares database work between the charges it makes. It knows
 * nothing about charges (charge.ts tells their story and uses these two mechanisms):
 *
 *   - `inChunks`: cuts a lazy stream of batches into chunks of at most `size` and turns each
 *     into its results by one call (a run claims a chunk of charges in one statement); the next
 *     chunk is made only when the consumer asks for it;
 *   - `groupCommit`: callers hand in one item each and get its own result back, while the items
 *     that arrive together are written by one call (a run records its approvals this way).
 */

/** Chunks of at most `size` from `source`, each turned into its results by `each`, lazily; stops when `stopped()`. */
export async function* inChunks<T, R>(source: AsyncIterable<T[]>, size: number, each: (chunk: T[]) => Promise<R[]>, stopped: () => boolean = () => false): AsyncGenerator<R[]> {
  for await (const batch of source) {
    for (let i = 0; i < batch.length; i += size) {
      if (stopped()) return
      yield await each(batch.slice(i, i + size))
    }
  }
}

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
