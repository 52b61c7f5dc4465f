import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/database.ts'
import { unreachable } from '../../domain/errors.ts'
import type { ServiceDeps } from '../deps.ts'
import type { RunCounters, Tally } from './billing-runs.ts'
import { pool } from './charge-batching.ts'
import { chargeWork, claimInChunks } from './charge.ts'
import { groupTarget, isChargeable, type ChargeContext, type ChargeResult, type ChargeTarget } from './charge-types.ts'

/**
 * Several servers, one run (issue 14). While a run is in its charge phase every live server
 * charges its invoices: the lease holder (billing-runs.ts) and each other server, which joins as
 * a helper (`helpBillingRun` in run-billing.ts, looked for every second). Each server claims its
 * own chunks of the run's due charges (`chargeShare`), and the claim of a chunk is exclusive in
 * the database: one transaction reads the run row `for share` (no claim once the holder has
 * moved the run on), locks the chunk's agreements `for no key update skip locked` (another
 * server's chunk in the making is passed over, never waited for), and inserts their attempts
 * (charge.ts), which keep this run from picking them again once it commits. A server killed in
 * the middle of a claim leaves nothing: its transaction is undone and its rows are free again.
 * The per-invoice claim of charge.ts still guards every charge, whoever picks it.
 *
 * What a run charges (`due`): every unpaid invoice through the run's date that is open, a
 * gateway-error retry, or a scheduled retry due by today, one charge per agreement for all of
 * them, once per run; again only if every attempt of it in this run turned out never sent
 * (`not_sent`, at most MAX_SENDS times).
 */
export interface Share {
  deps: ServiceDeps
  runId: string
  through: string
  ctx: ChargeContext
  /** Charges in flight at most (this server's). */
  limit: number
  /** Immediate retries of a retryable gateway error. */
  retries: number
  /** This server's counts, written to the run every second (billing-runs.ts). */
  tally: Tally
  /** Agreements this server found nothing to charge with: `chargeOnce` records that once; not picked again by it. */
  unchargeable: string[]
  stopping(): boolean
  /** Why the gateway refused our credentials or merchant account, once it has. */
  halted(): string | null
}

/** How many times a run sends an invoice whose attempts turned out never sent. */
export const MAX_SENDS = 3

interface Due {
  runId: string
  through: string
  today: string
}

/** The invoice `i` is due for this run (see above). */
const due = (q: Due): RawBuilder<boolean> => sql<boolean>`i.period_start <= ${q.through} and i.status in ('open', 'failed') and i.total_cents > i.paid_cents
  and (i.status = 'open' or i.retry_state = 'soon' or (i.retry_state = 'scheduled' and i.next_retry_date <= ${q.today}))
  and not exists (select 1 from charge_attempt_invoices c join charge_attempts ca on ca.id = c.attempt_id
    where c.invoice_id = i.id and ca.run_id = ${q.runId} having count(*) >= ${MAX_SENDS} or bool_or(ca.status <> 'not_sent'))`

/**
 * The agreement `a` can be charged now: something due, no charge of its unpaid invoices in flight.
 * NOTE: scalar subqueries with `limit 1`, not `exists`: PostgreSQL turns an `exists` into a
 * semi-join that reads every due invoice of the book before the first chunk (half a second on
 * PGlite for 2,000 agreements, for every chunk); this way it walks the agreements in id order
 * and stops at the chunk's size.
 */
const chargeable = (q: Due, skip: string[]): RawBuilder<boolean> => sql<boolean>`a.status in ('active', 'suspended') and not (a.id = any(${skip}::text[]))
  and (select true from invoices i where i.agreement_id = a.id and ${due(q)} limit 1)
  and (select true from invoices i join charge_attempt_invoices c on c.invoice_id = i.id and c.pending where i.agreement_id = a.id and i.status in ('open', 'failed') limit 1) is null`

/**
 * One chunk of the run's charges, picked exclusively in `tx` (see above): up to `size` agreements
 * after `after` (by id), each with all its due invoices as one target. Null when the run is no
 * longer charging; empty when nothing after `after` is free to take.
 */
