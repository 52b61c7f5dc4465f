import { randomInt } from 'node:crypto'
import { fieldValue, matches, parseQuery, sortRows, type Query } from './query.ts'
import type { Store } from './store.ts'
import { companyToday, Faults, intuitTime, type FaultError, type Json } from './wire.ts'

/**
 * One QuickBooks Online company per realm: the entities the sandbox serves and the rules
 * Intuit applies to them [doc: external-apis.md B4–B10; Intuit's entity pages]:
 * - Customer/Vendor/Employee DisplayName unique across all three, inactive ones included
 *   (6240); Item names unique among items (6240); invoice DocNumber unique (6140).
 * - Every write needs the current SyncToken (5010) and increments it; sparse updates merge.
 * - A payment's lines link invoices: each invoice's Balance drops by what is applied and its
 *   LinkedTxn lists the payment; voiding or deleting the payment gives the balance back.
 * - Name-list entities are deactivated (Active:false), never deleted.
 */
export type EntityType = 'Customer' | 'Vendor' | 'Employee' | 'Item' | 'Account' | 'PaymentMethod' | 'Invoice' | 'Payment' | 'RefundReceipt' | 'CompanyInfo'

export const ENTITY_PATHS: Record<string, EntityType> = {
  customer: 'Customer',
  vendor: 'Vendor',
  employee: 'Employee',
  item: 'Item',
  account: 'Account',
  paymentmethod: 'PaymentMethod',
  invoice: 'Invoice',
  payment: 'Payment',
  refundreceipt: 'RefundReceipt',
  companyinfo: 'CompanyInfo',
}

const NAME_LISTS = new Set<EntityType>(['Customer', 'Vendor', 'Employee', 'Item', 'Account', 'PaymentMethod'])
const PARTIES = ['Customer', 'Vendor', 'Employee'] as const
const META = ['MetaData.CreateTime', 'MetaData.LastUpdatedTime']
const PARTY_FIELDS = ['Id', 'DisplayName', 'GivenName', 'MiddleName', 'FamilyName', 'FullyQualifiedName', 'CompanyName', 'PrimaryEmailAddr', 'PrintOnCheckName', 'Active', 'Balance', ...META]

/** Properties a WHERE or ORDERBY may use (Intuit's "filterable"); free text such as PrivateNote is not. */
const FILTERABLE: Record<EntityType, string[]> = {
  Customer: [...PARTY_FIELDS, 'Job', 'ParentRef'],
  Vendor: PARTY_FIELDS,
  Employee: PARTY_FIELDS,
  Item: ['Id', 'Name', 'Type', 'Active', 'Sku', 'FullyQualifiedName', 'Taxable', 'UnitPrice', ...META],
  Account: ['Id', 'Name', 'AccountType', 'AccountSubType', 'Classification', 'Active', 'FullyQualifiedName', 'CurrentBalance', 'SubAccount', ...META],
  PaymentMethod: ['Id', 'Name', 'Type', 'Active', ...META],
  Invoice: ['Id', 'DocNumber', 'TxnDate', 'DueDate', 'CustomerRef', 'Balance', 'TotalAmt', 'EmailStatus', 'PrintStatus', ...META],
  Payment: ['Id', 'TxnDate', 'CustomerRef', 'PaymentRefNum', 'TotalAmt', 'PaymentMethodRef', ...META],
  RefundReceipt: ['Id', 'DocNumber', 'TxnDate', 'CustomerRef', 'TotalAmt', 'PaymentRefNum', ...META],
  CompanyInfo: ['Id', 'CompanyName', ...META],
}

/** Read-only properties: kept from the stored object on update whatever the request says. */
const READ_ONLY: Partial<Record<EntityType, string[]>> = {
  Customer: ['Balance', 'BalanceWithJobs', 'FullyQualifiedName'],
  Vendor: ['Balance'],
  Item: ['FullyQualifiedName'],
  Account: ['CurrentBalance', 'CurrentBalanceWithSubAccounts', 'FullyQualifiedName', 'Classification'],
  Invoice: ['TotalAmt', 'Balance', 'HomeBalance', 'LinkedTxn', 'HomeTotalAmt'],
  Payment: ['UnappliedAmt'],
  RefundReceipt: ['TotalAmt', 'Balance'],
}

const ACCOUNT_TYPES: Record<string, string> = {
  Bank: 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Receivable': 'Asset',
  Equity: 'Equity',
  Expense: 'Expense',
  'Other Expense': 'Expense',
  'Cost of Goods Sold': 'Expense',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Long Term Liability': 'Liability',
  'Other Current Liability': 'Liability',
  Income: 'Revenue',
  'Other Income': 'Revenue',
}

export interface Company {
  realmId: string
  CompanyName: string
  createdAt: string
  /** Next Id per entity type (Intuit numbers each type on its own). */
  nextId: Record<string, number>
  nextDocNumber: number
}

export type Outcome<T> = { ok: T } | { fault: FaultError }
const fail = (fault: FaultError): { fault: FaultError } => ({ fault })

export interface WriteOptions {
  operation?: string | null
  include?: string | null
}

export class Books {
  readonly #store: Store
  readonly #now: () => Date
  /** realm → lower-cased name → "Type/Id", built on first use. */
  readonly #partyNames = new Map<string, Map<string, string>>()
  readonly #itemNames = new Map<string, Map<string, string>>()
  readonly #docNumbers = new Map<string, Map<string, string>>()

