/**
 * Group commit: callers hand in one item each and get its own result back, while the items
 * that arrive together (in the same turn of the event loop, or while the previous flush is
 * still running) are written by one `flush` call. Under load the batches grow on their own;
 * with a single caller each flush holds one item, so nothing waits for a timer.
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
