import type { DeclineReason, RetryAdvice } from '../ports/payment-gateway.ts'
import { formatUsd } from './money.ts'

/**
 * Three-way reconciliation rules: the gateway's settled transactions, our payments and the
 * accounting ledger's payments, side by side per company-local day. Pure; the caller gathers the
 * three sides. Rules:
 * - The gateway and our books are matched by the gateway's reference (retref): a payment is
 *   "charged" when a settled transaction carries its reference; an approved refund of ours matches
 *   a settled refund the same way.
 * - charged_not_recorded: a settled transaction that no payment or refund of ours carries.
 * - recorded_not_charged: a standing card or bank payment of ours that no fetched settlement carries
 *   and that the gateway does not hold as still unsettled (`gatewayState` pending): absent there,
 *   voided there, or declined there.
 * - amount_differs: matched records whose amounts differ (gateway or ledger against our books).
 * - not_in_ledger / ledger_not_in_books: our standing payments (card, bank and offline) against the
 *   ledger's non-voided payments, matched by our payment id in the ledger's memo, else by the
 *   gateway reference. Only when a ledger is connected; a voided ledger payment matches a voided one of ours.
 * - bank_payment_returned: the bank sent a debit back (ACH return); listed on the day the bank
 *   returned it (when the office learns of it) whether or not it has been applied yet.
 * Other mismatches fall on the day of our payment when there is one, else the gateway's or the
 * ledger's date; days outside the range are left out. Every mismatch carries one link to act on it.
 */

export interface BookPayment {
  id: string
  invoiceId: string
  invoiceNumber: string
  agreementId: string
  customerName: string
  method: 'card' | 'ach' | 'offline'
  /** What stands of it: amount minus refunds (0 once voided). */
  amountCents: number
  /** The amount as charged (before refunds). */
  chargedCents: number
  voided: boolean
  gatewayRef: string | null
  /** Company-local date received. */
  day: string
  /** What the gateway says when no settlement carries it (looked up only for those). */
  gatewayState?: 'pending' | 'voided' | 'absent' | 'declined' | 'unknown'
}

export interface BookRefund {
  paymentId: string
  gatewayRef: string
  amountCents: number
}

export interface GatewaySettled {
  gatewayRef: string
  orderId: string | null
  amountCents: number
  /** Gateway date (used only when it matches nothing of ours). */
  settledOn: string
  accepted: boolean
  /** The invoice our charge attempt with this reference was for, when we have the attempt. */
  invoice?: { id: string; number: string; agreementId: string } | null
}

export interface GatewayReturn {
  gatewayRef: string
  amountCents: number
  returnedOn: string
  returnCode: string
  returnReason: string
}

export interface LedgerPaymentRow {
  ledgerId: string
  amountCents: number
  date: string
  memo: string | null
  gatewayRef: string | null
  isVoided: boolean
}

export type MismatchKind = 'charged_not_recorded' | 'recorded_not_charged' | 'amount_differs' | 'not_in_ledger' | 'ledger_not_in_books' | 'bank_payment_returned'

export interface Mismatch {
  kind: MismatchKind
  day: string
  message: string
  /** Where to act on it in the office app. */
  link: { label: string; href: string }
  paymentId: string | null
  invoiceNumber: string | null
  gatewayRef: string | null
  ledgerId: string | null
  /** Ours, and theirs (gateway or ledger), when both exist. */
  bookCents: number | null
  otherCents: number | null
}

export interface Side {
  count: number
  cents: number
}

export interface DayRow {
  day: string
  /** Null when the gateway's reports could not be read. */
  gateway: Side | null
  books: Side
  /** Null when no ledger is connected. */
  ledger: Side | null
  mismatches: number
}

export interface ReconcileInput {
  days: string[]
  books: BookPayment[]
  refunds: BookRefund[]
  /** Null: the gateway's reports could not be read (its column is left out, nothing is compared with it). */
  settled: GatewaySettled[] | null
  returns: GatewayReturn[]
  /** Null: no accounting ledger connected. */
  ledger: LedgerPaymentRow[] | null
}

export interface Reconciliation {
  days: DayRow[]
  mismatches: Mismatch[]
}

