import { cents, type Cents } from '../../domain/money.ts'
import type {
  AccountingLedger,
  AccountingOutcome,
  LedgerCompany,
  LedgerCustomer,
  LedgerInvoice,
  LedgerPayment,
  LedgerRefund,
  NewLedgerCustomer,
  NewLedgerRefund,
  NewLedgerInvoice,
  NewLedgerPayment,
  WriteOptions,
} from '../../ports/accounting.ts'
import { QuickBooksClient, type QboObject } from './quickbooks-client.ts'

/**
 * `AccountingLedger` on QuickBooks Online: our records ↔ QuickBooks objects. Amounts leave as
 * decimal dollars built from integer cents and come back through cents (never summed as
 * floats); our references go in PrivateNote/Notes so every record traces back.
 */
export class QuickBooksLedger implements AccountingLedger {
  readonly #client: QuickBooksClient

  constructor(client: QuickBooksClient) {
    this.#client = client
  }

  async company(): Promise<AccountingOutcome<LedgerCompany>> {
    const out = await this.#client.companyInfo()
    if (out.status !== 'ok') return out
    return { status: 'ok', value: { realmId: this.#client.realmId, name: String(out.value?.CompanyName ?? '') } }
  }

  async findCustomer(match: { ledgerId?: string; email?: string; displayName?: string }): Promise<AccountingOutcome<LedgerCustomer | null>> {
    if (match.ledgerId) {
      const out = await this.#client.read('Customer', match.ledgerId)
      if (out.status !== 'ok' || out.value) return mapOk(out, toCustomer)
    }
    const q = QuickBooksClient.quote
    for (const where of [match.email ? `PrimaryEmailAddr = ${q(match.email)}` : null, match.displayName ? `DisplayName = ${q(match.displayName)} and Active in (true, false)` : null]) {
      if (!where) continue
      const page = await this.#client.query(`select * from Customer where ${where}`)
      if (page.status !== 'ok') return page
      const best = page.value.rows.find((r) => r.Active !== false) ?? page.value.rows[0]
      if (best) return { status: 'ok', value: toCustomer(best) }
    }
    return { status: 'ok', value: null }
  }

  /** `… where PrimaryEmailAddr in (…)` and `… where DisplayName in (…) and Active in (true, false)`, 50 values a query. */
  async findCustomers(match: { emails: string[]; displayNames: string[] }): Promise<AccountingOutcome<LedgerCustomer[]>> {
    const q = QuickBooksClient.quote
    const found = new Map<string, LedgerCustomer>()
    const asks = [
      ...chunks([...new Set(match.emails)], 50).map((part) => `PrimaryEmailAddr in (${part.map(q).join(', ')})`),
      ...chunks([...new Set(match.displayNames)], 50).map((part) => `DisplayName in (${part.map(q).join(', ')}) and Active in (true, false)`),
    ]
    for (const where of asks) {
      const rows = await this.#client.queryAll('Customer', where)
      if (rows.status !== 'ok') return rows
      for (const row of rows.value) found.set(String(row.Id), toCustomer(row))
    }
    return { status: 'ok', value: [...found.values()] }
  }

  async createCustomer(input: NewLedgerCustomer, options: WriteOptions): Promise<AccountingOutcome<LedgerCustomer>> {
    const body: QboObject = { DisplayName: input.displayName, Notes: `Servicebook ${input.reference}` }
    if (input.email) body.PrimaryEmailAddr = { Address: input.email }
    if (input.phone) body.PrimaryPhone = { FreeFormNumber: input.phone }
    if (input.companyName) body.CompanyName = input.companyName
    return mapOk(await this.#client.create('Customer', body, options), toCustomer)
  }

  async reactivateCustomer(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerCustomer>> {
    const current = await this.#client.read('Customer', input.ledgerId)
    if (current.status !== 'ok') return current
    if (!current.value) return { status: 'invalid', httpStatus: 400, fault: { code: '610', message: 'Object Not Found', detail: `Customer ${input.ledgerId} is not in QuickBooks`, element: null } }
    if (current.value.Active !== false) return { status: 'ok', value: toCustomer(current.value) }
    return mapOk(await this.#client.update('Customer', { Id: input.ledgerId, SyncToken: String(current.value.SyncToken), Active: true }, options), toCustomer)
  }

  async findInvoiceByNumber(number: string): Promise<AccountingOutcome<LedgerInvoice | null>> {
    return mapOk(await this.#client.findByDocNumber('Invoice', number), (row) => (row ? toInvoice(row) : null))
  }

  async createInvoice(input: NewLedgerInvoice, options: WriteOptions): Promise<AccountingOutcome<LedgerInvoice>> {
    const body: QboObject = {
      CustomerRef: { value: input.customerLedgerId },
      DocNumber: input.number,
      TxnDate: input.issueDate,
      DueDate: input.dueDate,
      PrivateNote: `Servicebook ${input.reference}`,
      Line: input.lines.map((l) => ({
        DetailType: 'SalesItemLineDetail',
        Amount: dollars(l.amountCents),
        Description: l.description,
        SalesItemLineDetail: { ItemRef: { value: l.itemLedgerId }, Qty: 1, UnitPrice: dollars(l.amountCents) },
      })),
    }
    if (input.email) body.BillEmail = { Address: input.email }
    return mapOk(await this.#client.create('Invoice', body, options), toInvoice)
  }

  async findPaymentByReference(match: { customerLedgerId: string; reference: string }): Promise<AccountingOutcome<LedgerPayment | null>> {
    return mapOk(await this.#client.findByReference('Payment', match.reference, { customerId: match.customerLedgerId }), (row) => (row ? toPayment(row) : null))
  }

  async createPayment(input: NewLedgerPayment, options: WriteOptions): Promise<AccountingOutcome<LedgerPayment>> {
    const amount = dollars(input.amountCents)
    const body: QboObject = {
      CustomerRef: { value: input.customerLedgerId },
      TotalAmt: amount,
      TxnDate: input.date,
      PrivateNote: `Servicebook ${input.reference}`,
      // One Line per invoice paid, each linked to its invoice (QuickBooks applies a payment to several that way).
      Line: (input.lines ?? [{ invoiceLedgerId: input.invoiceLedgerId, amountCents: input.amountCents }]).map((l) => ({
        Amount: dollars(l.amountCents),
        LinkedTxn: [{ TxnId: l.invoiceLedgerId, TxnType: 'Invoice' }],
      })),
    }
    if (input.gatewayRef) body.PaymentRefNum = input.gatewayRef.slice(0, 21)
    if (input.methodLedgerId) body.PaymentMethodRef = { value: input.methodLedgerId }
    if (input.depositAccountLedgerId) body.DepositToAccountRef = { value: input.depositAccountLedgerId }
    return mapOk(await this.#client.create('Payment', body, options), toPayment)
  }

  async voidPayment(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerPayment>> {
    const current = await this.#client.read('Payment', input.ledgerId)
    if (current.status !== 'ok') return current
    if (!current.value) return { status: 'invalid', httpStatus: 400, fault: { code: '610', message: 'Object Not Found', detail: `Payment ${input.ledgerId} is not in QuickBooks`, element: null } }
    if (isVoided(current.value)) return { status: 'ok', value: toPayment(current.value) }
    return mapOk(await this.#client.void('Payment', { Id: input.ledgerId, SyncToken: String(current.value.SyncToken) }, options), toPayment)
  }

  async voidInvoice(input: { ledgerId: string }, options: WriteOptions): Promise<AccountingOutcome<LedgerInvoice>> {
    const current = await this.#client.read('Invoice', input.ledgerId)
    if (current.status !== 'ok') return current
    if (!current.value) return { status: 'invalid', httpStatus: 400, fault: { code: '610', message: 'Object Not Found', detail: `Invoice ${input.ledgerId} is not in QuickBooks`, element: null } }
    if (isVoided(current.value)) return { status: 'ok', value: toInvoice(current.value) }
    return mapOk(await this.#client.void('Invoice', { Id: input.ledgerId, SyncToken: String(current.value.SyncToken) }, options), toInvoice)
  }

  async findRefundByReference(match: { customerLedgerId: string; reference: string }): Promise<AccountingOutcome<LedgerRefund | null>> {
    return mapOk(await this.#client.findByReference('RefundReceipt', match.reference, { customerId: match.customerLedgerId }), (row) => (row ? toRefund(row) : null))
  }

  /**
   * A RefundReceipt rather than a CreditMemo: the gateway has already sent the money back, and a
   * refund receipt records exactly that (income reduced, money out of the deposit account) in one
   * transaction. A credit memo would leave a credit owed to the customer that someone then has to
   * refund again by hand, or that would quietly be applied to the next invoice.
   */
  async createRefund(input: NewLedgerRefund, options: WriteOptions): Promise<AccountingOutcome<LedgerRefund>> {
    const amount = dollars(input.amountCents)
    const body: QboObject = {
      CustomerRef: { value: input.customerLedgerId },
      TxnDate: input.date,
      DepositToAccountRef: { value: input.depositAccountLedgerId },
      PrivateNote: `Servicebook ${input.reference}`,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: amount, Description: input.description, SalesItemLineDetail: { ItemRef: { value: input.itemLedgerId }, Qty: 1, UnitPrice: amount } }],
    }
    if (input.gatewayRef) body.PaymentRefNum = input.gatewayRef.slice(0, 21)
    if (input.methodLedgerId) body.PaymentMethodRef = { value: input.methodLedgerId }
    return mapOk(await this.#client.create('RefundReceipt', body, options), toRefund)
  }

  async listPayments(range: { from: string; to: string }): Promise<AccountingOutcome<LedgerPayment[]>> {
    const q = QuickBooksClient.quote
    return mapOk(await this.#client.queryAll('Payment', `TxnDate >= ${q(range.from)} and TxnDate <= ${q(range.to)}`), (rows) => rows.map(toPayment))
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size))
}

function mapOk<A, B>(out: AccountingOutcome<A>, f: (a: A) => B): AccountingOutcome<B> {
  return out.status === 'ok' ? { status: 'ok', value: f(out.value) } : out
}

/** Decimal dollars for QuickBooks from integer cents (exact for two decimals). */
function dollars(amount: Cents): number {
  return Number((amount / 100).toFixed(2))
}

function toCents(value: unknown): Cents {
  return cents(Math.round(Number(value ?? 0) * 100))
}

function ref(value: unknown): string {
  return String((value as { value?: unknown } | undefined)?.value ?? '')
}

function isVoided(row: QboObject): boolean {
  return typeof row.PrivateNote === 'string' && row.PrivateNote.startsWith('Voided') && Number(row.TotalAmt) === 0
}

function toCustomer(row: QboObject | null): LedgerCustomer {
  const r = row ?? {}
  return { ledgerId: String(r.Id), displayName: String(r.DisplayName ?? ''), email: ((r.PrimaryEmailAddr as { Address?: string } | undefined)?.Address ?? null) || null, isActive: r.Active !== false }
}

function toInvoice(row: QboObject): LedgerInvoice {
  return { ledgerId: String(row.Id), number: String(row.DocNumber ?? ''), customerLedgerId: ref(row.CustomerRef), totalCents: toCents(row.TotalAmt), balanceCents: toCents(row.Balance), isVoided: isVoided(row) }
}

function toRefund(row: QboObject): LedgerRefund {
  return {
    ledgerId: String(row.Id),
    customerLedgerId: ref(row.CustomerRef),
    amountCents: toCents(row.TotalAmt),
    date: String(row.TxnDate ?? ''),
    gatewayRef: typeof row.PaymentRefNum === 'string' ? row.PaymentRefNum : null,
    memo: typeof row.PrivateNote === 'string' ? row.PrivateNote : null,
  }
}

function toPayment(row: QboObject): LedgerPayment {
  const lines = (row.Line as { LinkedTxn?: { TxnId: string; TxnType: string }[] }[] | undefined) ?? []
  return {
    ledgerId: String(row.Id),
    customerLedgerId: ref(row.CustomerRef),
    amountCents: toCents(row.TotalAmt),
    date: String(row.TxnDate ?? ''),
    invoiceLedgerIds: lines.flatMap((l) => (l.LinkedTxn ?? []).filter((t) => t.TxnType === 'Invoice').map((t) => String(t.TxnId))),
    gatewayRef: typeof row.PaymentRefNum === 'string' ? row.PaymentRefNum : null,
    memo: typeof row.PrivateNote === 'string' ? row.PrivateNote : null,
    isVoided: isVoided(row),
  }
}
