import { sql } from 'kysely'
import { AppError, validationError } from '../../domain/errors.ts'
import { addDaysIso } from '../../domain/iso-date.ts'
import { reconcile, type BookPayment, type DayRow, type GatewayReturn, type GatewaySettled, type LedgerPaymentRow, type Mismatch } from '../../domain/reconciliation.ts'
import { localDate, localInstant } from '../../domain/time-zone.ts'
import type { AccountingLedger } from '../../ports/accounting.ts'
import type { FundingEntry, GatewayReport, PaymentGateway, SettledTransaction, SettlementReports } from '../../ports/payment-gateway.ts'
import type { ServiceDeps } from '../deps.ts'
import { companyTimeZone } from '../settings/company-settings.ts'
import { applyBankReturn } from './bank-returns.ts'

/**
 * Reconciles a range of company-local days three ways: the gateway's settlements and funding,
 * our payments and refunds, and the accounting ledger's payments (when one is connected). Bank
 * returns found in the funding reports are applied to our books first, exactly once
 * (`applyBankReturn`), then everything is compared by the rules in domain/reconciliation.ts.
 *
 * NOTE: the gateway dates its reports in its own zone, so settlements are read one day either
 * side of the range and matched by reference; the ledger likewise three days either side. A
 * payment of today that no batch carries yet is expected (batches close at day's end); an older
 * one is looked up by its order id to tell unsettled from voided or absent.
 */

export interface ReconcileSides {
  reports: SettlementReports
  /** Null when no accounting ledger is connected (the ledger column stays empty). */
  ledger: AccountingLedger | null
}

export interface ReconciliationReport {
  from: string
  to: string
  days: DayRow[]
  mismatches: Mismatch[]
  /** Bank returns applied to our books by this run (0 when they were applied before). */
  returnsApplied: number
  ledgerConnected: boolean
  /** Sides that could not be read (the comparison went ahead without them). */
  warnings: string[]
}

const MAX_DAYS = 31
const ISO = /^\d{4}-\d{2}-\d{2}$/

export async function reconcileDays(deps: ServiceDeps, sides: ReconcileSides, range: { from?: string; to?: string } = {}): Promise<ReconciliationReport> {
  const timeZone = await companyTimeZone(deps.db)
  const today = localDate(deps.clock.now(), timeZone)
  const { from, to } = checkRange(range, today)
  const days = dayList(from, to)
  const warnings: string[] = []

  const gatewayRead = await readGateway(sides.reports, days, from, to)
  if ('message' in gatewayRead) warnings.push(gatewayRead.message)
  const settled = 'settled' in gatewayRead ? gatewayRead.settled : null
  const returns = 'returns' in gatewayRead ? gatewayRead.returns : []
  let returnsApplied = 0
  for (const r of returns) if (await applyBankReturn(deps, r)) returnsApplied += 1

  const gatewayRefs = [...new Set([...(settled ?? []).map((s) => s.gatewayRef), ...returns.map((r) => r.gatewayRef)])]
  const books = await bookPayments(deps, timeZone, localInstant(from, timeZone), localInstant(addDaysIso(to, 1), timeZone), gatewayRefs)
  const refunds = await deps.db
    .selectFrom('paymentReversals')
    .select(['paymentId', 'gatewayRef', 'amountCents'])
    .where('kind', '=', 'refund')
    .where('status', '=', 'approved')
    .where('gatewayRef', 'in', gatewayRefs.length ? gatewayRefs : [''])
    .execute()
  const known = new Set([...books.map((b) => b.gatewayRef), ...refunds.map((r) => r.gatewayRef)])
  const attempts = await invoicesOfAttempts(deps, (settled ?? []).filter((s) => !known.has(s.gatewayRef)))
  const settledRefs = new Set((settled ?? []).map((s) => s.gatewayRef))
  if (settled) await lookUpUnsettled(deps, books.filter((b) => !b.voided && b.method !== 'offline' && b.gatewayRef && !settledRefs.has(b.gatewayRef)), today)

  // Returns applied by an earlier run (reported on a day outside this range) still explain a settled payment now void.
  const earlierReturns = await appliedReturns(deps, books.flatMap((b) => (b.voided && b.gatewayRef ? [b.gatewayRef] : [])))
  let ledger: LedgerPaymentRow[] | null = null
  if (sides.ledger) {
    const listed = await sides.ledger.listPayments({ from: addDaysIso(from, -3), to: addDaysIso(to, 3) })
    if (listed.status === 'ok') ledger = listed.value.map((l) => ({ ledgerId: l.ledgerId, amountCents: l.amountCents, date: l.date, memo: l.memo, gatewayRef: l.gatewayRef, isVoided: l.isVoided }))
    else warnings.push(`QuickBooks could not be read (${'message' in listed ? listed.message : listed.fault.message}); its column is left out`)
  }

  const result = reconcile({
    days,
    books,
    refunds: refunds.map((r) => ({ paymentId: r.paymentId, gatewayRef: r.gatewayRef!, amountCents: Number(r.amountCents) })),
    settled: settled && settled.map((s): GatewaySettled => ({ ...s, invoice: attempts.get(s.gatewayRef) ?? (s.orderId ? attempts.get(`order:${s.orderId}`) : null) ?? null })),
    returns: [...returns.map((r): GatewayReturn => ({ gatewayRef: r.gatewayRef, amountCents: r.amountCents, returnedOn: r.returnedOn, returnCode: r.returnCode, returnReason: r.returnReason })), ...earlierReturns.filter((e) => !returns.some((r) => r.gatewayRef === e.gatewayRef))],
    ledger,
  })
  return { from, to, ...result, returnsApplied, ledgerConnected: ledger !== null, warnings }
}