  constructor(store: Store, now: () => Date = () => new Date()) {
    this.#store = store
    this.#now = now
  }

  companies(): Company[] {
    return this.#store.keys('company/').map((k) => this.#store.get(k) as Company)
  }

  company(realm: string): Company | null {
    return (this.#store.get(`company/${realm}`) as Company | undefined) ?? null
  }

  /** A new company with what a new QuickBooks Online company has: accounts, items, payment methods. */
  createCompany(name: string): Company {
    let realmId: string
    do realmId = `9${String(randomInt(100_000_000, 999_999_999))}${String(randomInt(100_000, 999_999))}`
    while (this.company(realmId))
    const company: Company = { realmId, CompanyName: name, createdAt: new Date().toISOString(), nextId: {}, nextDocNumber: 1001 }
    this.#store.put(`company/${realmId}`, company)
    const seed = (type: EntityType, body: Json) => {
      const result = this.write(realmId, type, body, {})
      if ('fault' in result) throw new Error(`seed ${type}: ${result.fault.detail}`)
      return result.ok.entity
    }
    seed('CompanyInfo', { CompanyName: name })
    const services = seed('Account', { Name: 'Services', AccountType: 'Income', AccountSubType: 'ServiceFeeIncome' })
    seed('Account', { Name: 'Sales of Product Income', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' })
    seed('Account', { Name: 'Undeposited Funds', AccountType: 'Other Current Asset', AccountSubType: 'UndepositedFunds' })
    seed('Account', { Name: 'Accounts Receivable (A/R)', AccountType: 'Accounts Receivable', AccountSubType: 'AccountsReceivable' })
    seed('Account', { Name: 'Checking', AccountType: 'Bank', AccountSubType: 'Checking' })
    seed('Account', { Name: 'Sales Tax Payable', AccountType: 'Other Current Liability', AccountSubType: 'SalesTaxPayable' })
    seed('Item', { Name: 'Services', Type: 'Service', IncomeAccountRef: { value: services.Id } })
    seed('Item', { Name: 'Hours', Type: 'Service', IncomeAccountRef: { value: services.Id } })
    for (const [name, type] of [
      ['Cash', 'NON_CREDIT_CARD'],
      ['Check', 'NON_CREDIT_CARD'],
      ['Visa', 'CREDIT_CARD'],
      ['MasterCard', 'CREDIT_CARD'],
      ['American Express', 'CREDIT_CARD'],
      ['Discover', 'CREDIT_CARD'],
      ['Diners Club', 'CREDIT_CARD'],
    ]) seed('PaymentMethod', { Name: name, Type: type })
    return this.company(realmId)!
  }

  /** Everything stored for a company, by type (the `/_sandbox/companies/{realm}/entities` view). */
  dump(realm: string): Record<string, Json[]> {
    const out: Record<string, Json[]> = {}
    for (const type of Object.values(ENTITY_PATHS)) out[type] = [...this.#store.entities(realm, type).values()]
    return out
  }

  read(realm: string, type: EntityType, id: string): Outcome<Json> {
    const found = this.#store.entities(realm, type).get(id)
    return found ? { ok: found } : fail(Faults.notFound())
  }

  /**
   * POST /{entity}: create (no Id), full or sparse update (Id + SyncToken), and the
   * operations `delete`, `void`, and `update` + `include=void` (Intuit's payment void).
   */
  write(realm: string, type: EntityType, body: Json, options: WriteOptions, allowDuplicateDocNumber = false): Outcome<{ entity: Json; deleted?: boolean }> {
    const operation = (options.operation ?? '').toLowerCase()
    const voiding = operation === 'void' || (operation === 'update' && (options.include ?? '').toLowerCase() === 'void')
    if (operation === 'delete' || voiding) {
      if (type !== 'Invoice' && type !== 'Payment' && !(type === 'RefundReceipt' && operation === 'delete')) return fail(Faults.unsupported(operation === 'delete' ? 'Delete' : 'Void'))
      const current = this.#current(realm, type, body)
      if ('fault' in current) return current
      return operation === 'delete' ? this.#delete(realm, type, current.ok) : this.#void(realm, type, current.ok)
    }
    if (operation && operation !== 'update' && operation !== 'create') return fail(Faults.unsupported(operation))
    if (type === 'CompanyInfo' && this.#store.entities(realm, type).size > 0 && body.Id === undefined) return fail(Faults.unsupported('Create'))
    let existing: Json | null = null
    if (body.Id !== undefined && body.Id !== null && body.Id !== '') {
      const current = this.#current(realm, type, body)
      if ('fault' in current) return current
      existing = current.ok
    }
    const merged = existing ? this.#merge(type, existing, body) : { ...body }
    const rules = RULES[type]
    const normalized = rules(this.#context(realm, allowDuplicateDocNumber), merged, existing)
    if ('fault' in normalized) return normalized
    const entity = this.#save(realm, type, normalized.ok, existing)
    this.#after(realm, type, entity, existing)
    return { ok: { entity } }
  }

  query(realm: string, statement: string): Outcome<Json> {
    const parsed = parseQuery(statement)
    if ('code' in parsed) return fail(parsed)
    const type = Object.values(ENTITY_PATHS).find((t) => t.toLowerCase() === parsed.entity.toLowerCase())
    if (!type) return fail(Faults.queryInvalid(`Invalid context declaration : ${parsed.entity}`))
    const filterable = new Set(FILTERABLE[type].map((f) => f.toLowerCase()))
    for (const field of [...parsed.where.map((c) => c.field), ...parsed.orderBy.map((o) => o.field)]) {
      if (!filterable.has(field.toLowerCase())) return fail(Faults.queryInvalid(`property '${field}' is not queryable`))
    }
    return { ok: this.#run(realm, type, parsed) }
  }

  #run(realm: string, type: EntityType, query: Query): Json {
    const activeAsked = query.where.some((c) => c.field.toLowerCase() === 'active')
    let rows = [...this.#store.entities(realm, type).values()].filter(
      (row) => (!NAME_LISTS.has(type) || activeAsked || row.Active !== false) && query.where.every((c) => matches(row, c)),
    )
    if (query.count) return { totalCount: rows.length }
    rows = sortRows(rows, query.orderBy).slice(query.startPosition - 1, query.startPosition - 1 + query.maxResults)
    return rows.length ? { [type]: rows, startPosition: query.startPosition, maxResults: rows.length } : {}
  }

  #current(realm: string, type: EntityType, body: Json): Outcome<Json> {
    const id = body.Id
    if (id === undefined || id === null || id === '') return fail(Faults.missing('Id'))
    if (!/^\d+$/.test(String(id))) return fail(Faults.invalidNumber('Id', id))
    const existing = this.#store.entities(realm, type).get(String(id))
    if (!existing) return fail(Faults.notFound())
    if (body.SyncToken === undefined || body.SyncToken === null || body.SyncToken === '') return fail(Faults.missing('SyncToken'))
    if (String(body.SyncToken) !== existing.SyncToken) return fail(Faults.stale(String(id), String(body.SyncToken), String(existing.SyncToken)))
    return { ok: existing }
  }

  /** Full update replaces writable properties; sparse merges; read-only ones are kept. */
  #merge(type: EntityType, existing: Json, body: Json): Json {
    const base: Json = {}
    const keep = ['Id', 'MetaData', 'domain', ...(READ_ONLY[type] ?? [])]
    if (body.sparse === true) Object.assign(base, existing)
    else for (const k of keep) if (k in existing) base[k] = existing[k]
    for (const [k, v] of Object.entries(body)) if (!keep.includes(k) && k !== 'SyncToken' && k !== 'sparse') base[k] = v
    if (type === 'Customer' && !base.DisplayName) base.DisplayName = existing.DisplayName
    return base
  }

  #save(realm: string, type: EntityType, entity: Json, existing: Json | null): Json {
    const now = intuitTime(this.#now())
    const saved: Json = { ...entity, domain: 'QBO', sparse: false }
    if (existing) {
      saved.Id = existing.Id
      saved.SyncToken = String(Number(existing.SyncToken) + 1)
      saved.MetaData = { ...(existing.MetaData as Json), LastUpdatedTime: now }
    } else {
      const company = this.company(realm)!
      const next = company.nextId[type] ?? 1
      this.#store.put(`company/${realm}`, { ...company, nextId: { ...company.nextId, [type]: next + 1 } })
      saved.Id = String(next)
      saved.SyncToken = '0'
      saved.MetaData = { CreateTime: now, LastUpdatedTime: now }
    }
    this.#put(realm, type, saved)
    return saved
  }

  #put(realm: string, type: EntityType, entity: Json): void {
    this.#store.put(`entity/${realm}/${type}/${entity.Id}`, entity)
  }

  /** Keeps indexes, linked invoices and customer balances in step with a write. */
  #after(realm: string, type: EntityType, entity: Json, before: Json | null): void {
    const ref = `${type}/${entity.Id}`
    if ((PARTIES as readonly string[]).includes(type)) this.#reindex(this.#parties(realm), before?.DisplayName, entity.DisplayName, ref)
    if (type === 'Item') this.#reindex(this.#items(realm), before?.Name, entity.Name, ref)
    if (type === 'Invoice') {
      this.#reindex(this.#docs(realm), before?.DocNumber, entity.DocNumber, ref)
      if (typeof entity.DocNumber === 'string' && /^\d+$/.test(entity.DocNumber)) {
        const company = this.company(realm)!
        if (Number(entity.DocNumber) >= company.nextDocNumber) this.#store.put(`company/${realm}`, { ...company, nextDocNumber: Number(entity.DocNumber) + 1 })
      }
      this.#adjustCustomer(realm, before, entity)
      this.#refreshInvoice(realm, String(entity.Id), false)
    }
    if (type === 'Payment') this.#relink(realm, before, entity)
  }

  #reindex(index: Map<string, string>, oldName: unknown, newName: unknown, ref: string): void {
    if (typeof oldName === 'string' && index.get(key(oldName)) === ref) index.delete(key(oldName))
    if (typeof newName === 'string') index.set(key(newName), ref)
  }

  #index(cache: Map<string, Map<string, string>>, realm: string, types: readonly EntityType[], field: string): Map<string, string> {
    let index = cache.get(realm)
    if (!index) {
      index = new Map()
      for (const type of types) for (const e of this.#store.entities(realm, type).values()) if (typeof e[field] === 'string') index.set(key(e[field] as string), `${type}/${e.Id}`)
      cache.set(realm, index)
    }
    return index
  }

  #parties(realm: string) {
    return this.#index(this.#partyNames, realm, PARTIES, 'DisplayName')
  }
  #items(realm: string) {
    return this.#index(this.#itemNames, realm, ['Item'], 'Name')
  }
  #docs(realm: string) {
    return this.#index(this.#docNumbers, realm, ['Invoice'], 'DocNumber')
  }

  #context(realm: string, allowDuplicateDocNumber: boolean): RuleContext {
    return {
      find: (type, id) => (id === undefined || id === null ? undefined : this.#store.entities(realm, type).get(String(id))),
      all: (type) => [...this.#store.entities(realm, type).values()],
      partyNameOwner: (name) => this.#parties(realm).get(key(name)) ?? null,
      itemNameOwner: (name) => this.#items(realm).get(key(name)) ?? null,
      docNumberOwner: (doc) => (allowDuplicateDocNumber ? null : (this.#docs(realm).get(key(doc)) ?? null)),
      nextDocNumber: () => String(this.company(realm)!.nextDocNumber),
      today: () => companyToday(this.#now()),
    }
  }

  /** Re-derives an invoice's Balance and LinkedTxn from the payments that link it. */
  #refreshInvoice(realm: string, invoiceId: string, bump: boolean): void {
    const invoice = this.#store.entities(realm, 'Invoice').get(invoiceId)
    if (!invoice) return
    const payments = this.#store.entities(realm, 'Payment')
    const links = ((invoice.LinkedTxn as Json[] | undefined) ?? []).filter((l) => l.TxnType !== 'Payment' || payments.has(String(l.TxnId)))
    let applied = 0
    for (const link of links) {
      if (link.TxnType !== 'Payment') continue
      const payment = payments.get(String(link.TxnId))!
      for (const line of (payment.Line as Json[] | undefined) ?? []) {
        if (((line.LinkedTxn as Json[] | undefined) ?? []).some((t) => t.TxnType === 'Invoice' && String(t.TxnId) === invoiceId)) applied += cents(line.Amount) ?? 0
      }
    }
    const balance = (cents(invoice.TotalAmt) ?? 0) - applied
    const next: Json = { ...invoice, Balance: dollars(balance), LinkedTxn: links }
    if (!links.length) delete next.LinkedTxn
    if (JSON.stringify(next) === JSON.stringify(invoice)) return
    if (bump) {
      next.SyncToken = String(Number(invoice.SyncToken) + 1)
      next.MetaData = { ...(invoice.MetaData as Json), LastUpdatedTime: intuitTime(this.#now()) }
    }
    this.#put(realm, 'Invoice', next)
    this.#adjustCustomer(realm, invoice, next)
  }

  /** After a payment write: unlink invoices it no longer pays, link new ones, re-derive balances. */
  #relink(realm: string, before: Json | null, after: Json | null): void {
    const paymentId = String((after ?? before)!.Id)
    const invoices = this.#store.entities(realm, 'Invoice')
    const linked = (p: Json | null) =>
      new Set(((p?.Line as Json[] | undefined) ?? []).filter((l) => (cents(l.Amount) ?? 0) > 0).flatMap((l) => ((l.LinkedTxn as Json[] | undefined) ?? []).filter((t) => t.TxnType === 'Invoice').map((t) => String(t.TxnId))))
    const oldIds = linked(before)
    const newIds = linked(after)
    for (const id of new Set([...oldIds, ...newIds])) {
      const invoice = invoices.get(id)
      if (!invoice) continue
      const others = ((invoice.LinkedTxn as Json[] | undefined) ?? []).filter((l) => !(l.TxnType === 'Payment' && String(l.TxnId) === paymentId))
      const next = newIds.has(id) ? [...others, { TxnId: paymentId, TxnType: 'Payment' }] : others
      this.#put(realm, 'Invoice', { ...invoice, LinkedTxn: next })
      this.#refreshInvoice(realm, id, true)
    }
    this.#adjustCustomer(realm, before, after)
  }

  /** Customer.Balance = open invoice balances − unapplied payments, kept by deltas. */
  #adjustCustomer(realm: string, before: Json | null, after: Json | null): void {
    const share = (e: Json | null) => {
      if (!e) return { customer: null as string | null, cents: 0 }
      const customer = fieldValue(e, 'CustomerRef')
      const amount = 'UnappliedAmt' in e ? -(cents(e.UnappliedAmt) ?? 0) : (cents(e.Balance) ?? 0)
      return { customer: customer === undefined ? null : String(customer), cents: amount }
    }
    const a = share(before)
    const b = share(after)
    const deltas = new Map<string, number>()
    if (a.customer) deltas.set(a.customer, (deltas.get(a.customer) ?? 0) - a.cents)
    if (b.customer) deltas.set(b.customer, (deltas.get(b.customer) ?? 0) + b.cents)
    for (const [id, delta] of deltas) {
      const customer = this.#store.entities(realm, 'Customer').get(id)
      if (!customer || delta === 0) continue
      const balance = dollars((cents(customer.Balance) ?? 0) + delta)
      this.#put(realm, 'Customer', { ...customer, Balance: balance, BalanceWithJobs: balance })
    }
  }

  #void(realm: string, type: EntityType, current: Json): Outcome<{ entity: Json }> {
    const note = typeof current.PrivateNote === 'string' && current.PrivateNote ? `Voided - ${current.PrivateNote}` : 'Voided'
    const zeroLines = ((current.Line as Json[] | undefined) ?? []).map((line) => {
      const out: Json = { ...line, Amount: 0 }
      if (line.SalesItemLineDetail) out.SalesItemLineDetail = { ...(line.SalesItemLineDetail as Json), Qty: 0, UnitPrice: 0 }
      return out
    })
    if (type === 'Invoice') {
      this.#unlinkPayments(realm, current)
      const fresh = this.#store.entities(realm, 'Invoice').get(String(current.Id))!
      const { LinkedTxn: _unlinked, ...rest } = fresh
      const entity = this.#save(realm, type, { ...rest, Line: zeroLines, TotalAmt: 0, Balance: 0, HomeBalance: 0, PrivateNote: note }, fresh)
      this.#adjustCustomer(realm, fresh, entity)
      return { ok: { entity } }
    }
    const entity = this.#save(realm, type, { ...current, Line: zeroLines, TotalAmt: 0, UnappliedAmt: 0, PrivateNote: note }, current)
    this.#relink(realm, current, entity)
    return { ok: { entity } }
  }

  #delete(realm: string, type: EntityType, current: Json): Outcome<{ entity: Json; deleted: boolean }> {
    if (type === 'Invoice') {
      this.#unlinkPayments(realm, current)
      this.#reindex(this.#docs(realm), current.DocNumber, undefined, `Invoice/${current.Id}`)
    }
    this.#store.put(`entity/${realm}/${type}/${current.Id}`, null)
    if (type === 'Payment') this.#relink(realm, current, null)
    else this.#adjustCustomer(realm, current, null)
    return { ok: { entity: { domain: 'QBO', status: 'Deleted', Id: current.Id }, deleted: true } }
  }

  /** Payments applied to an invoice being voided or deleted lose that line (they become credit). */
  #unlinkPayments(realm: string, invoice: Json): void {
    for (const link of (invoice.LinkedTxn as Json[] | undefined) ?? []) {
      if (link.TxnType !== 'Payment') continue
      const payment = this.#store.entities(realm, 'Payment').get(String(link.TxnId))
      if (!payment) continue
      const lines = ((payment.Line as Json[] | undefined) ?? []).filter((l) => !((l.LinkedTxn as Json[] | undefined) ?? []).some((t) => t.TxnType === 'Invoice' && String(t.TxnId) === String(invoice.Id)))
      const applied = lines.reduce((s, l) => s + (cents(l.Amount) ?? 0), 0)
      const next = this.#save(realm, 'Payment', { ...payment, Line: lines, UnappliedAmt: dollars((cents(payment.TotalAmt) ?? 0) - applied) }, payment)
      this.#adjustCustomer(realm, payment, next)
    }
  }
}

