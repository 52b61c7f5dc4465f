import type { PlanDto, PlanInput } from '../../contracts/plans.ts'
import { intervalMonths } from '../../contracts/plans.ts'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { notFound } from '../../domain/errors.ts'
import { newId } from '../../domain/ids.ts'
import { priceChangeOf, priceChangeValue } from '../../domain/renewal-terms.ts'
import { recordAuditEvent } from '../audit/record-audit-event.ts'
import type { ActorId, ServiceDeps } from '../deps.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

async function findPlan(db: Db, id: string): Promise<PlanDto | undefined> {
  const p = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst()
  return p && toDto(p)
}

function toDto({ renewalChangeKind, renewalChangeValue, ...p }: Awaited<ReturnType<typeof selectPlans>>[number]): PlanDto {
  return { ...p, renewalChange: priceChangeOf(renewalChangeKind, renewalChangeValue), archivedAt: iso(p.archivedAt), createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() }
}

const selectPlans = (db: Db) => db.selectFrom('plans').selectAll().execute()

const columns = (input: PlanInput) => ({
  name: input.name,
  description: input.description,
  priceCents: input.priceCents,
  billingFrequency: input.billingFrequency,
  billingIntervalMonths: intervalMonths(input),
  termMonths: input.termMonths,
  visitsPerTerm: input.visitsPerTerm,
  visitMonths: [...input.visitMonths].sort((a, b) => a - b),
  termsText: input.termsText,
  isTaxable: input.isTaxable,
  taxRatePpm: input.isTaxable ? input.taxRatePpm : 0,
  autoRenew: input.autoRenew,
  renewalChangeKind: input.renewalChange.kind,
  renewalChangeValue: priceChangeValue(input.renewalChange),
})

/** Returns a plan template or throws not found. */
export async function getPlan(deps: ServiceDeps, id: string): Promise<PlanDto> {
  const plan = await findPlan(deps.db, id)
  if (!plan) throw notFound('plan', id)
  return plan
}

/** Creates an agreement plan template. */
export async function createPlan(deps: ServiceDeps, input: PlanInput, actor: ActorId): Promise<PlanDto> {
  const id = newId('pln')
  await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('plans').values({ id, ...columns(input), archivedAt: null }).execute()
    await recordAuditEvent(tx, { entityType: 'plan', entityId: id, action: 'plan.created', actorUserId: actor })
  })
  return (await findPlan(deps.db, id))!
}

/** Replaces a plan template's settings (agreements made from it keep their own copy). */
export async function updatePlan(deps: ServiceDeps, id: string, input: PlanInput, actor: ActorId): Promise<PlanDto> {
  await getPlan(deps, id)
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('plans').set({ ...columns(input), updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'plan', entityId: id, action: 'plan.updated', actorUserId: actor })
  })
  return (await findPlan(deps.db, id))!
}

/** Archives or restores a plan template. */
export async function setPlanArchived(deps: ServiceDeps, id: string, archived: boolean, actor: ActorId): Promise<PlanDto> {
  await getPlan(deps, id)
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('plans').set({ archivedAt: archived ? deps.clock.now() : null, updatedAt: deps.clock.now() }).where('id', '=', id).execute()
    await recordAuditEvent(tx, { entityType: 'plan', entityId: id, action: archived ? 'plan.archived' : 'plan.restored', actorUserId: actor })
  })
  return (await findPlan(deps.db, id))!
}

/** One page of plan templates, by name. */
export async function listPlans(
  deps: ServiceDeps,
  opts: { q?: string; archived: boolean; page: number; pageSize: number },
): Promise<{ items: PlanDto[]; total: number }> {
  let base = deps.db.selectFrom('plans').where('archivedAt', opts.archived ? 'is not' : 'is', null)
  if (opts.q) base = base.where(sql<boolean>`lower(name) like ${`%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`)
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy(sql`lower(name)`).orderBy('id').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toDto), total: Number(count.n) }
}
