import { sql } from 'kysely'
import { claimerGone, INSTANCE_ID } from '../../db/instance-liveness.ts'
import type { Db } from '../../db/database.ts'
import { cents, type Cents } from '../../domain/money.ts'
import { localDate } from '../../domain/time-zone.ts'
import type { PricedLine } from '../../domain/pricing.ts'
import type { AccountingLedger, AccountingOutcome, LedgerCustomer, LedgerFault } from '../../ports/accounting.ts'
import { companyTimeZone } from '../settings/company-settings.ts'
import type { ServiceDeps } from '../deps.ts'
import { ensureMapping, type QuickBooksMapping } from './quickbooks-connection.ts'
import { ledgerFor, markNeedsReconnect, runtimeOf } from './quickbooks-runtime.ts'

/**
 * Drains `quickbooks_queue`, which billing fills in the same transaction as the invoice or
 * payment it reports. Each entry is claimed by pushing its next attempt into the future
 * (`for update skip locked`), so several processes never push the same entry at once and a
 * process killed mid-push gives the entry back when its lease ends.
 *
 * Exactly once: every record pushed gets a row in `quickbooks_links` and is never created
 * twice; each write carries the entry's request id (kept after a lost answer, renewed after a
 * refusal, which QuickBooks would otherwise replay); a retry after a failure whose outcome is
 * unknown looks the record up first (invoice by DocNumber, payment and refund by our id in
 * PrivateNote, customer by e-mail then DisplayName), because Intuit documents no request-id
 * replay window. A payment waits for its invoice, a void for what it voids.
 *
 * Without a connection nothing is claimed and the queue waits; when the grant is gone the
 * entries tried become `waiting` until an admin reconnects.
 */
export type QueueEntityType = 'customer' | 'invoice' | 'payment' | 'refund' | 'void' | 'invoice_void'

export interface PushOptions {
  /** Entries claimed per round. */
  limit?: number
  /** Entries pushed at once (the throttle caps requests in flight at 10 anyway). */
  concurrency?: number
  /** How long a claim holds an entry (a killed process's entries come back after it). */
  claimLeaseMs?: number
  /** Delay before try n+1 after n failed tries; the last repeats. */
  retryDelaysMs?: readonly number[]
  maxAttempts?: number
}

export interface PushRound {
  idle: 'not_configured' | 'not_connected' | 'needs_reconnect' | null
  claimed: number
  sent: number
  retried: number
  deferred: number
  failed: number
  waiting: number
}

export const RETRY_DELAYS_MS = [2_000, 10_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const
export const MAX_ATTEMPTS = 12
export const CLAIM_LEASE_MS = 5 * 60_000
/** How long a payment waits before looking again for its invoice (or a void for its payment). */
const DEFER_MS = 1_500

const ORDER: QueueEntityType[] = ['customer', 'invoice', 'payment', 'invoice_void', 'void', 'refund']

type Result =
  | { kind: 'sent' }
  | { kind: 'defer'; ms: number; message: string }
  | { kind: 'retry'; ms: number | null; code: string; message: string }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'waiting'; message: string }

interface Entry {
  id: string
  entityType: QueueEntityType
  entityId: string
  attempts: number
  requestId: string
  errorCode: string | null
  /** A create of this try may have been stored (its answer was lost): the next try looks it up first. */
  maybeWritten?: boolean
}

interface Ctx {
  deps: ServiceDeps
  ledger: AccountingLedger
  realmId: string
  mapping: QuickBooksMapping
  timeZone: string
  /** Unlinked customers of the round as QuickBooks had them at its start (null: none there). */
  prefound: Map<string, LedgerCustomer | null>
}

/** Thrown inside a push to end it with this result. */
class Stop extends Error {
  readonly result: Result
  constructor(result: Result) {
    super(result.kind)
    this.result = result
  }
}

