import { randomUUID } from 'node:crypto'
import type { AccountingOutcome } from '../../ports/accounting.ts'
import type { AccessTokenSource } from './quickbooks-oauth.ts'
import { classifyFailure, type WireAnswer } from './quickbooks-faults.ts'
import type { QuickBooksThrottle } from './quickbooks-throttle.ts'

/**
 * The QuickBooks Online Accounting API v3 over HTTP [doc: external-apis.md B3–B12]: the only
 * file that knows its URLs, headers and envelopes. Every call ends in an `AccountingOutcome`.
 *
 * - Every write carries a `requestid` (given, or a fresh UUID, returned as `requestId`): pass
 *   the same one when retrying the same work. Intuit documents no replay window, so after
 *   `indeterminate` look the record up (`findByDocNumber`, `findByReference`) before
 *   creating it again.
 * - A 401 refreshes the access token once (through the token source) and retries once.
 * - 429 (JSON or XML) is `rate_limited`; with a `QuickBooksThrottle` the client keeps to
 *   500 requests a minute and 10 in flight per company so 429s stay rare.
 */
export type QboEntity = 'Customer' | 'Vendor' | 'Employee' | 'Item' | 'Account' | 'PaymentMethod' | 'Invoice' | 'Payment' | 'RefundReceipt' | 'CompanyInfo'
export type QboObject = Record<string, unknown> & { Id?: string; SyncToken?: string }

export interface QuickBooksClientConfig {
  /** API root, e.g. `https://quickbooks.api.intuit.com` or the local sandbox. */
  apiBaseUrl: string
  realmId: string
  tokens: AccessTokenSource
  minorVersion?: number
  readTimeoutMs?: number
  throttle?: QuickBooksThrottle
  fetch?: typeof fetch
}

export interface WriteCall {
  requestId?: string
}

export interface QueryPage {
  rows: QboObject[]
  startPosition: number
  maxResults: number
}

export type BatchItem =
  | { bId: string; operation: 'create' | 'update' | 'delete'; entity: QboEntity; body: QboObject; void?: boolean }
  | { bId: string; query: string }

export type BatchResult =
  | { bId: string; status: 'ok'; entity: QboObject | null; rows: QboObject[] | null; totalCount: number | null }
  | { bId: string; status: 'failed'; outcome: Exclude<AccountingOutcome<never>, { status: 'ok' }> }

export type Written<T> = AccountingOutcome<T> & { requestId: string }

export const MAX_BATCH_ITEMS = 30
export const MAX_QUERY_RESULTS = 1000

export class QuickBooksClient {
  readonly #config: Required<Omit<QuickBooksClientConfig, 'throttle'>> & { throttle: QuickBooksThrottle | null }

