import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { AgreementStatus } from '../../db/schema.ts'
import { newId } from '../../domain/ids.ts'
import { plannedVisits, visitHorizon, type PlannedVisit } from '../../domain/scheduling/agreement-visits.ts'
import type { ServiceDeps } from '../deps.ts'
import { pruneChanges } from './schedule-changes.ts'
import { companyClock } from './visit-access.ts'
import { jobRound } from '../metrics/metrics.ts'

/**
 * Agreement visits as work orders, kept 12 months ahead (rules in
 * domain/scheduling/agreement-visits.ts). Approval plans the first 12 months; a daily job plans
 * the rest as the horizon moves, for open-ended and multi-year agreements. A visit's number is
 * unique per agreement (`on conflict do nothing`), so two servers, a retried job or an approval
 * racing the job never create one twice. `agreements.visits_planned_until` (where the next visit
 * starts) lets the job pick only agreements with a visit coming into the horizon.
 */

type PlannableAgreement = {
  id: string
  customerId: string
  locationId: string
  name: string
  status: AgreementStatus
  startDate: string
  termMonths: number | null
  endDate: string | null
  visitsPerTerm: number
  visitMonths: number[]
  visitsPlannedUntil: string | null
}

/** Creates the agreement's missing visits up to the horizon; returns the visits of this stretch and how many were new. */
export async function planAgreementVisitsTx(tx: Db, a: PlannableAgreement, today: string): Promise<{ visits: PlannedVisit[]; created: number }> {
  const plan = { startDate: a.startDate, termMonths: a.termMonths, visitsPerTerm: a.visitsPerTerm, visitMonths: [...a.visitMonths].map(Number) }
  const { visits, next } = plannedVisits(plan, a.visitsPlannedUntil, visitHorizon(a.startDate, today))
  let created = 0
  if (visits.length > 0) {
    // A suspended agreement's new visits start on hold, to come back unscheduled.
    const held = a.status === 'suspended'
    const r = await tx
      .insertInto('workOrders')
      .values(
        visits.map((v) => ({
          id: newId('wo'),
          agreementId: a.id,
          visitSeq: v.visitSeq,
          customerId: a.customerId,
          locationId: a.locationId,
          description: `${a.name}: visit ${v.visitNumber} of ${v.visitsInCycle} (${v.monthLabel})`,
          windowStart: v.windowStart,
          windowEnd: v.windowEnd,
          status: held ? ('suspended' as const) : ('open' as const),
          statusBeforeSuspension: held ? ('open' as const) : null,
          technicianId: null,
          scheduledStart: null,
        })),
      )
      .onConflict((oc) => oc.columns(['agreementId', 'visitSeq']).where('visitSeq', 'is not', null).doNothing())
      .executeTakeFirst()
    created = Number(r.numInsertedOrUpdatedRows ?? 0)
  }
  await tx.updateTable('agreements').set({ visitsPlannedUntil: next ?? a.endDate ?? '9999-12-31' }).where('id', '=', a.id).execute()
  return { visits, created }
}

/** The daily job's work: every active or suspended agreement with a visit coming into the horizon. */
export async function planDueAgreementVisits(deps: Pick<ServiceDeps, 'db' | 'clock'>, opts: { batchSize?: number } = {}): Promise<{ agreements: number; visits: number }> {
  const today = (await companyClock(deps.db)).dateOf(deps.clock.now().getTime())
  const total = { agreements: 0, visits: 0 }
  for (let after = ''; ; ) {
    const batch = await deps.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('agreements')
        .select(['id', 'customerId', 'locationId', 'name', 'status', 'startDate', 'termMonths', 'endDate', 'visitsPerTerm', 'visitMonths', 'visitsPlannedUntil'])
        .where('status', 'in', ['active', 'suspended'])
        .where('visitsPerTerm', '>', 0)
        .where((eb) =>
          eb.or([
            eb('visitsPlannedUntil', 'is', null),
            eb.and([
              eb('visitsPlannedUntil', '<', sql<string>`(greatest(start_date, ${today}::date) + interval '12 months')::date`),
              eb.or([eb('endDate', 'is', null), eb('visitsPlannedUntil', '<', eb.ref('endDate'))]),
            ]),
          ]),
        )
        .where('id', '>', after)
        .orderBy('id')
        .limit(opts.batchSize ?? 500)
        .forUpdate()
        .skipLocked()
        .execute()
      let visits = 0
      for (const a of rows) visits += (await planAgreementVisitsTx(tx, a, today)).created
      return { rows, visits }
    })
    total.agreements += batch.rows.length
    total.visits += batch.visits
    if (batch.rows.length === 0) return total
    after = batch.rows.at(-1)!.id
  }
}

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void }

export interface VisitPlannerJob {
  /** One look now (tests); the job also looks every `intervalMs`. Plans once per company-local day. */
  tick(): Promise<void>
  stop(): void
}

/** Starts the daily visit planner (and the changes feed's pruning), wired in main.ts like automatic billing. */
export function startVisitPlanner(deps: Pick<ServiceDeps, 'db' | 'clock'>, opts: { intervalMs?: number; log?: Log } = {}): VisitPlannerJob {
  let lastDay: string | null = null
  let running: Promise<void> | null = null
  const tick = (): Promise<void> => {
    running ??= (async () => {
      const today = (await companyClock(deps.db)).dateOf(deps.clock.now().getTime())
      if (today === lastDay) return
      const planned = await planDueAgreementVisits(deps)
      const pruned = await pruneChanges(deps.db, deps.clock.now())
      lastDay = today
      opts.log?.info({ day: today, ...planned, changesPruned: pruned }, 'agreement visits planned')
    })()
      .then(() => jobRound('visit_planner'))
      .catch((err: Error) => (jobRound('visit_planner', false), opts.log?.error({ error: err.message }, 'visit planning failed')))
      .finally(() => (running = null))
    return running
  }
  const first = setTimeout(() => void tick(), 5_000)
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 3_600_000)
  first.unref()
  timer.unref()
  return {
    tick,
    stop: () => {
      clearTimeout(first)
      clearInterval(timer)
    },
  }
}