/** Compares the three sides; see the module comment for the rules. */
export function reconcile(input: ReconcileInput): Reconciliation {
  const inRange = new Set(input.days)
  const mismatches: Mismatch[] = []
  const byRef = new Map(input.books.filter((p) => p.gatewayRef).map((p) => [p.gatewayRef!, p]))
  const refundRefs = new Map(input.refunds.map((r) => [r.gatewayRef, r]))
  const settledRefs = new Map((input.settled ?? []).map((s) => [s.gatewayRef, s]))
  const returnedRefs = new Set(input.returns.map((r) => r.gatewayRef))
  const add = (m: Omit<Mismatch, 'paymentId' | 'invoiceNumber' | 'gatewayRef' | 'ledgerId' | 'bookCents' | 'otherCents'> & Partial<Mismatch>) =>
    mismatches.push({ paymentId: null, invoiceNumber: null, gatewayRef: null, ledgerId: null, bookCents: null, otherCents: null, ...m })
  const days = new Map(input.days.map((d) => [d, { day: d, gateway: input.settled ? side() : null, books: side(), ledger: input.ledger ? side() : null, mismatches: 0 }]))

  for (const s of input.settled ?? []) {
    const p = byRef.get(s.gatewayRef)
    const refund = refundRefs.get(s.gatewayRef)
    const day = p?.day ?? s.settledOn
    if (refund) continue
    count(days.get(day)?.gateway ?? undefined, s.amountCents)
    if (!p) {
      const inv = s.invoice
      add({
        kind: 'charged_not_recorded', day, gatewayRef: s.gatewayRef, otherCents: s.amountCents, invoiceNumber: inv?.number ?? null,
        message: `The gateway settled ${formatUsd(s.amountCents)} (ref ${s.gatewayRef}${s.orderId ? `, order ${s.orderId}` : ''}) that no payment in Servicebook carries${inv ? ` (a charge for invoice ${inv.number})` : ''}`,
        link: inv ? { label: `Open invoice ${inv.number}`, href: `/agreements/${inv.agreementId}` } : { label: 'Open billing', href: '/billing' },
      })
    } else if (p.voided && returnedRefs.has(s.gatewayRef)) {
      // Settled, then returned by the bank: the return (listed below) is why it is void here.
    } else if (p.voided) {
      add({
        kind: 'amount_differs', day, ...ids(p), otherCents: s.amountCents, bookCents: 0,
        message: `Payment on invoice ${p.invoiceNumber} is voided in Servicebook but the gateway settled ${formatUsd(s.amountCents)}: refund it or record it again`,
        link: invoiceLink(p),
      })
    } else if (s.amountCents !== p.chargedCents) {
      add({
        kind: 'amount_differs', day, ...ids(p), otherCents: s.amountCents, bookCents: p.chargedCents,
        message: `Payment on invoice ${p.invoiceNumber} is ${formatUsd(p.chargedCents)} in Servicebook but the gateway settled ${formatUsd(s.amountCents)}`,
        link: invoiceLink(p),
      })
    }
  }

  for (const p of input.books) {
    if (!p.voided) count(days.get(p.day)?.books, p.amountCents)
    if (!input.settled || p.voided || p.method === 'offline' || !p.gatewayRef || settledRefs.has(p.gatewayRef)) continue
    if (p.gatewayState === 'pending' || p.gatewayState === 'unknown' || p.gatewayState === undefined) continue
    const there = { absent: 'has no record of it', voided: 'shows it voided', declined: 'shows it declined' }[p.gatewayState]
    add({
      kind: 'recorded_not_charged', day: p.day, ...ids(p), bookCents: p.amountCents,
      message: `Payment of ${formatUsd(p.amountCents)} on invoice ${p.invoiceNumber} (${p.customerName}) is recorded, but the gateway ${there}`,
      link: invoiceLink(p),
    })
  }

  for (const r of input.returns) {
    const p = byRef.get(r.gatewayRef)
    add({
      kind: 'bank_payment_returned', day: r.returnedOn, ...(p ? ids(p) : { gatewayRef: r.gatewayRef }), bookCents: p?.chargedCents ?? null, otherCents: r.amountCents,
      message: `The bank returned ${formatUsd(r.amountCents)}${p ? ` paid on invoice ${p.invoiceNumber} (${p.customerName})` : ` (ref ${r.gatewayRef})`}: ${r.returnCode} ${r.returnReason}`,
      link: p ? invoiceLink(p) : { label: 'Open billing', href: '/billing' },
    })
  }

  if (input.ledger) matchLedger(input.books, input.ledger, days, add)

  const kept = mismatches.filter((m) => inRange.has(m.day))
  for (const m of kept) days.get(m.day)!.mismatches += 1
  return { days: [...days.values()], mismatches: kept.sort((a, b) => a.day.localeCompare(b.day) || a.kind.localeCompare(b.kind)) }
}