/** One round: claim due entries, push them (invoices before payments before reversals), record the outcomes. */
export async function pushQuickBooksQueue(deps: ServiceDeps, options: PushOptions = {}): Promise<PushRound> {
  const round: PushRound = { idle: null, claimed: 0, sent: 0, retried: 0, deferred: 0, failed: 0, waiting: 0 }
  if (!deps.quickbooks) return { ...round, idle: 'not_configured' }
  const conn = await deps.db.selectFrom('quickbooksConnections').selectAll().where('id', '=', 1).executeTakeFirst()
  if (!conn) return { ...round, idle: 'not_connected' }
  if (conn.status !== 'connected') return { ...round, idle: 'needs_reconnect' }
  const entries = await claim(deps.db, options.limit ?? 100, options.claimLeaseMs ?? CLAIM_LEASE_MS)
  round.claimed = entries.length
  if (!entries.length) return round
  let mapping: QuickBooksMapping = conn
  if (!conn.serviceItemId || !conn.depositAccountId || (conn.taxHandling === 'line' && !conn.taxItemId)) {
    try {
      mapping = await ensureMapping(deps)
    } catch (err) {
      await Promise.all(entries.map((e) => finish(deps.db, e, { kind: 'retry', ms: null, code: 'mapping', message: (err as Error).message }, options)))
      round.retried = entries.length
      return round
    }
  }
  const ctx: Ctx = { deps, ledger: ledgerFor(deps, conn.realmId).ledger, realmId: conn.realmId, mapping, timeZone: await companyTimeZone(deps.db), prefound: new Map() }
  await lookUpCustomers(ctx, entries)
  for (const type of ORDER) {
    const batch = entries.filter((e) => e.entityType === type)
    await pool(batch, options.concurrency ?? 10, async (e) => {
      const result = await pushEntry(ctx, e)
      await finish(deps.db, e, result, options)
      if (result.kind === 'sent') round.sent++
      else if (result.kind === 'defer') round.deferred++
      else if (result.kind === 'retry') round.retried++
      else if (result.kind === 'failed') round.failed++
      else round.waiting++
    })
  }
  if (round.sent) await deps.db.updateTable('quickbooksConnections').set({ lastPushAt: new Date() }).where('id', '=', 1).execute()
  return round
}

/**
 * Queues (if not yet queued) and pushes one entry now, e.g. a payment reversal found by
 * reconciliation: `pushOneNow(deps, 'void', paymentId)`. Returns the entry's status afterwards.
 */
export async function pushOneNow(deps: ServiceDeps, entityType: QueueEntityType, entityId: string): Promise<{ status: string; lastError: string | null }> {
  await deps.db.insertInto('quickbooksQueue').values({ id: `qbo_${entityType}_${entityId}`.slice(0, 80), entityType, entityId }).onConflict((oc) => oc.columns(['entityType', 'entityId']).doNothing()).execute()
  await deps.db.updateTable('quickbooksQueue').set({ nextAttemptAt: new Date(0) }).where('entityType', '=', entityType).where('entityId', '=', entityId).where('status', '=', 'queued').execute()
  await pushQuickBooksQueue(deps, { limit: 1000 })
  const row = await deps.db.selectFrom('quickbooksQueue').select(['status', 'lastError']).where('entityType', '=', entityType).where('entityId', '=', entityId).executeTakeFirstOrThrow()
  return row
}

async function claim(db: Db, limit: number, leaseMs: number): Promise<Entry[]> {
  const now = new Date()
  const rows = await sql<Entry>`
    update quickbooks_queue q
    set next_attempt_at = ${new Date(now.getTime() + leaseMs)}, attempts = q.attempts + 1, request_id = coalesce(q.request_id, gen_random_uuid()::text), claimed_by = ${INSTANCE_ID}
    where q.id in (
      select id from quickbooks_queue
      where status = 'queued' and (next_attempt_at <= ${now} or ${claimerGone('claimed_by')})
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning q.id, q.entity_type as "entityType", q.entity_id as "entityId", q.attempts, q.request_id as "requestId", q.error_code as "errorCode"`.execute(db)
  return rows.rows
}

