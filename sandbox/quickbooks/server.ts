import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Books, ENTITY_PATHS, type EntityType } from './books.ts'
import { applies, NO_FAULTS, updateFaults, type Faults } from './faults.ts'
import { dice, seedOf } from '../shared/dice.ts'
import { OAuth, OAUTH_DEFAULTS, type OAuthOptions } from './oauth.ts'
import { Store } from './store.ts'
import { fault, Faults as F, faultBody, intuitTime, newTid, systemFault, throttleFault, type Json, type Reply } from './wire.ts'

export interface QuickBooksSandboxOptions {
  port?: number
  host?: string
  /** JSON-lines journal of every company, entity and token; null keeps everything in memory. */
  dataFile?: string | null
  clientId?: string
  clientSecret?: string
  /** Registered redirect URIs; none = any http://localhost / 127.0.0.1 or https URI. */
  redirectUris?: string[]
  /** Requests per minute per realm (Intuit: 500). */
  rateLimitPerMinute?: number
  /** Requests in flight at once per realm (Intuit: 10). */
  concurrencyLimit?: number
  /** Batch requests per minute per realm (Intuit: 40). */
  batchRateLimitPerMinute?: number
  /** Items in one batch request (Intuit: 30). */
  batchMaxItems?: number
  oauth?: Partial<OAuthOptions>
}

export interface RunningQuickBooksSandbox {
  url: string
  close(): Promise<void>
}

export const QUICKBOOKS_SANDBOX_DEFAULTS = {
  clientId: 'ABsandboxServicebookClientId0000000000000000000000',
  clientSecret: 'sandbox-client-secret',
  rateLimitPerMinute: 500,
  concurrencyLimit: 10,
  batchRateLimitPerMinute: 40,
  batchMaxItems: 30,
}

const API = /^\/v3\/company\/([^/]+)\/(.+)$/