// ---------------------------------------------------------------------------------------
// Per-entity rules: validate a create or (merged) update and derive system fields.

interface RuleContext {
  find(type: EntityType, id: unknown): Json | undefined
  all(type: EntityType): Json[]
  partyNameOwner(name: string): string | null
  itemNameOwner(name: string): string | null
  docNumberOwner(docNumber: string): string | null
  nextDocNumber(): string
  today(): string
}

type Rule = (ctx: RuleContext, input: Json, existing: Json | null) => Outcome<Json>

function key(name: string): string {
  return name.trim().toLowerCase()
}

/** Integer cents of a JSON money value, or null when it is not a finite number. */
export function cents(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  return Number.isFinite(n) ? Math.round(n * 100) : null
}

export function dollars(c: number): number {
  return c / 100
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : ''
}

function refValue(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null
  const v = (value as Json).value
  return v === undefined || v === null || v === '' ? null : String(v)
}

/** A reference to an existing, active record: 2500 when unknown, 610 when inactive. */
function resolveRef(ctx: RuleContext, type: EntityType, field: string, value: unknown): Outcome<Json> {
  const id = refValue(value)
  if (!id) return fail(Faults.missing(field))
  const found = ctx.find(type, id)
  if (!found) return fail(Faults.invalidReference(field, id))
  if (found.Active === false) return fail(Faults.notFound())
  return { ok: found }
}