  constructor(config: QuickBooksClientConfig) {
    this.#config = {
      minorVersion: 75,
      readTimeoutMs: 30_000,
      fetch: fetch,
      ...config,
      throttle: config.throttle ?? null,
      apiBaseUrl: config.apiBaseUrl.replace(/\/+$/, ''),
    }
  }

  get realmId(): string {
    return this.#config.realmId
  }

  /** A request id for one piece of work (36 characters: fits Intuit's 50, and 36 for batches). */
  static newRequestId(): string {
    return randomUUID()
  }

  /** `'` → `\'` (and `\` → `\\`) for a value inside a query's single quotes. */
  static quote(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  }

  create(entity: QboEntity, body: QboObject, call: WriteCall = {}): Promise<Written<QboObject>> {
    return this.#write(entity, body, {}, call)
  }

  /** Sparse by default (only the given fields change); `sparse: false` replaces the record. */
  update(entity: QboEntity, body: QboObject & { Id: string; SyncToken: string }, call: WriteCall & { sparse?: boolean } = {}): Promise<Written<QboObject>> {
    return this.#write(entity, { ...body, sparse: call.sparse ?? true }, { operation: 'update' }, call)
  }

  /** Invoice: `?operation=void`; Payment: Intuit's sparse update with `include=void`. */
  void(entity: 'Invoice' | 'Payment', ref: { Id: string; SyncToken: string }, call: WriteCall = {}): Promise<Written<QboObject>> {
    return entity === 'Payment'
      ? this.#write(entity, { Id: ref.Id, SyncToken: ref.SyncToken, sparse: true }, { operation: 'update', include: 'void' }, call)
      : this.#write(entity, { Id: ref.Id, SyncToken: ref.SyncToken }, { operation: 'void' }, call)
  }

  delete(entity: 'Invoice' | 'Payment', ref: { Id: string; SyncToken: string }, call: WriteCall = {}): Promise<Written<QboObject>> {
    return this.#write(entity, { Id: ref.Id, SyncToken: ref.SyncToken }, { operation: 'delete' }, call)
  }

  /** One record by Id; `ok` with null when QuickBooks does not have it (610). */
  async read(entity: QboEntity, id: string): Promise<AccountingOutcome<QboObject | null>> {
    const out = await this.#send({ method: 'GET', path: `${entity.toLowerCase()}/${encodeURIComponent(id)}`, isWrite: false })
    if (out.status === 'invalid' && out.fault.code === '610') return { status: 'ok', value: null }
    return out.status === 'ok' ? { status: 'ok', value: (out.value[entity] as QboObject | undefined) ?? null } : out
  }

  companyInfo(): Promise<AccountingOutcome<QboObject | null>> {
    return this.read('CompanyInfo', this.#config.realmId)
  }

  /**
   * One page of a `SELECT *` (no match: empty rows, as `{"QueryResponse":{}}` means). A long
   * statement (an `IN` list) goes as a POST body (`application/text`), as Intuit allows, not in the URL.
   */
  async query(statement: string): Promise<AccountingOutcome<QueryPage>> {
    const out = statement.length > 1500
      ? await this.#send({ method: 'POST', path: 'query', body: statement, contentType: 'application/text', isWrite: false })
      : await this.#send({ method: 'GET', path: 'query', query: { query: statement }, isWrite: false })
    if (out.status !== 'ok') return out
    return { status: 'ok', value: queryPage(out.value.QueryResponse) }
  }

  async count(entity: QboEntity, where = ''): Promise<AccountingOutcome<number>> {
    const out = await this.#send({ method: 'GET', path: 'query', query: { query: `select count(*) from ${entity}${where ? ` where ${where}` : ''}` }, isWrite: false })
    if (out.status !== 'ok') return out
    return { status: 'ok', value: Number((out.value.QueryResponse as Record<string, unknown> | undefined)?.totalCount ?? 0) }
  }

  /** Every row matching `where`, 1000 at a time. */
  async queryAll(entity: QboEntity, where = '', orderBy = 'Id'): Promise<AccountingOutcome<QboObject[]>> {
    const rows: QboObject[] = []
    for (let start = 1; ; start += MAX_QUERY_RESULTS) {
      const page = await this.query(`select * from ${entity}${where ? ` where ${where}` : ''} orderby ${orderBy} startposition ${start} maxresults ${MAX_QUERY_RESULTS}`)
      if (page.status !== 'ok') return page
      rows.push(...page.value.rows)
      if (page.value.rows.length < MAX_QUERY_RESULTS) return { status: 'ok', value: rows }
    }
  }

  /** The invoice (or other numbered transaction) with this DocNumber, if any. */
  async findByDocNumber(entity: 'Invoice', docNumber: string): Promise<AccountingOutcome<QboObject | null>> {
    const page = await this.query(`select * from ${entity} where DocNumber = ${QuickBooksClient.quote(docNumber)}`)
    return page.status === 'ok' ? { status: 'ok', value: page.value.rows[0] ?? null } : page
  }

  /**
   * The customer's transaction whose PrivateNote carries `reference`. PrivateNote is not
   * queryable at Intuit, so this reads the customer's transactions and matches locally.
   */
  async findByReference(entity: 'Invoice' | 'Payment' | 'RefundReceipt', reference: string, { customerId }: { customerId: string }): Promise<AccountingOutcome<QboObject | null>> {
    const rows = await this.queryAll(entity, `CustomerRef = ${QuickBooksClient.quote(customerId)}`)
    if (rows.status !== 'ok') return rows
    return { status: 'ok', value: rows.value.find((r) => typeof r.PrivateNote === 'string' && r.PrivateNote.includes(reference)) ?? null }
  }

  /** Up to 30 items in one request (HTTP 200 with a result per item). */
  async batch(items: BatchItem[], call: WriteCall = {}): Promise<Written<BatchResult[]>> {
    const requestId = call.requestId ?? QuickBooksClient.newRequestId()
    if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
      return { status: 'invalid', fault: { code: '1040', message: 'Batch size exceeds allowed limit', detail: `A batch holds 1 to ${MAX_BATCH_ITEMS} items, not ${items.length}`, element: null }, httpStatus: 0, requestId }
    }
    const body = {
      BatchItemRequest: items.map((item) =>
        'query' in item ? { bId: item.bId, Query: item.query } : { bId: item.bId, operation: item.operation, ...(item.void ? { optionsData: 'void' } : {}), [item.entity]: item.body },
      ),
    }
    const writes = items.some((i) => !('query' in i))
    const out = await this.#send({ method: 'POST', path: 'batch', body: JSON.stringify(body), isWrite: writes, requestId, weight: items.length })
    if (out.status !== 'ok') return { ...out, requestId }
    const responses = (out.value.BatchItemResponse as Record<string, unknown>[] | undefined) ?? []
    const results = responses.map((r): BatchResult => {
      const bId = String(r.bId ?? '')
      if (r.Fault) {
        const failure = classifyFailure({ kind: 'http', status: 400, text: JSON.stringify({ Fault: r.Fault }), retryAfter: null }, { isWrite: false, requestId: null })
        return { bId, status: 'failed', outcome: failure as Exclude<AccountingOutcome<never>, { status: 'ok' }> }
      }
      if (r.QueryResponse) {
        const q = r.QueryResponse as Record<string, unknown>
        return { bId, status: 'ok', entity: null, rows: queryPage(q).rows, totalCount: typeof q.totalCount === 'number' ? q.totalCount : null }
      }
      const key = Object.keys(r).find((k) => k !== 'bId')
      return { bId, status: 'ok', entity: key ? (r[key] as QboObject) : null, rows: null, totalCount: null }
    })
    return { status: 'ok', value: results, requestId }
  }

  async #write(entity: QboEntity, body: QboObject, query: Record<string, string>, call: WriteCall): Promise<Written<QboObject>> {
    const requestId = call.requestId ?? QuickBooksClient.newRequestId()
    const out = await this.#send({ method: 'POST', path: entity.toLowerCase(), query: { ...query, requestid: requestId }, body: JSON.stringify(body), isWrite: true, requestId })
    if (out.status !== 'ok') return { ...out, requestId }
    return { status: 'ok', value: (out.value[entity] as QboObject) ?? {}, requestId }
  }

  /** One API call: throttle slot, bearer token, one refresh-and-retry on 401, outcome. */
  async #send(request: { method: 'GET' | 'POST'; path: string; query?: Record<string, string>; body?: string; contentType?: string; isWrite: boolean; requestId?: string; weight?: number }): Promise<AccountingOutcome<Record<string, unknown>>> {
    const release = this.#config.throttle ? await this.#config.throttle.acquire(this.#config.realmId, request.weight ?? 1) : () => {}
    try {
      let lease = await this.#config.tokens.accessToken()
      for (let attempt = 0; ; attempt++) {
        if (lease.status === 'retryable') return { status: 'retryable', retryAfterMs: 5_000, message: `token refresh failed: ${lease.message}` }
        if (lease.status === 'unauthorized') return lease
        const answer = await this.#http(request, lease.accessToken)
        if (answer.kind === 'http' && answer.status >= 200 && answer.status < 300) {
          try {
            return { status: 'ok', value: JSON.parse(answer.text) as Record<string, unknown> }
          } catch {
            return classifyFailure({ kind: 'no_answer', message: `unreadable answer: ${answer.text.slice(0, 100)}` }, { isWrite: request.isWrite, requestId: request.requestId ?? null })
          }
        }
        if (answer.kind === 'http' && answer.status === 401 && attempt === 0) {
          lease = await this.#config.tokens.refreshAfterRejection(lease.accessToken)
          continue
        }
        return classifyFailure(answer, { isWrite: request.isWrite, requestId: request.requestId ?? null })
      }
    } finally {
      release()
    }
  }

  async #http(request: { method: string; path: string; query?: Record<string, string>; body?: string; contentType?: string }, accessToken: string): Promise<WireAnswer> {
    const url = new URL(`${this.#config.apiBaseUrl}/v3/company/${encodeURIComponent(this.#config.realmId)}/${request.path}`)
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v)
    url.searchParams.set('minorversion', String(this.#config.minorVersion))
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.#config.readTimeoutMs)
    try {
      const res = await this.#config.fetch(url, {
        method: request.method,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(request.body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}) },
        body: request.body,
        signal: controller.signal,
      })
      return { kind: 'http', status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') }
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'no_answer', message: `read timeout after ${this.#config.readTimeoutMs} ms` }
      const code = errorCode(error)
      if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'].includes(code)) return { kind: 'not_sent', message: code }
      return { kind: 'no_answer', message: code ?? (error instanceof Error ? error.message : String(error)) }
    } finally {
      clearTimeout(timer)
    }
  }
}

function queryPage(response: unknown): QueryPage {
  const q = (response ?? {}) as Record<string, unknown>
  const key = Object.keys(q).find((k) => Array.isArray(q[k]))
  const rows = key ? (q[key] as QboObject[]) : []
  return { rows, startPosition: Number(q.startPosition ?? 1), maxResults: Number(q.maxResults ?? rows.length) }
}

/** The system error code behind a fetch failure (undici wraps it in `cause`). */
function errorCode(error: unknown): string | null {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return null
}