async function finish(db: Db, e: Entry, r: Result, options: PushOptions): Promise<void> {
  const now = Date.now()
  const q = db.updateTable('quickbooksQueue').set({ claimedBy: null }).where('id', '=', e.id)
  if (r.kind === 'sent') {
    await q.set({ status: 'sent', sentAt: new Date(), lastError: null, errorCode: null, fixHint: null }).execute()
  } else if (r.kind === 'defer') {
    // Not a failure: the try does not count. But a create whose answer was lost before the
    // deferral (a 429 on the lookup after it) may be in QuickBooks: the next try looks first.
    await q.set({ attempts: sql`greatest(attempts - 1, 0)`, nextAttemptAt: new Date(now + r.ms), ...(e.maybeWritten ? { errorCode: 'indeterminate', lastError: r.message } : {}) }).execute()
  } else if (r.kind === 'waiting') {
    await q.set({ status: 'waiting', lastError: r.message, errorCode: 'needs_reconnect', fixHint: hintFor('needs_reconnect') }).execute()
  } else if (r.kind === 'failed' || e.attempts >= (options.maxAttempts ?? MAX_ATTEMPTS)) {
    const code = r.code
    // A refusal is final for this request id (QuickBooks would replay it): the next try, after a fix, gets a new one.
    await q.set({ status: 'failed', lastError: r.message, errorCode: code, fixHint: hintFor(code), requestId: null }).execute()
  } else {
    const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS
    const ms = r.ms ?? delays[Math.min(e.attempts - 1, delays.length - 1)]!
    // Only a write whose outcome is unknown is tried again under the same request id.
    await q.set({ nextAttemptAt: new Date(now + ms), lastError: r.message, errorCode: r.code, fixHint: hintFor(r.code), ...(r.code === 'indeterminate' ? {} : { requestId: null }) }).execute()
  }
}

/** What the office can do about a failure, by QuickBooks' fault code (or ours). */
export function hintFor(code: string): string {
  switch (code) {
    case '6240':
      return 'QuickBooks already has a customer, vendor or employee with this name. Rename one of them in QuickBooks, then Retry.'
    case '6140':
      return 'QuickBooks already has an invoice with this number that is not ours. Renumber it in QuickBooks, then Retry.'
    case '610':
    case '2500':
      return 'A record this needs (customer, item, account or payment method) is missing or inactive in QuickBooks. Check the mapping under Settings → QuickBooks, reactivate the record, then Retry.'
    case '2020':
    case '2010':
    case '6000':
    case '6070':
      return 'QuickBooks refused the record as it stands (see its message). Correct it in Servicebook or QuickBooks, then Retry.'
    case '5010':
      return 'Someone changed the record in QuickBooks at the same moment. Retry.'
    case 'needs_reconnect':
    case 'unauthorized':
      return 'Reconnect QuickBooks under Settings → QuickBooks; waiting work is sent afterwards.'
    case 'rate_limited':
    case 'retryable':
    case 'indeterminate':
      return 'QuickBooks was busy or did not answer; Servicebook retries by itself. Retry now if it keeps failing.'
    case 'waits_for_invoice':
    case 'waits_for_payment':
      return 'It is sent once the record it depends on has reached QuickBooks: fix that one first.'
    case 'mapping':
      return 'Finish the mapping under Settings → QuickBooks, then Retry.'
    default:
      return 'Read QuickBooks\' message, correct the record in QuickBooks or Servicebook, then Retry.'
  }
}

async function pushEntry(ctx: Ctx, e: Entry): Promise<Result> {
  try {
    switch (e.entityType) {
      case 'customer':
        await ensureCustomer(ctx, e, e.entityId)
        return { kind: 'sent' }
      case 'invoice':
        await ensureInvoice(ctx, e, e.entityId)
        return { kind: 'sent' }
      case 'payment':
        await ensurePayment(ctx, e, e.entityId)
        return { kind: 'sent' }
      case 'void':
        return await voidPayment(ctx, e)
      case 'invoice_void':
        return await voidInvoice(ctx, e)
      case 'refund':
        return await pushRefund(ctx, e)
    }
  } catch (err) {
    if (err instanceof Stop) return err.result
    return { kind: 'retry', ms: null, code: 'error', message: (err as Error).message }
  }
}