function nameOf(type: EntityType, e: Json): string {
  return String(type === 'Customer' || type === 'Vendor' || type === 'Employee' ? e.DisplayName : e.Name)
}

function isDate(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
}

const party =
  (type: 'Customer' | 'Vendor' | 'Employee'): Rule =>
  (ctx, input, existing) => {
    const parts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'].map((k) => str(input[k])).filter(Boolean)
    const displayName = str(input.DisplayName) || parts.join(' ')
    if (!displayName) return fail(Faults.missing('DisplayName'))
    const email = (input.PrimaryEmailAddr as Json | undefined)?.Address
    if (email !== undefined && email !== null && email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(email))) {
      return fail(Faults.business('Email Address does not conform to the syntax rules of RFC 822', 'PrimaryEmailAddr'))
    }
    const owner = ctx.partyNameOwner(displayName)
    if (owner && owner !== `${type}/${existing?.Id}`) return fail(Faults.duplicateName())
    const out: Json = { Active: true, ...input, DisplayName: displayName, FullyQualifiedName: displayName, PrintOnCheckName: str(input.PrintOnCheckName) || displayName }
    if (type === 'Customer') Object.assign(out, { Taxable: input.Taxable ?? false, Job: input.Job ?? false, BillWithParent: input.BillWithParent ?? false, Balance: existing?.Balance ?? 0, BalanceWithJobs: existing?.Balance ?? 0, PreferredDeliveryMethod: input.PreferredDeliveryMethod ?? 'Print' })
    if (type === 'Vendor') out.Balance = existing?.Balance ?? 0
    return { ok: out }
  }