function matchLedger(books: BookPayment[], ledger: LedgerPaymentRow[], days: Map<string, DayRow>, add: (m: Omit<Mismatch, 'paymentId' | 'invoiceNumber' | 'gatewayRef' | 'ledgerId' | 'bookCents' | 'otherCents'> & Partial<Mismatch>) => void): void {
  const used = new Set<string>()
  const find = (p: BookPayment) =>
    ledger.find((l) => !used.has(l.ledgerId) && !!l.memo && l.memo.includes(p.id)) ??
    ledger.find((l) => !used.has(l.ledgerId) && !!p.gatewayRef && l.gatewayRef === p.gatewayRef)
  for (const p of books) {
    const l = find(p)
    if (l) used.add(l.ledgerId)
    if (l && !l.isVoided) count(days.get(p.day)?.ledger ?? undefined, l.amountCents)
    const ledgerCents = !l || l.isVoided ? 0 : l.amountCents
    if (p.voided && ledgerCents === 0) continue
    if (!l && !p.voided) {
      add({ kind: 'not_in_ledger', day: p.day, ...ids(p), bookCents: p.amountCents, message: `Payment of ${formatUsd(p.amountCents)} on invoice ${p.invoiceNumber} (${p.customerName}) is not in QuickBooks`, link: invoiceLink(p) })
    } else if (ledgerCents !== p.amountCents) {
      add({
        kind: 'amount_differs', day: p.day, ...ids(p), ledgerId: l?.ledgerId ?? null, bookCents: p.amountCents, otherCents: ledgerCents,
        message: `Payment on invoice ${p.invoiceNumber} is ${formatUsd(p.amountCents)} in Servicebook${p.voided ? ' (voided)' : ''} but ${formatUsd(ledgerCents)} in QuickBooks`,
        link: invoiceLink(p),
      })
    }
  }
  for (const l of ledger) {
    if (used.has(l.ledgerId) || l.isVoided) continue
    count(days.get(l.date)?.ledger ?? undefined, l.amountCents)
    add({ kind: 'ledger_not_in_books', day: l.date, ledgerId: l.ledgerId, gatewayRef: l.gatewayRef, otherCents: l.amountCents, message: `QuickBooks has a payment of ${formatUsd(l.amountCents)} (id ${l.ledgerId}) that Servicebook does not`, link: { label: 'Open billing', href: '/billing' } })
  }
}

const side = (): Side => ({ count: 0, cents: 0 })
function count(s: Side | undefined, amount: number): void {
  if (!s) return
  s.count += 1
  s.cents += amount
}
const ids = (p: BookPayment) => ({ paymentId: p.id, invoiceNumber: p.invoiceNumber, gatewayRef: p.gatewayRef })
const invoiceLink = (p: BookPayment) => ({ label: `Open invoice ${p.invoiceNumber}`, href: `/agreements/${p.agreementId}` })

/**
 * What a bank (ACH) return means for collecting again, as a decline would: insufficient or
 * uncollected funds may be retried on the schedule; a closed, missing, invalid or frozen account
 * needs a new payment method; a stopped or unauthorized debit must not be taken again from that
 * account (the customer gives a new method). [NACHA return reason codes; external-apis.md A6]
 */
export function achReturnAdvice(code: string): { reason: DeclineReason; retry: RetryAdvice } {
  if (code === 'R01' || code === 'R09') return { reason: 'insufficient_funds', retry: { kind: 'retry_later', afterMs: 0 } }
  if (['R02', 'R03', 'R04', 'R16', 'R20'].includes(code)) return { reason: 'invalid_account', retry: { kind: 'update_payment_method' } }
  if (['R07', 'R08', 'R10', 'R29'].includes(code)) return { reason: 'stop_recurring', retry: { kind: 'update_payment_method' } }
  return { reason: 'other', retry: { kind: 'update_payment_method' } }
}