/**
 * The gateway's settlement reports, when the configured gateway has them (CardPointe does).
 * NOTE: read from the gateway adapter itself rather than a separate dependency, so the composition
 * root needs no change; a gateway without reports is a configuration error, said as such.
 */
export function settlementReportsOf(gateway: PaymentGateway): SettlementReports {
  const g = gateway as Partial<SettlementReports>
  if (typeof g.settledOn === 'function' && typeof g.fundedOn === 'function') return gateway as PaymentGateway & SettlementReports
  throw new AppError('integration', 'gateway_has_no_reports', 'The payment gateway in use cannot report settlements, so nothing can be reconciled')
}

function checkRange(range: { from?: string; to?: string }, today: string): { from: string; to: string } {
  const to = range.to ?? today
  const from = range.from ?? addDaysIso(to, -6)
  const bad = (d: string) => !ISO.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || addDaysIso(d, 0) !== d
  if (bad(from)) throw validationError({ from: 'must be a date (YYYY-MM-DD)' })
  if (bad(to)) throw validationError({ to: 'must be a date (YYYY-MM-DD)' })
  if (from > to) throw validationError({ from: 'must be on or before to' })
  if (to > today) throw validationError({ to: `must not be after today (${today})` })
  if (dayList(from, to).length > MAX_DAYS) throw validationError({ from: `the range may span at most ${MAX_DAYS} days` })
  return { from, to }
}

function dayList(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; d <= to && out.length <= MAX_DAYS + 2; d = addDaysIso(d, 1)) out.push(d)
  return out
}

async function appliedReturns(deps: ServiceDeps, refs: string[]): Promise<GatewayReturn[]> {
  if (refs.length === 0) return []
  const { rows } = await sql<{ gatewayRef: string; amountCents: string | number; returnedOn: string | Date; returnCode: string; returnReason: string }>`
    select gateway_ref as "gatewayRef", amount_cents as "amountCents", returned_on::text as "returnedOn", return_code as "returnCode", return_reason as "returnReason"
    from ach_returns where gateway_ref = any(${refs}::text[])`.execute(deps.db)
  return rows.map((r) => ({ gatewayRef: r.gatewayRef, amountCents: Number(r.amountCents), returnedOn: String(r.returnedOn).slice(0, 10), returnCode: r.returnCode, returnReason: r.returnReason }))
}

type BankReturn = Extract<FundingEntry, { kind: 'bank_return' }>

/**
 * Every day's settlements (one day either side) and funding, or why not: a day that cannot be
 * read is not an empty day, so then the gateway is left out of the comparison altogether.
 */
async function readGateway(reports: SettlementReports, days: string[], from: string, to: string): Promise<{ settled: SettledTransaction[]; returns: BankReturn[] } | { message: string }> {
  const settled: SettledTransaction[] = []
  const returns: BankReturn[] = []
  const failed = (day: string, what: string, r: GatewayReport<unknown>) => ({ message: `The gateway's ${what} report for ${day} could not be read (${r.status === 'unavailable' ? r.message : ''}); the gateway is left out, try again later` })
  for (const day of dayList(addDaysIso(from, -1), addDaysIso(to, 1))) {
    const r = await reports.settledOn(day)
    if (r.status !== 'ok') return failed(day, 'settlement', r)
    settled.push(...r.value)
  }
  for (const day of days) {
    const r = await reports.fundedOn(day)
    if (r.status !== 'ok') return failed(day, 'funding', r)
    returns.push(...r.value.filter((f): f is BankReturn => f.kind === 'bank_return'))
  }
  return { settled, returns }
}