const RULES: Record<EntityType, Rule> = {
  Customer: party('Customer'),
  Vendor: party('Vendor'),
  Employee: party('Employee'),

  CompanyInfo: (_ctx, input) => ({
    ok: {
      CompanyAddr: { Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999', Country: 'US' },
      Country: 'US',
      FiscalYearStartMonth: 'January',
      SupportedLanguages: 'en',
      ...input,
      LegalName: input.LegalName ?? input.CompanyName,
    },
  }),

  Account: (ctx, input, existing) => {
    const name = str(input.Name)
    if (!name) return fail(Faults.missing('Name'))
    const accountType = str(input.AccountType)
    if (!accountType) return fail(Faults.missing('AccountType'))
    if (!ACCOUNT_TYPES[accountType]) return fail(Faults.invalidEnum('AccountType', accountType))
    if (ctx.all('Account').some((a) => key(String(a.Name)) === key(name) && a.Id !== existing?.Id)) {
      return fail({ ...Faults.duplicateName(), detail: 'The name supplied already exists. : Another account is already using this name. Please use a different name.' })
    }
    return { ok: { Active: true, SubAccount: false, ...input, Name: name, FullyQualifiedName: name, Classification: ACCOUNT_TYPES[accountType], CurrentBalance: existing?.CurrentBalance ?? 0, CurrentBalanceWithSubAccounts: existing?.CurrentBalance ?? 0, CurrencyRef: { value: 'USD', name: 'United States Dollar' } } }
  },

  PaymentMethod: (ctx, input, existing) => {
    const name = str(input.Name)
    if (!name) return fail(Faults.missing('Name'))
    const type = str(input.Type) || 'NON_CREDIT_CARD'
    if (type !== 'CREDIT_CARD' && type !== 'NON_CREDIT_CARD') return fail(Faults.invalidEnum('Type', type))
    if (ctx.all('PaymentMethod').some((m) => key(String(m.Name)) === key(name) && m.Id !== existing?.Id)) return fail(Faults.duplicateName())
    return { ok: { Active: true, ...input, Name: name, Type: type } }
  },

  Item: (ctx, input, existing) => {
    const name = str(input.Name)
    if (!name) return fail(Faults.missing('Name'))
    const type = str(input.Type) || 'Service'
    if (!['Service', 'NonInventory', 'Inventory', 'Group', 'Category'].includes(type)) return fail(Faults.invalidEnum('Type', type))
    if (type === 'Group' || type === 'Category') return fail(Faults.business(`Items of type ${type} are not supported by the sandbox`, 'Type'))
    const owner = ctx.itemNameOwner(name)
    if (owner && owner !== `Item/${existing?.Id}`) return fail(Faults.duplicateItemName())
    const out: Json = { Active: true, Taxable: false, UnitPrice: 0, ...input, Name: name, FullyQualifiedName: name, Type: type }
    const income = resolveRef(ctx, 'Account', 'IncomeAccountRef', input.IncomeAccountRef)
    if ('fault' in income) return income
    out.IncomeAccountRef = { value: income.ok.Id, name: income.ok.Name }
    if (type === 'Inventory') {
      for (const f of ['AssetAccountRef', 'ExpenseAccountRef', 'QtyOnHand', 'InvStartDate']) if (input[f] === undefined) return fail(Faults.missing(f))
      out.TrackQtyOnHand = true
    }
    return { ok: out }
  },

  Invoice: (ctx, input, existing) => {
    const customer = resolveRef(ctx, 'Customer', 'CustomerRef', input.CustomerRef)
    if ('fault' in customer) return customer
    if (!Array.isArray(input.Line) || input.Line.length === 0) return fail(Faults.missing('Line'))
    const oldLineIds = new Set(((existing?.Line as Json[] | undefined) ?? []).map((l) => String(l.Id)))
    let nextLineId = Math.max(0, ...[...oldLineIds].map(Number).filter(Number.isFinite)) + 1
    const lines: Json[] = []
    let total = 0
    for (const raw of input.Line as Json[]) {
      if (!raw || typeof raw !== 'object') return fail(Faults.badRequest('Line must be a list of objects'))
      const detailType = str(raw.DetailType)
      if (detailType === 'SubTotalLineDetail') continue
      if (!detailType) return fail(Faults.missing('DetailType'))
      if (detailType !== 'SalesItemLineDetail' && detailType !== 'DescriptionOnly') return fail(Faults.invalidEnum('DetailType', detailType))
      const id = raw.Id !== undefined && oldLineIds.has(String(raw.Id)) ? String(raw.Id) : String(nextLineId++)
      const line: Json = { ...raw, Id: id, LineNum: lines.length + 1 }
      const detail = (raw.SalesItemLineDetail as Json | undefined) ?? {}
      if (detailType === 'SalesItemLineDetail' && refValue(detail.ItemRef)) {
        const amount = cents(raw.Amount)
        if (amount === null) return fail(Faults.missing('Amount'))
        const item = resolveRef(ctx, 'Item', 'ItemRef', detail.ItemRef)
        if ('fault' in item) return item
        const qty = detail.Qty === undefined ? null : Number(detail.Qty)
        const unit = detail.UnitPrice === undefined ? null : Number(detail.UnitPrice)
        if (qty !== null && unit !== null && Math.abs(Math.round(qty * unit * 100) - amount) > 0) {
          return fail({ code: '6070', message: 'Amount calculation incorrect in the request', detail: `Amount is not equal to UnitPrice * Qty. Supplied value:${raw.Amount}`, element: 'Amount' })
        }
        line.Amount = dollars(amount)
        line.SalesItemLineDetail = { ...detail, ItemRef: { value: item.ok.Id, name: item.ok.Name }, Qty: qty ?? 1, UnitPrice: unit ?? dollars(amount) / (qty ?? 1) }
        total += amount
      } else {
        // [doc: Invoice] a line without ItemRef is description only; its Amount is ignored.
        line.DetailType = 'DescriptionOnly'
        delete line.SalesItemLineDetail
        line.Amount = 0
        line.DescriptionLineDetail = {}
      }
      lines.push(line)
    }
    if (!lines.length) return fail(Faults.missing('Line'))
    lines.push({ Amount: dollars(total), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} })
    let docNumber = input.DocNumber === undefined || input.DocNumber === null ? '' : str(input.DocNumber)
    if (docNumber.length > 21) return fail({ code: '6000', message: 'A business validation error has occurred while processing your request', detail: 'Business Validation Error: DocNumber is longer than 21 characters', element: 'DocNumber' })
    if (!docNumber) docNumber = existing && typeof existing.DocNumber === 'string' ? existing.DocNumber : ctx.nextDocNumber()
    const owner = ctx.docNumberOwner(docNumber)
    if (owner && owner !== `Invoice/${existing?.Id}`) return fail(Faults.duplicateDocNumber(docNumber, 'Invoice', owner.split('/')[1]))
    const txnDate = input.TxnDate ?? ctx.today()
    if (!isDate(txnDate)) return fail(Faults.badRequest(`TxnDate must be YYYY-MM-DD, got ${String(txnDate)}`))
    const dueDate = input.DueDate ?? txnDate
    if (!isDate(dueDate)) return fail(Faults.badRequest(`DueDate must be YYYY-MM-DD, got ${String(dueDate)}`))
    const billEmail = (input.BillEmail as Json | undefined)?.Address
    if (input.EmailStatus === 'NeedToSend' && !billEmail) return fail(Faults.business('Need to supply BillEmail when EmailStatus is NeedToSend', 'BillEmail'))
    if (input.EmailStatus !== undefined && !['NotSet', 'NeedToSend', 'EmailSent'].includes(String(input.EmailStatus))) return fail(Faults.invalidEnum('EmailStatus', String(input.EmailStatus)))
    const applied = existing ? (cents(existing.TotalAmt) ?? 0) - (cents(existing.Balance) ?? 0) : 0
    return {
      ok: {
        AllowIPNPayment: false,
        AllowOnlinePayment: false,
        AllowOnlineCreditCardPayment: false,
        AllowOnlineACHPayment: false,
        EmailStatus: 'NotSet',
        PrintStatus: 'NotSet',
        CurrencyRef: { value: 'USD', name: 'United States Dollar' },
        BillAddr: customer.ok.BillAddr,
        ...input,
        ...(billEmail ? {} : customer.ok.PrimaryEmailAddr ? { BillEmail: customer.ok.PrimaryEmailAddr } : {}),
        CustomerRef: { value: customer.ok.Id, name: customer.ok.DisplayName },
        Line: lines,
        DocNumber: docNumber,
        TxnDate: txnDate,
        DueDate: dueDate,
        TotalAmt: dollars(total),
        Balance: dollars(total - applied),
        HomeBalance: dollars(total - applied),
        ...(existing?.LinkedTxn ? { LinkedTxn: existing.LinkedTxn } : {}),
      },
    }
  },

  Payment: (ctx, input, existing) => {
    const customer = resolveRef(ctx, 'Customer', 'CustomerRef', input.CustomerRef)
    if ('fault' in customer) return customer
    const total = cents(input.TotalAmt)
    if (total === null) return fail(Faults.missing('TotalAmt'))
    if (total < 0) return fail(Faults.business('TotalAmt must not be negative', 'TotalAmt'))
    const lines: Json[] = []
    let applied = 0
    for (const raw of (input.Line as Json[] | undefined) ?? []) {
      const amount = cents(raw?.Amount)
      if (amount === null) return fail(Faults.missing('Line.Amount'))
      const links = raw.LinkedTxn
      if (!Array.isArray(links) || !links.length) return fail(Faults.missing('LinkedTxn'))
      for (const link of links as Json[]) {
        if (str(link.TxnType) !== 'Invoice') return fail(Faults.business(`The sandbox links payments to invoices only, not ${str(link.TxnType) || 'an empty TxnType'}`, 'LinkedTxn'))
        const invoice = ctx.find('Invoice', str(link.TxnId))
        if (!invoice) return fail(Faults.invalidReference('LinkedTxn', str(link.TxnId)))
        if (String(fieldValue(invoice, 'CustomerRef')) !== String(customer.ok.Id)) {
          return fail(Faults.business(`Invoice ${invoice.DocNumber} belongs to another customer`, 'LinkedTxn'))
        }
        const alreadyMine = existing
          ? ((existing.Line as Json[] | undefined) ?? [])
              .filter((l) => ((l.LinkedTxn as Json[] | undefined) ?? []).some((t) => String(t.TxnId) === String(invoice.Id)))
              .reduce((s, l) => s + (cents(l.Amount) ?? 0), 0)
          : 0
        if (amount > (cents(invoice.Balance) ?? 0) + alreadyMine) {
          return fail(Faults.business(`The amount applied to invoice ${invoice.DocNumber} (${dollars(amount)}) is more than its open balance (${dollars((cents(invoice.Balance) ?? 0) + alreadyMine)})`, 'Line.Amount'))
        }
      }
      applied += amount
      lines.push({ ...raw, Amount: dollars(amount), LinkedTxn: (links as Json[]).map((l) => ({ TxnId: str(l.TxnId), TxnType: 'Invoice' })) })
    }
    if (applied > total) return fail(Faults.business(`The amount applied (${dollars(applied)}) is more than the amount received (${dollars(total)})`, 'TotalAmt'))
    const out: Json = { ProcessPayment: false, CurrencyRef: { value: 'USD', name: 'United States Dollar' }, ...input, CustomerRef: { value: customer.ok.Id, name: customer.ok.DisplayName }, Line: lines, TotalAmt: dollars(total), UnappliedAmt: dollars(total - applied) }
    const txnDate = input.TxnDate ?? ctx.today()
    if (!isDate(txnDate)) return fail(Faults.badRequest(`TxnDate must be YYYY-MM-DD, got ${String(txnDate)}`))
    out.TxnDate = txnDate
    if (input.DepositToAccountRef !== undefined) {
      const account = resolveRef(ctx, 'Account', 'DepositToAccountRef', input.DepositToAccountRef)
      if ('fault' in account) return account
      if (account.ok.AccountType !== 'Bank' && account.ok.AccountType !== 'Other Current Asset') {
        return fail(Faults.business('DepositToAccountRef must be a Bank or Other Current Asset account', 'DepositToAccountRef'))
      }
      out.DepositToAccountRef = { value: account.ok.Id, name: account.ok.Name }
    } else {
      const undeposited = ctx.all('Account').find((a) => a.AccountSubType === 'UndepositedFunds')
      if (undeposited) out.DepositToAccountRef = { value: undeposited.Id, name: undeposited.Name }
    }
    if (input.PaymentMethodRef !== undefined && input.PaymentMethodRef !== null) {
      const method = resolveRef(ctx, 'PaymentMethod', 'PaymentMethodRef', input.PaymentMethodRef)
      if ('fault' in method) return method
      out.PaymentMethodRef = { value: method.ok.Id, name: method.ok.Name }
    }
    return { ok: out }
  },
  /**
   * [doc: Intuit RefundReceipt] Money paid back to a customer: sales lines (as on an invoice)
   * and the account the money left from (DepositToAccountRef, required: a Bank or Other
   * Current Asset account such as Undeposited Funds); optional CustomerRef, PaymentMethodRef,
   * PaymentRefNum, DocNumber (not checked for uniqueness), PrivateNote. Stands alone: it links
   * no invoice and changes no balance (Balance is always 0).
   */
  RefundReceipt: (ctx, input) => {
    const out: Json = { CurrencyRef: { value: 'USD', name: 'United States Dollar' }, ...input }
    if (input.CustomerRef !== undefined) {
      const customer = resolveRef(ctx, 'Customer', 'CustomerRef', input.CustomerRef)
      if ('fault' in customer) return customer
      out.CustomerRef = { value: customer.ok.Id, name: customer.ok.DisplayName }
    }
    const account = resolveRef(ctx, 'Account', 'DepositToAccountRef', input.DepositToAccountRef)
    if ('fault' in account) return account
    if (account.ok.AccountType !== 'Bank' && account.ok.AccountType !== 'Other Current Asset') return fail(Faults.business('DepositToAccountRef must be a Bank or Other Current Asset account', 'DepositToAccountRef'))
    out.DepositToAccountRef = { value: account.ok.Id, name: account.ok.Name }
    if (!Array.isArray(input.Line) || input.Line.length === 0) return fail(Faults.missing('Line'))
    const lines: Json[] = []
    let total = 0
    for (const raw of input.Line as Json[]) {
      if (!raw || typeof raw !== 'object') return fail(Faults.badRequest('Line must be a list of objects'))
      if (str(raw.DetailType) === 'SubTotalLineDetail') continue
      if (str(raw.DetailType) !== 'SalesItemLineDetail') return fail(raw.DetailType ? Faults.invalidEnum('DetailType', str(raw.DetailType)) : Faults.missing('DetailType'))
      const amount = cents(raw.Amount)
      if (amount === null) return fail(Faults.missing('Amount'))
      const detail = (raw.SalesItemLineDetail as Json | undefined) ?? {}
      const item = resolveRef(ctx, 'Item', 'ItemRef', detail.ItemRef)
      if ('fault' in item) return item
      lines.push({ ...raw, Id: String(lines.length + 1), LineNum: lines.length + 1, Amount: dollars(amount), SalesItemLineDetail: { Qty: 1, UnitPrice: dollars(amount), ...detail, ItemRef: { value: item.ok.Id, name: item.ok.Name } } })
      total += amount
    }
    if (!lines.length) return fail(Faults.missing('Line'))
    lines.push({ Amount: dollars(total), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} })
    if (input.PaymentMethodRef !== undefined && input.PaymentMethodRef !== null) {
      const method = resolveRef(ctx, 'PaymentMethod', 'PaymentMethodRef', input.PaymentMethodRef)
      if ('fault' in method) return method
      out.PaymentMethodRef = { value: method.ok.Id, name: method.ok.Name }
    }
    const txnDate = input.TxnDate ?? ctx.today()
    if (!isDate(txnDate)) return fail(Faults.badRequest(`TxnDate must be YYYY-MM-DD, got ${String(txnDate)}`))
    return { ok: { ...out, Line: lines, TxnDate: txnDate, TotalAmt: dollars(total), Balance: 0 } }
  },
}

export { nameOf, NAME_LISTS }