/** Starts the QuickBooks Online sandbox: Intuit's OAuth and Accounting API paths plus `/_sandbox/*`. */
export async function startQuickBooksSandbox(options: QuickBooksSandboxOptions = {}): Promise<RunningQuickBooksSandbox> {
  const settings = { ...QUICKBOOKS_SANDBOX_DEFAULTS, ...strip(options) }
  const store = new Store(options.dataFile ?? null)
  const books = new Books(store)
  const oauth = new OAuth(store, books, { clientId: settings.clientId, clientSecret: settings.clientSecret, redirectUris: options.redirectUris ?? [] }, { ...OAUTH_DEFAULTS, ...options.oauth })
  oauth.sweep()
  let faults: Faults = { ...NO_FAULTS }
  let roll = dice(null)
  const inFlight = new Map<string, number>()
  const window = new Map<string, number[]>()
  const batchWindow = new Map<string, number[]>()
  const timers = new Set<NodeJS.Timeout>()
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve()
      const t = setTimeout(() => (timers.delete(t), resolve()), ms)
      timers.add(t)
    })

  /** Requests (batch items count one each) in the last minute for a realm, after pruning. */
  const recent = (map: Map<string, number[]>, realm: string, now: number) => {
    const list = (map.get(realm) ?? []).filter((t) => t > now - 60_000)
    map.set(realm, list)
    return list
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { intuit_tid: newTid(), ...reply.headers }
    if (reply.text !== undefined) {
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/plain', ...headers })
      res.end(reply.text)
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
      res.end(JSON.stringify(reply.json))
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, realm: string, rest: string): Promise<void> {
    const denied = oauth.authorize(req.headers.authorization, realm)
    if (denied) return send(res, denied)
    if (!books.company(realm)) return send(res, fault(F.notFound()))
    const accept = String(req.headers.accept ?? '')
    if (!/json|\*\/\*/i.test(accept) && url.searchParams.get('format') !== 'json') {
      return send(res, { status: 406, text: 'This sandbox answers JSON only: send Accept: application/json (Intuit answers XML without it).' })
    }
    const segments = rest.split('/')
    const endpoint = segments[0].toLowerCase()
    const body = req.method === 'POST' ? await readBody(req) : ''
    const weight = endpoint === 'batch' ? Math.max(1, batchSize(body)) : 1
    const now = Date.now()
    const count = (inFlight.get(realm) ?? 0) + 1
    inFlight.set(realm, count)
    res.once('close', () => inFlight.set(realm, (inFlight.get(realm) ?? 1) - 1))
    const perMinute = recent(window, realm, now)
    const batches = recent(batchWindow, realm, now)
    if (count > settings.concurrencyLimit || perMinute.length + weight > settings.rateLimitPerMinute || (endpoint === 'batch' && batches.length >= settings.batchRateLimitPerMinute)) {
      return send(res, throttleFault(faults.throttleFormat, faults.retryAfterSeconds))
    }
    for (let i = 0; i < weight; i++) perMinute.push(now)
    if (endpoint === 'batch') batches.push(now)
    const faulty = applies(faults, endpoint)
    await sleep(faults.latencyMs)
    const requestId = url.searchParams.get('requestid')
    const replayKey = requestId ? `reqid/${realm}/${requestId}` : null
    const stored = replayKey && faults.requestIdReplay ? (store.get(replayKey) as Reply | undefined) : undefined
    if (stored) return send(res, stored)
    if (faulty && roll(faults.errorRate)) return send(res, systemFault())
    if (applies(faults, endpoint, 'throttle') && roll(faults.throttleRate)) return send(res, throttleFault(faults.throttleFormat, faults.retryAfterSeconds))
    const reply = route(req.method ?? 'GET', url, realm, segments, body, req.headers['content-type'])
    if (replayKey && reply.status < 500) store.put(replayKey, { status: reply.status, json: reply.json })
    if (reply.wrote && faulty && roll(faults.dropRate)) return void req.socket.destroy()
    send(res, reply)
  }

  function route(method: string, url: URL, realm: string, segments: string[], body: string, contentType: string | undefined): Reply {
    const endpoint = segments[0].toLowerCase()
    const time = () => intuitTime(new Date(), true)
    if (endpoint === 'query' && segments.length === 1) {
      const statement = method === 'POST' ? body : (url.searchParams.get('query') ?? '')
      if (!statement.trim()) return fault(F.missing('query'))
      const result = books.query(realm, statement)
      return 'fault' in result ? fault(result.fault) : { status: 200, json: { QueryResponse: result.ok, time: time() } }
    }
    if (endpoint === 'batch' && segments.length === 1 && method === 'POST') return batch(realm, body, url)
    const type = ENTITY_PATHS[endpoint]
    if (!type) return fault(F.unsupported(`${method} /${segments.join('/')}`))
    if (method === 'GET' && segments.length === 2) {
      const id = type === 'CompanyInfo' && segments[1] === realm ? '1' : segments[1]
      const result = books.read(realm, type, decodeURIComponent(id))
      return 'fault' in result ? fault(result.fault) : { status: 200, json: { [type]: result.ok, time: time() } }
    }
    if (method !== 'POST' || segments.length !== 1) return fault(F.unsupported(`${method} /${segments.join('/')}`))
    if (!/json/i.test(contentType ?? '')) return { status: 415, json: faultBody(F.badRequest('Content-Type must be application/json')) }
    const parsed = parseObject(body)
    if (!parsed) return fault(F.badRequest('Request body is not a JSON object'))
    const entityBody = (parsed[type] && typeof parsed[type] === 'object' ? parsed[type] : parsed) as Json
    const result = books.write(realm, type, entityBody, { operation: url.searchParams.get('operation'), include: url.searchParams.get('include') }, allowDuplicates(url))
    if ('fault' in result) return fault(result.fault)
    return { status: 200, wrote: true, json: { [type]: result.ok.entity, time: time() } }
  }

  function batch(realm: string, body: string, url: URL): Reply {
    const parsed = parseObject(body)
    const items = parsed?.BatchItemRequest
    if (!Array.isArray(items) || items.length === 0) return fault(F.missing('BatchItemRequest'))
    if (items.length > settings.batchMaxItems) {
      return fault({ code: '1040', message: 'Batch size exceeds allowed limit', detail: `A batch may hold at most ${settings.batchMaxItems} items; this one has ${items.length}` })
    }
    let wrote = false
    const responses = (items as Json[]).map((item) => {
      const bId = typeof item?.bId === 'string' ? item.bId : String(item?.bId ?? '')
      const itemFault = (f: ReturnType<typeof F.missing>) => ({ bId, Fault: { Error: [{ Message: f.message, Detail: f.detail, code: f.code, element: f.element ?? '' }], type: 'ValidationFault' } })
      if (!bId) return itemFault(F.missing('bId'))
      if (typeof item.Query === 'string') {
        const result = books.query(realm, item.Query)
        return 'fault' in result ? itemFault(result.fault) : { bId, QueryResponse: result.ok }
      }
      const type = (Object.keys(item).find((k) => (Object.values(ENTITY_PATHS) as string[]).includes(k)) ?? null) as EntityType | null
      if (!type) return itemFault(F.missing('entity'))
      const operation = String(item.operation ?? 'create').toLowerCase()
      if (!['create', 'update', 'delete'].includes(operation)) return itemFault(F.invalidEnum('operation', operation))
      const voiding = String(item.optionsData ?? '').toLowerCase() === 'void'
      const entityBody = { ...(item[type] as Json) }
      if (operation === 'create') delete entityBody.Id
      const result = books.write(realm, type, entityBody, { operation: voiding ? 'void' : operation === 'delete' ? 'delete' : operation === 'update' ? 'update' : null }, allowDuplicates(url))
      if ('fault' in result) return itemFault(result.fault)
      wrote = true
      return { bId, [type]: result.ok.entity }
    })
    return { status: 200, wrote, json: { BatchItemResponse: responses, time: intuitTime(new Date(), true) } }
  }

  async function sandboxRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const json = (status: number, payload: unknown) => send(res, { status, json: payload })
    if (path === '/_sandbox/faults' && req.method === 'GET') return json(200, faults)
    if (path === '/_sandbox/faults' && req.method === 'POST') {
      const body = parseObject(await readBody(req)) ?? {}
      const next = updateFaults(faults, body)
      const seed = seedOf(body)
      if (typeof next === 'string' || typeof seed === 'string') return json(400, { error: typeof next === 'string' ? next : seed })
      faults = next
      if (seed !== undefined || body.reset === true) roll = dice(seed ?? null)
      if (body.expireTokens === true) oauth.expiredBefore = Date.now() + 1
      if (body.reset === true) oauth.expiredBefore = 0
      return json(200, faults)
    }
    if (path === '/_sandbox/companies' && req.method === 'GET') return json(200, { companies: books.companies().map((c) => ({ realmId: c.realmId, companyName: c.CompanyName })) })
    const m = /^\/_sandbox\/companies\/([^/]+)\/entities$/.exec(path)
    if (m && req.method === 'GET') {
      const company = books.company(decodeURIComponent(m[1]))
      if (!company) return json(404, { error: 'No such company' })
      return json(200, { realmId: company.realmId, companyName: company.CompanyName, entities: books.dump(company.realmId) })
    }
    json(404, { error: 'Not Found', path })
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const path = url.pathname
    const method = req.method ?? 'GET'
    const work = (async () => {
      if (path.startsWith('/_sandbox/')) return sandboxRoute(req, res, path)
      if (path === '/connect/oauth2' && (method === 'GET' || method === 'POST')) {
        const params = new URLSearchParams(url.search)
        if (method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v)
        return send(res, oauth.consent(method, params))
      }
      if (path === '/oauth2/v1/tokens/bearer' && method === 'POST') return send(res, oauth.token(req.headers, await readBody(req)))
      if (path === '/v2/oauth2/tokens/revoke' && method === 'POST') return send(res, oauth.revoke(req.headers, await readBody(req)))
      const m = API.exec(path)
      if (m) return api(req, res, url, decodeURIComponent(m[1]), m[2])
      send(res, { status: 404, json: { error: 'Not Found', path } })
    })()
    work.catch((err: unknown) => {
      if (!res.headersSent) send(res, systemFault())
      console.error('quickbooks sandbox:', err)
    })
  })

  // Longer than any client's keep-alive (undici keeps idle sockets 4 s): a slow event loop must not let a
  // client reuse a socket the server has just closed (ECONNRESET on a busy test machine).
  server.keepAliveTimeout = 65_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3102, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => {
          store.compact()
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}

function allowDuplicates(url: URL): boolean {
  return (url.searchParams.get('include') ?? '').toLowerCase().split(',').includes('allowduplicatedocnum')
}

function batchSize(body: string): number {
  const items = parseObject(body)?.BatchItemRequest
  return Array.isArray(items) ? items.length : 0
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 10_000_000) throw new Error('request body over 10 MB')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseObject(text: string): Json | null {
  try {
    const value: unknown = JSON.parse(text || '{}')
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null
  } catch {
    return null
  }
}

function strip<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>
}