export async function pickChunk(tx: Db, q: Due, after: string, skip: string[], size: number): Promise<{ agreementIds: string[]; targets: (ChargeTarget & { agreementId: string })[]; again: string[] } | null> {
  const gate = await sql`select 1 from billing_runs where id = ${q.runId} and status = 'running' and phase = 'charge' for share`.execute(tx)
  if (gate.rows.length === 0) return null
  const { rows: picked } = await sql<{ id: string }>`
    select a.id from agreements a where a.id > ${after} and ${chargeable(q, skip)}
    order by a.id limit ${size} for no key update of a skip locked`.execute(tx)
  if (picked.length === 0) return { agreementIds: [], targets: [], again: [] }
  const ids = picked.map((p) => p.id)
  const { rows } = await sql<{ agreementId: string; invoiceId: string; amountCents: string; again: boolean; pmId: string | null; kind: 'card' | 'ach'; profileId: string; acctId: string; brand: string | null; last4: string; isActive: boolean }>`
    select i.agreement_id as "agreementId", i.id as "invoiceId", i.total_cents - i.paid_cents as "amountCents",
      exists (select 1 from charge_attempt_invoices c join charge_attempts ca on ca.id = c.attempt_id where c.invoice_id = i.id and ca.run_id = ${q.runId}) as again,
      pm.id as "pmId", pm.kind, pm.profile_id as "profileId", pm.acct_id as "acctId", pm.brand, pm.last4, pm.is_active as "isActive"
    from unnest(${ids}::text[]) as p(id) join agreements a on a.id = p.id left join payment_methods pm on pm.id = a.payment_method_id
      cross join lateral (select * from invoices i where i.agreement_id = p.id and ${due(q)} order by i.period_start, i.id) i
    order by i.agreement_id, i.period_start, i.id`.execute(tx)
  const byAgreement = new Map<string, typeof rows>()
  for (const r of rows) byAgreement.set(r.agreementId, [...(byAgreement.get(r.agreementId) ?? []), r])
  const again: string[] = []
  const targets = [...byAgreement.values()].map((group) => {
    const r = group[0]!
    const pm = r.pmId ? { id: r.pmId, kind: r.kind, profileId: r.profileId, acctId: r.acctId, brand: r.brand, last4: r.last4, isActive: r.isActive } : null
    if (group.some((g) => g.again)) again.push(r.invoiceId)
    return { ...groupTarget(group.map((g) => ({ invoiceId: g.invoiceId, amountCents: Number(g.amountCents) })), pm), agreementId: r.agreementId }
  })
  return { agreementIds: ids, targets, again }
}

/**
 * Whether anything of the run is still to be charged (not skipping locked rows: another server's
 * claim still open counts as work left until it commits or is undone).
 */
export async function workLeft(db: Db, q: Due, skip: string[]): Promise<boolean> {
  const { rows } = await sql<{ left: boolean }>`
    select exists (select 1 from invoices i join agreements a on a.id = i.agreement_id
      where i.status in ('open', 'failed') and ${due(q)} and ${chargeable(q, skip)}) as "left"`.execute(db)
  return rows[0]!.left
}

/**
 * This server's share of the run's charges: chunk after chunk (`pickChunk`, moving on by
 * agreement id, then one more look from the start for rows passed over while another claim held
 * them), each charge living its life (charge.ts) concurrently up to the limit. Returns when no
 * chunk is left for it, the run stopped charging, the gateway refused our credentials or the
 * server stops.
 */
export async function chargeShare(s: Share, today: string): Promise<void> {
  const q = { runId: s.runId, through: s.through, today }
  const size = Math.max(1, Math.min(s.limit, 200))
  const again = new Set<string>()
  let after = ''
  const pick = async (tx: Db): Promise<ChargeTarget[] | null> => {
    for (;;) {
      const chunk = await pickChunk(tx, q, after, s.unchargeable, size)
      if (chunk === null) return null
      if (chunk.agreementIds.length > 0) {
        after = chunk.agreementIds.at(-1)!
        for (const id of chunk.again) again.add(id)
        for (const t of chunk.targets) if (!isChargeable(t)) s.unchargeable.push(t.agreementId)
        return chunk.targets
      }
      if (after === '') return null
      after = ''
    }
  }
  await pool(claimInChunks(s.deps, pick, s.runId, () => s.halted() !== null || s.stopping()), s.limit, async (work) => {
    if (!again.has(work.target.invoiceId)) s.tally.c.invoicesToCharge++
    count(s.tally.c, await chargeWork(s.deps, work, s.ctx, s.retries))
  })
}

/** A charge's result in the run's counters. */
export function count(c: RunCounters, r: ChargeResult): void {
  switch (r.kind) {
    case 'skipped':
    case 'not_sent':
      return
    case 'approved':
      c.charged++
      c.approved++
      c.collectedCents += r.amountCents
      return
    case 'declined':
      c.charged++
      c.declined++
      return
    case 'retryable':
    case 'error':
      c.charged++
      c.errors++
      return
    case 'unresolved':
      c.charged++
      return
    default:
      unreachable(r)
  }
}