/** Our payments received in the range, and any payment carrying one of the gateway's references. */
async function bookPayments(deps: ServiceDeps, timeZone: string, start: Date, end: Date, refs: string[]): Promise<(BookPayment & { attemptId: string | null })[]> {
  const rows = await deps.db
    .selectFrom('payments as p')
    .innerJoin('invoices as i', 'i.id', 'p.invoiceId')
    .innerJoin('customers as c', 'c.id', 'p.customerId')
    .select(['p.id', 'p.invoiceId', 'i.number', 'i.agreementId', 'c.name', 'p.method', 'p.amountCents', 'p.refundedCents', 'p.status', 'p.gatewayRef', 'p.receivedAt', 'p.attemptId'])
    .where((eb) => eb.or([eb.and([eb('p.receivedAt', '>=', start), eb('p.receivedAt', '<', end)]), eb('p.gatewayRef', 'in', refs.length ? refs : [''])]))
    .orderBy('p.receivedAt')
    .orderBy('p.id')
    .execute()
  return rows.map((r) => {
    const voided = r.status === 'voided'
    return {
      id: r.id, invoiceId: r.invoiceId, invoiceNumber: String(r.number), agreementId: r.agreementId, customerName: r.name, method: r.method,
      amountCents: voided ? 0 : Number(r.amountCents) - Number(r.refundedCents), chargedCents: Number(r.amountCents), voided,
      gatewayRef: r.gatewayRef, day: localDate(r.receivedAt, timeZone), attemptId: r.attemptId,
    }
  })
}

/** The invoice behind settled transactions we have no payment for, through our charge attempts (by reference, else order id). */
async function invoicesOfAttempts(deps: ServiceDeps, unknown: SettledTransaction[]) {
  const found = new Map<string, { id: string; number: string; agreementId: string }>()
  if (unknown.length === 0) return found
  const refs = unknown.map((s) => s.gatewayRef)
  const orders = unknown.flatMap((s) => (s.orderId ? [s.orderId] : []))
  const rows = await deps.db
    .selectFrom('chargeAttempts as ca')
    .innerJoin('invoices as i', 'i.id', 'ca.invoiceId')
    .select(['ca.id', 'ca.gatewayRef', 'i.id as invoiceId', 'i.number', 'i.agreementId'])
    .where((eb) => eb.or([eb('ca.gatewayRef', 'in', refs), eb('ca.id', 'in', orders.length ? orders : [''])]))
    .execute()
  for (const r of rows) {
    const inv = { id: r.invoiceId, number: String(r.number), agreementId: r.agreementId }
    if (r.gatewayRef) found.set(r.gatewayRef, inv)
    found.set(`order:${r.id}`, inv)
  }
  return found
}

/** For card and bank payments no fetched batch carries: today's are pending; older ones are asked about by order id. */
async function lookUpUnsettled(deps: ServiceDeps, payments: (BookPayment & { attemptId: string | null })[], today: string): Promise<void> {
  for (const p of payments) {
    if (p.day >= today) p.gatewayState = 'pending'
    else if (!p.attemptId) p.gatewayState = 'unknown'
  }
  const ask = payments.filter((p) => p.gatewayState === undefined)
  const worker = async () => {
    for (let p = ask.shift(); p; p = ask.shift()) {
      const lookup = await deps.gateway.inquireByOrderId({ orderId: p.attemptId! }).catch(() => null)
      if (!lookup || lookup.status === 'unavailable') p.gatewayState = 'unknown'
      else if (lookup.status === 'not_found') p.gatewayState = 'absent'
      else {
        const txn = lookup.transactions.find((t) => t.gatewayRef === p.gatewayRef)
        const state = txn?.settlementStatus ?? ''
        p.gatewayState = !txn ? 'absent' : /^voided$/i.test(state) ? 'voided' : txn.outcome.status === 'declined' ? 'declined' : /accepted|settled/i.test(state) ? 'unknown' : 'pending'
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
}