// ---------------------------------------------------------------------------------------
// Links

async function linkOf(ctx: Ctx, entityType: QueueEntityType, entityId: string): Promise<string | null> {
  const row = await ctx.deps.db.selectFrom('quickbooksLinks').select('qboId').where('entityType', '=', entityType).where('entityId', '=', entityId).where('realmId', '=', ctx.realmId).executeTakeFirst()
  return row?.qboId ?? null
}

/** Stores the link; if another process linked first, its id wins (and is returned). */
async function link(ctx: Ctx, entityType: QueueEntityType, entityId: string, qboType: string, qboId: string): Promise<string> {
  await ctx.deps.db
    .insertInto('quickbooksLinks')
    .values({ entityType, entityId, realmId: ctx.realmId, qboType, qboId })
    .onConflict((oc) => oc.columns(['entityType', 'entityId']).doUpdateSet({ realmId: ctx.realmId, qboType, qboId }).where('quickbooksLinks.realmId', '<>', ctx.realmId))
    .execute()
  return (await linkOf(ctx, entityType, entityId)) ?? qboId
}

/** `ok` → the value; anything else ends the push with the matching result. */
function must<T>(out: AccountingOutcome<T>, what: string): T {
  if (out.status === 'ok') return out.value
  throw new Stop(resultOf(out, what))
}

function resultOf(out: Exclude<AccountingOutcome<unknown>, { status: 'ok' }>, what: string): Result {
  const said = (f: LedgerFault) => `${what}: ${f.message}${f.detail && f.detail !== f.message ? ` (${f.detail})` : ''}`
  switch (out.status) {
    case 'rate_limited':
      return { kind: 'defer', ms: out.retryAfterMs, message: out.message }
    case 'retryable':
      return { kind: 'retry', ms: null, code: 'retryable', message: `${what}: ${out.message}` }
    case 'indeterminate':
      return { kind: 'retry', ms: null, code: 'indeterminate', message: `${what}: no answer (${out.message}); looked up before trying again` }
    case 'unauthorized':
      return out.needsReconnect ? { kind: 'waiting', message: out.message } : { kind: 'retry', ms: null, code: 'unauthorized', message: out.message }
    case 'stale':
      return { kind: 'retry', ms: 500, code: '5010', message: said(out.fault) }
    case 'duplicate':
    case 'invalid':
      return { kind: 'failed', code: out.fault.code, message: said(out.fault) }
  }
}

/** True when an earlier try of this entry may have stored the record: look it up before creating. */
const mayExist = (e: Entry) => e.attempts > 1 || e.errorCode === 'indeterminate'

/** Remembers a create whose answer was lost, whatever ends this try. */
function noted<T extends AccountingOutcome<unknown>>(e: Entry, out: T): T {
  if (out.status === 'indeterminate') e.maybeWritten = true
  return out
}

// ---------------------------------------------------------------------------------------
// Customers: link → e-mail → DisplayName (inactive included) → create; a name taken by a
// vendor or employee gets " (customer)" added, never a second customer.

const customerRows = (ctx: Ctx, ids: string[]) =>
  ctx.deps.db
    .selectFrom('customers as c')
    .leftJoin('customerContacts as k', (j) => j.onRef('k.customerId', '=', 'c.id').on('k.isPrimary', '=', true))
    .select(['c.id', 'c.name', 'c.companyName', 'k.email', 'k.phone'])
    .where('c.id', 'in', ids.length ? ids : [''])
    .execute()

/** What QuickBooks' DisplayName can hold (no colon; we keep 100 characters). */
const displayNameOf = (name: string) => name.trim().replace(/:/g, '-').slice(0, 100)

