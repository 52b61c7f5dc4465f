import type { ServiceDeps } from '../deps.ts'
import { pushQuickBooksQueue, type PushOptions, type PushRound } from './quickbooks-push.ts'
import { jobRound } from '../metrics/metrics.ts'

export interface QuickBooksWorker {
  /** Pushes right away instead of at the next poll (after billing committed new work). */
  kick(): void
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>
}

/**
 * Polls `quickbooks_queue` every `intervalMs` (and when kicked), back to back while rounds
 * find work. Runs in the server (main.ts); the `bill` CLI drains once after its run
 * (`drainQuickBooksQueue`). Errors are logged and the loop carries on.
 */
export function startQuickBooksWorker(deps: ServiceDeps, opts: PushOptions & { intervalMs: number; log?: { error(o: object, m: string): void; info(o: object, m: string): void } }): QuickBooksWorker {
  let stopped = false
  let kicked = false
  let wake: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve
      timer = setTimeout(resolve, opts.intervalMs)
    }).finally(() => {
      clearTimeout(timer)
      wake = undefined
    })
  const loop = async () => {
    while (!stopped) {
      kicked = false
      try {
        const round = await pushQuickBooksQueue(deps, opts)
        jobRound('quickbooks_push')
        if (round.sent + round.failed + round.waiting > 0) opts.log?.info({ ...round }, 'quickbooks push round')
        if (round.claimed > 0 && round.claimed > round.deferred) continue
      } catch (err) {
        jobRound('quickbooks_push', false)
        opts.log?.error({ error: (err as Error).message }, 'quickbooks push round failed')
      }
      if (!stopped && !kicked) await sleep()
    }
  }
  const running = loop()
  return {
    kick() {
      kicked = true
      wake?.()
    },
    async stop() {
      stopped = true
      wake?.()
      await running
    },
  }
}

/**
 * Pushes until nothing is due (entries waiting on a retry delay longer than `maxWaitMs` are
 * left for the server's worker). For the `bill` CLI after a run, and tests.
 */
export async function drainQuickBooksQueue(deps: ServiceDeps, opts: PushOptions & { maxWaitMs?: number; onRound?: (r: PushRound) => void } = {}): Promise<PushRound> {
  const total: PushRound = { idle: null, claimed: 0, sent: 0, retried: 0, deferred: 0, failed: 0, waiting: 0 }
  const maxWait = opts.maxWaitMs ?? 30_000
  for (;;) {
    const round = await pushQuickBooksQueue(deps, opts)
    opts.onRound?.(round)
    total.idle = round.idle
    for (const k of ['claimed', 'sent', 'retried', 'deferred', 'failed', 'waiting'] as const) total[k] += round[k]
    if (round.idle) return total
    if (round.claimed > 0) continue
    const next = await deps.db.selectFrom('quickbooksQueue').select((eb) => eb.fn.min('nextAttemptAt').as('at')).where('status', '=', 'queued').executeTakeFirst()
    const at = next?.at ? new Date(next.at as unknown as string).getTime() : null
    if (at === null || at - Date.now() > maxWait) return total
    await new Promise((r) => setTimeout(r, Math.max(50, at - Date.now() + 10)))
  }
}
