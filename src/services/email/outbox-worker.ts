import { deliverDueEmails, type DeliveryDeps } from './outbox.ts'
import { jobRound } from '../metrics/metrics.ts'

export interface OutboxWorker {
  /** Delivers right away instead of at the next poll (call after the queuing transaction committed). */
  kick(): void
  /**
   * Stops polling and waits for the round in progress to finish; with `drainUntil` (a time in ms)
   * it first keeps delivering what is due until nothing is or that time has come (shutdown).
   */
  stop(opts?: { drainUntil?: number }): Promise<void>
}

/**
 * Polls the outbox every `intervalMs` (and whenever kicked), draining full batches back to
 * back. Errors (e.g. the database briefly away) are logged and the loop carries on.
 */
export function startOutboxWorker(deps: DeliveryDeps, opts: { intervalMs: number; batchSize?: number }): OutboxWorker {
  const batchSize = opts.batchSize ?? 50
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
        const { sent, failed } = await deliverDueEmails(deps, { limit: batchSize })
        jobRound('email_outbox')
        if (sent + failed >= batchSize) continue // more may be due
      } catch (err) {
        jobRound('email_outbox', false)
        deps.log?.error({ error: (err as Error).message }, 'email outbox round failed')
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
    async stop({ drainUntil }: { drainUntil?: number } = {}) {
      stopped = true
      wake?.()
      await running
      while (drainUntil !== undefined && Date.now() < drainUntil) {
        const { sent, failed } = await deliverDueEmails(deps, { limit: batchSize }).catch(() => ({ sent: 0, failed: 0 }))
        if (sent + failed < batchSize) break
      }
    },
  }
}