/**
 * The round's customers that have no link yet, looked up in QuickBooks at once: a few `IN`
 * queries (by e-mail, by DisplayName inactive included) instead of two queries per customer.
 * Each entry then adopts what was found, or creates its customer without asking again. If the
 * lookup fails, each entry asks for its own as before.
 */
async function lookUpCustomers(ctx: Ctx, entries: Entry[]): Promise<void> {
  const ids = (type: QueueEntityType) => entries.filter((e) => e.entityType === type).map((e) => e.entityId)
  const [invoices, payments] = await Promise.all([
    ids('invoice').length ? ctx.deps.db.selectFrom('invoices').select('customerId').where('id', 'in', ids('invoice')).execute() : [],
    ids('payment').length ? ctx.deps.db.selectFrom('payments as p').innerJoin('invoices as i', 'i.id', 'p.invoiceId').select('i.customerId').where('p.id', 'in', ids('payment')).execute() : [],
  ])
  const wanted = [...new Set([...ids('customer'), ...invoices.map((r) => r.customerId), ...payments.map((r) => r.customerId)])]
  if (!wanted.length) return
  const linked = new Set((await ctx.deps.db.selectFrom('quickbooksLinks').select('entityId').where('entityType', '=', 'customer').where('realmId', '=', ctx.realmId).where('entityId', 'in', wanted).execute()).map((r) => r.entityId))
  const rows = await customerRows(ctx, wanted.filter((id) => !linked.has(id)))
  if (!rows.length) return
  const out = await ctx.ledger.findCustomers({ emails: rows.flatMap((r) => (r.email ? [r.email] : [])), displayNames: rows.map((r) => displayNameOf(r.name)) })
  if (out.status !== 'ok') return
  const same = (a: string | null, b: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase()
  for (const r of rows) {
    const byEmail = out.value.find((c) => c.isActive && same(c.email, r.email))
    const byName = out.value.filter((c) => same(c.displayName, displayNameOf(r.name)))
    ctx.prefound.set(r.id, byEmail ?? byName.find((c) => c.isActive) ?? byName[0] ?? null)
  }
}

async function ensureCustomer(ctx: Ctx, e: Entry, customerId: string): Promise<string> {
  const linked = await linkOf(ctx, 'customer', customerId)
  if (linked) return linked
  const [c] = await customerRows(ctx, [customerId])
  if (!c) throw new Stop({ kind: 'failed', code: 'not_found', message: `Customer ${customerId} is not in Servicebook` })
  const displayName = displayNameOf(c.name)
  const email = c.email ?? undefined
  const found = ctx.prefound.has(customerId) ? ctx.prefound.get(customerId)! : must(await ctx.ledger.findCustomer({ ...(email ? { email } : {}), displayName }), 'Finding the customer')
  if (found) {
    // Made inactive in QuickBooks (an old customer back): active again, or QuickBooks refuses its invoices.
    if (!found.isActive) must(await ctx.ledger.reactivateCustomer({ ledgerId: found.ledgerId }, { requestId: `${e.requestId}-a` }), `Reactivating customer ${found.displayName}`)
    return link(ctx, 'customer', customerId, 'Customer', found.ledgerId)
  }
  for (const [n, name] of [displayName, `${displayName} (customer)`].entries()) {
    const made = noted(e, await ctx.ledger.createCustomer(
      { displayName: name, ...(email ? { email } : {}), ...(c.phone ? { phone: c.phone } : {}), ...(c.companyName ? { companyName: c.companyName } : {}), reference: customerId },
      { requestId: `${e.requestId}-c${n}` },
    ))
    if (made.status === 'ok') return link(ctx, 'customer', customerId, 'Customer', made.value.ledgerId)
    if (made.status === 'duplicate' || made.status === 'indeterminate') {
      // Ours already (a lost answer, another process), or a vendor's/employee's name.
      const again = must(await ctx.ledger.findCustomer({ displayName: name }), 'Finding the customer')
      if (again) {
        if (!again.isActive) must(await ctx.ledger.reactivateCustomer({ ledgerId: again.ledgerId }, { requestId: `${e.requestId}-a` }), `Reactivating customer ${name}`)
        return link(ctx, 'customer', customerId, 'Customer', again.ledgerId)
      }
      if (made.status === 'duplicate') continue
    }
    throw new Stop(resultOf(made, `Creating customer ${name}`))
  }
  throw new Stop({ kind: 'failed', code: '6240', message: `The names "${displayName}" and "${displayName} (customer)" are both taken by vendors or employees in QuickBooks` })
}

// ---------------------------------------------------------------------------------------
// Invoices: DocNumber = our number; lines on the service item; tax as its own line.

async function ensureInvoice(ctx: Ctx, e: Entry, invoiceId: string): Promise<string> {
  const linked = await linkOf(ctx, 'invoice', invoiceId)
  if (linked) return linked
  const inv = await ctx.deps.db
    .selectFrom('invoices as i')
    .leftJoin('customerContacts as k', (j) => j.onRef('k.customerId', '=', 'i.customerId').on('k.isPrimary', '=', true))
    .select(['i.number', 'i.customerId', 'i.lines', 'i.taxCents', 'i.totalCents', 'i.createdAt', 'k.email'])
    .where('i.id', '=', invoiceId)
    .executeTakeFirst()
  if (!inv) throw new Stop({ kind: 'failed', code: 'not_found', message: `Invoice ${invoiceId} is not in Servicebook` })
  const number = String(inv.number)
  const customerLedgerId = await ensureCustomer(ctx, e, inv.customerId)
  if (mayExist(e)) {
    const found = must(await ctx.ledger.findInvoiceByNumber(number), `Looking up invoice ${number}`)
    if (found) return link(ctx, 'invoice', invoiceId, 'Invoice', found.ledgerId)
  }
  const priced = (typeof inv.lines === 'string' ? JSON.parse(inv.lines) : inv.lines) as PricedLine[]
  const item = ctx.mapping.serviceItemId!
  const lines = priced.map((l) => ({ description: l.description, amountCents: cents(l.amountCents), itemLedgerId: item }))
  const tax = Number(inv.taxCents)
  if (tax > 0 && ctx.mapping.taxHandling === 'line') lines.push({ description: 'Sales tax', amountCents: cents(tax), itemLedgerId: ctx.mapping.taxItemId ?? item })
  const issued = localDate(inv.createdAt, ctx.timeZone)
  const made = noted(e, await ctx.ledger.createInvoice(
    { customerLedgerId, number, issueDate: issued, dueDate: issued, lines, ...(inv.email ? { email: inv.email } : {}), reference: invoiceId },
    { requestId: `${e.requestId}-i` },
  ))
  if (made.status === 'ok') return link(ctx, 'invoice', invoiceId, 'Invoice', made.value.ledgerId)
  if (made.status === 'duplicate' || made.status === 'indeterminate') {
    const found = must(await ctx.ledger.findInvoiceByNumber(number), `Looking up invoice ${number}`)
    if (found && found.customerLedgerId === customerLedgerId) return link(ctx, 'invoice', invoiceId, 'Invoice', found.ledgerId)
  }
  throw new Stop(resultOf(made, `Creating invoice ${number}`))
}

/** The QuickBooks id of what `entityType`/`entityId` depends on, or a defer while its own entry is still on its way. */
async function dependency(ctx: Ctx, e: Entry, entityType: 'invoice' | 'payment', entityId: string): Promise<string | null> {
  const linked = await linkOf(ctx, entityType, entityId)
  if (linked) return linked
  const entry = await ctx.deps.db.selectFrom('quickbooksQueue').select(['status']).where('entityType', '=', entityType).where('entityId', '=', entityId).executeTakeFirst()
  if (!entry) return null
  const code = entityType === 'invoice' ? 'waits_for_invoice' : 'waits_for_payment'
  if (entry.status === 'queued') throw new Stop({ kind: 'defer', ms: DEFER_MS, message: `waits for its ${entityType} to reach QuickBooks` })
  if (entry.status === 'waiting') throw new Stop({ kind: 'waiting', message: `waits for its ${entityType}, which waits for a reconnection` })
  throw new Stop({ kind: 'retry', ms: 60_000, code, message: `Its ${entityType} could not be sent to QuickBooks (see that error)` })
}

// ---------------------------------------------------------------------------------------
// Payments: linked to their invoice, gateway reference in PaymentRefNum, our id in PrivateNote.

async function ensurePayment(ctx: Ctx, e: Entry, paymentId: string): Promise<string> {
  const linked = await linkOf(ctx, 'payment', paymentId)
  if (linked) return linked
  const p = await ctx.deps.db
    .selectFrom('payments as p')
    .innerJoin('invoices as i', 'i.id', 'p.invoiceId')
    .select(['p.invoiceId', 'i.customerId', 'p.amountCents', 'p.method', 'p.gatewayRef', 'p.reference', 'p.receivedAt'])
    .where('p.id', '=', paymentId)
    .executeTakeFirst()
  if (!p) throw new Stop({ kind: 'failed', code: 'not_found', message: `Payment ${paymentId} is not in Servicebook` })
  // A payment of several invoices (a catch-up) is one QuickBooks payment with a line linked to each.
  const parts = await ctx.deps.db
    .selectFrom('paymentInvoices as pi')
    .innerJoin('invoices as i', 'i.id', 'pi.invoiceId')
    .select(['pi.invoiceId', 'pi.amountCents'])
    .where('pi.paymentId', '=', paymentId)
    .orderBy('i.periodStart')
    .orderBy('i.id')
    .execute()
  const lines: { invoiceLedgerId: string; amountCents: Cents }[] = []
  for (const part of parts) {
    lines.push({ invoiceLedgerId: (await dependency(ctx, e, 'invoice', part.invoiceId)) ?? (await ensureInvoice(ctx, e, part.invoiceId)), amountCents: cents(Number(part.amountCents)) })
  }
  const invoiceLedgerId = lines[0]?.invoiceLedgerId ?? (await dependency(ctx, e, 'invoice', p.invoiceId)) ?? (await ensureInvoice(ctx, e, p.invoiceId))
  const customerLedgerId = await ensureCustomer(ctx, e, p.customerId)
  if (mayExist(e)) {
    const found = must(await ctx.ledger.findPaymentByReference({ customerLedgerId, reference: paymentId }), 'Looking up the payment')
    if (found) return link(ctx, 'payment', paymentId, 'Payment', found.ledgerId)
  }
  const method = p.method === 'card' ? ctx.mapping.cardMethodId : p.method === 'ach' ? ctx.mapping.bankMethodId : null
  const gatewayRef = p.gatewayRef ?? (p.reference || undefined)
  const made = noted(e, await ctx.ledger.createPayment(
    {
      customerLedgerId,
      invoiceLedgerId,
      amountCents: cents(Number(p.amountCents)),
      ...(lines.length > 1 ? { lines } : {}),
      date: localDate(p.receivedAt, ctx.timeZone),
      ...(gatewayRef ? { gatewayRef } : {}),
      ...(method ? { methodLedgerId: method } : {}),
      ...(ctx.mapping.depositAccountId ? { depositAccountLedgerId: ctx.mapping.depositAccountId } : {}),
      reference: paymentId,
    },
    { requestId: `${e.requestId}-p` },
  ))
  if (made.status === 'ok') return link(ctx, 'payment', paymentId, 'Payment', made.value.ledgerId)
  if (made.status === 'indeterminate') {
    const found = must(await ctx.ledger.findPaymentByReference({ customerLedgerId, reference: paymentId }), 'Looking up the payment')
    if (found) return link(ctx, 'payment', paymentId, 'Payment', found.ledgerId)
  }
  throw new Stop(resultOf(made, 'Creating the payment'))
}

// ---------------------------------------------------------------------------------------
// Reversals

async function voidPayment(ctx: Ctx, e: Entry): Promise<Result> {
  const ledgerId = await dependency(ctx, e, 'payment', e.entityId)
  if (!ledgerId) return { kind: 'sent' } // never reached QuickBooks: nothing to void there
  const out = must(await ctx.ledger.voidPayment({ ledgerId }, { requestId: `${e.requestId}-v` }), 'Voiding the payment')
  await link(ctx, 'void', e.entityId, 'Payment', out.ledgerId)
  return { kind: 'sent' }
}

async function voidInvoice(ctx: Ctx, e: Entry): Promise<Result> {
  const ledgerId = await dependency(ctx, e, 'invoice', e.entityId)
  if (!ledgerId) return { kind: 'sent' }
  const out = must(await ctx.ledger.voidInvoice({ ledgerId }, { requestId: `${e.requestId}-v` }), 'Voiding the invoice')
  await link(ctx, 'invoice_void', e.entityId, 'Invoice', out.ledgerId)
  return { kind: 'sent' }
}

/** A refund at the gateway becomes a RefundReceipt (see QuickBooksLedger.createRefund for why). */
async function pushRefund(ctx: Ctx, e: Entry): Promise<Result> {
  if (await linkOf(ctx, 'refund', e.entityId)) return { kind: 'sent' }
  const sep = e.entityId.indexOf(':')
  const paymentId = e.entityId.slice(0, sep)
  const ref = e.entityId.slice(sep + 1)
  const r = await ctx.deps.db
    .selectFrom('paymentReversals as r')
    .innerJoin('payments as p', 'p.id', 'r.paymentId')
    .innerJoin('invoices as i', 'i.id', 'r.invoiceId')
    .select(['r.amountCents', 'r.resolvedAt', 'r.createdAt', 'p.method', 'i.customerId', 'i.number'])
    .where('r.paymentId', '=', paymentId)
    .where('r.kind', '=', 'refund')
    .where('r.status', '=', 'approved')
    .where((eb) => eb.or([eb('r.gatewayRef', '=', ref), eb('r.id', '=', ref)]))
    .executeTakeFirst()
  if (!r) return { kind: 'failed', code: 'not_found', message: `No approved refund ${ref} of payment ${paymentId} in Servicebook` }
  const paid = await dependency(ctx, e, 'payment', paymentId)
  if (!paid) await ensurePayment(ctx, e, paymentId)
  const customerLedgerId = await ensureCustomer(ctx, e, r.customerId)
  if (mayExist(e)) {
    const found = must(await ctx.ledger.findRefundByReference({ customerLedgerId, reference: e.entityId }), 'Looking up the refund')
    if (found) {
      await link(ctx, 'refund', e.entityId, 'RefundReceipt', found.ledgerId)
      return { kind: 'sent' }
    }
  }
  const method = r.method === 'card' ? ctx.mapping.cardMethodId : r.method === 'ach' ? ctx.mapping.bankMethodId : null
  const made = noted(e, await ctx.ledger.createRefund(
    {
      customerLedgerId,
      amountCents: cents(Number(r.amountCents)),
      date: localDate(r.resolvedAt ?? r.createdAt, ctx.timeZone),
      itemLedgerId: ctx.mapping.serviceItemId!,
      description: `Refund on invoice ${r.number}`,
      depositAccountLedgerId: ctx.mapping.depositAccountId!,
      gatewayRef: ref,
      ...(method ? { methodLedgerId: method } : {}),
      reference: e.entityId,
    },
    { requestId: `${e.requestId}-r` },
  ))
  if (made.status === 'ok') {
    await link(ctx, 'refund', e.entityId, 'RefundReceipt', made.value.ledgerId)
    return { kind: 'sent' }
  }
  return resultOf(made, 'Creating the refund receipt')
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

/** Marks the connection as needing the office (used when QuickBooks refuses a refreshed token). */
export async function connectionRefused(deps: ServiceDeps, message: string): Promise<void> {
  const rt = runtimeOf(deps)
  await deps.db.transaction().execute((tx) => markNeedsReconnect(tx, rt, message))
}
