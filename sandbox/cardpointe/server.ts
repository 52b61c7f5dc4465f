import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { handleAuth } from './auth.ts'
import type { Body, GatewayContext, Reply } from './context.ts'
import { applies, MERCH_ADVICE_TEXT, NO_FAULTS, updateFaults, type Faults } from './faults.ts'
import { dice, seedOf } from '../shared/dice.ts'
import { Ledger } from './ledger.ts'
import { handleProfileDelete, handleProfileGet, handleProfileSave } from './profiles.ts'
import type { Processor } from './response-codes.ts'
import { handleTokenize } from './tokenize.ts'
import { TOKENIZER_PAGE } from './tokenizer-page.ts'
import {
  handleCapture,
  handleInquire,
  handleInquireByOrderid,
  handleRefund,
  handleVoid,
  handleVoidByOrderId,
} from './txn-ops.ts'
import { closeBatch, closeIfDue, handleFunding, handleSettlestat } from './settlement.ts'
import { uatShape } from './uat-noise.ts'

export interface SandboxOptions {
  port?: number
  host?: string
  /** JSON ledger file; null keeps everything in memory. */
  ledgerFile?: string | null
  /** Delay before the timeout test cards answer "Timed out" (the gateway's own is 32 s). */
  timeoutDelayMs?: number
  merchid?: string
  username?: string
  password?: string
  processor?: Processor
  /** Shuffle field order and add junk fields, as UAT does (default true). */
  uatNoise?: boolean
  /** Daily batch close, Eastern wall-clock `HH:MM` (the program's default is `22:00`); null or absent: only `POST /_sandbox/settle` closes, so tests decide when. */
  closeAt?: string | null
  /** The sandbox's clock (tests move it to see returns days later). */
  now?: () => Date
}

export interface RunningSandbox {
  url: string
  close(): Promise<void>
}

export const SANDBOX_DEFAULTS = { merchid: '496160873888', username: 'testing', password: 'testing123' }

const REST = '/cardconnect/rest'
const WRITES: Record<string, (ctx: GatewayContext, body: Body) => Reply> = {
  auth: handleAuth,
  capture: handleCapture,
  void: handleVoid,
  refund: handleRefund,
  voidByOrderId: handleVoidByOrderId,
  profile: handleProfileSave,
}

/** Starts the CardPointe sandbox: the vendor's REST paths plus `/_sandbox/*` controls. */
export async function startCardPointeSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const creds = { ...SANDBOX_DEFAULTS, ...strip({ merchid: options.merchid, username: options.username, password: options.password }) }
  const ctx: GatewayContext = {
    ledger: new Ledger(options.ledgerFile ?? null),
    merchid: creds.merchid,
    processor: options.processor ?? 'RPCT',
    timeoutDelayMs: options.timeoutDelayMs ?? 32_000,
    pendingExpiry: new Map(),
    now: options.now ?? (() => new Date()),
  }
  const closeAt = options.closeAt ?? null
  const closeAtMinute = closeAt === null ? null : Number(closeAt.slice(0, 2)) * 60 + Number(closeAt.slice(3, 5))
  const noise = options.uatNoise ?? true
  let faults: Faults = { ...NO_FAULTS }
  let roll = dice(null)
  const timers = new Set<NodeJS.Timeout>()
  const achReturn = () => (faults.achReturnCode ? { code: faults.achReturnCode, afterDays: faults.achReturnAfterDays } : null)
  const dailyClose = () => {
    if (closeAtMinute !== null) closeIfDue(ctx, closeAtMinute, achReturn())
  }
  const closer = setInterval(dailyClose, 60_000)
  closer.unref()
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve()
      const t = setTimeout(() => (timers.delete(t), resolve()), ms)
      timers.add(t)
    })

  const send = (res: ServerResponse, status: number, payload: unknown, shaped = false) => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(shaped && noise ? uatShape(payload) : payload)
    res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' })
    res.end(text)
  }

  async function gateway(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!hasCredentials(req, creds.username, creds.password)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="CardConnect"', 'content-type': 'text/plain' })
      return void res.end('Unauthorized')
    }
    const segments = path.slice(REST.length + 1).split('/')
    const endpoint = segments[0] ?? ''
    const faulty = applies(faults, endpoint)
    // The client hangs up (its read timeout) while the gateway works on the request.
    let hungUp = false
    res.once('close', () => void (hungUp = !res.writableFinished))
    const body = req.method === 'PUT' || req.method === 'POST' ? await readJson(req) : undefined
    if (faulty) await sleep(faults.latencyMs)
    if (faulty && roll(faults.errorRate)) return send(res, 500, { timestamp: new Date().toISOString(), status: 500, error: 'Internal Server Error', path })
    if (faulty && roll(faults.timeoutRate)) {
      const t = setTimeout(() => (timers.delete(t), req.socket.destroy()), faults.hangMs)
      return void timers.add(t)
    }
    // A request whose client has gone is dropped unprocessed, unless the fault says the gateway goes on with it.
    if (hungUp && !(faulty && roll(faults.processAfterHangupRate))) return
    const reply = route(req, endpoint, segments, body)
    if (hungUp) return
    if (!reply) return send(res, 404, { timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path })
    await sleep(reply.delayMs ?? 0)
    if (reply.approvedWrite && faulty && roll(faults.dropApprovedRate)) return void req.socket.destroy()
    send(res, reply.status ?? 200, faulty ? withAdvice(endpoint, reply.json) : reply.json, reply.status === undefined)
  }

  /** A declined card charge with the merchant advice code the faults set, if any. */
  function withAdvice(endpoint: string, json: unknown): unknown {
    const body = json as Record<string, unknown>
    const code = faults.merchAdviceCode
    if (!code || endpoint !== 'auth' || body?.respstat !== 'C' || body.respproc === 'PPS' || body.respproc === 'PSTR') return json
    return { ...body, merchAdviceCode: code, merchAdviceText: MERCH_ADVICE_TEXT[code] }
  }

  /** `body`: the parsed JSON of a PUT or POST (null when unparseable), undefined for other methods. */
  function route(req: IncomingMessage, endpoint: string, segments: string[], body: Body | null | undefined): Reply | null {
    const method = req.method ?? 'GET'
    if (endpoint === '' && segments.length === 1) return { json: 'CardConnect REST Servlet' }
    if (WRITES[endpoint] && segments.length === 1 && body !== undefined) {
      return body ? WRITES[endpoint](ctx, body) : { status: 400, json: { status: 400, error: 'Bad Request' } }
    }
    const [, a = '', b = '', c = ''] = segments
    if (method === 'GET' && (endpoint === 'settlestat' || endpoint === 'funding') && segments.length === 1) {
      dailyClose()
      const query = new URL(req.url ?? '/', 'http://sandbox').searchParams
      return endpoint === 'settlestat' ? handleSettlestat(ctx, query) : handleFunding(ctx, query)
    }
    if (method === 'GET' && endpoint === 'inquire' && segments.length === 3) return handleInquire(ctx, a, b)
    if (method === 'GET' && endpoint === 'inquireByOrderid' && (segments.length === 3 || segments.length === 4)) {
      return handleInquireByOrderid(ctx, decodeURIComponent(a), b)
    }
    if (endpoint === 'profile' && segments.length === 4 && method === 'GET') return handleProfileGet(ctx, a, b, c)
    if (endpoint === 'profile' && segments.length === 4 && method === 'DELETE') return handleProfileDelete(ctx, a, b, c)
    return null
  }

  async function sandboxRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/_sandbox/transactions' && req.method === 'GET') return send(res, 200, { transactions: ctx.ledger.events() })
    if (path === '/_sandbox/faults' && req.method === 'GET') return send(res, 200, faults)
    if (path === '/_sandbox/faults' && req.method === 'POST') {
      const body = (await readJson(req)) ?? {}
      const next = updateFaults(faults, body)
      const seed = seedOf(body)
      if (typeof next === 'string' || typeof seed === 'string') return send(res, 400, { error: typeof next === 'string' ? next : seed })
      faults = next
      if (seed !== undefined || body.reset === true) roll = dice(seed ?? null)
      return send(res, 200, faults)
    }
    if (path === '/_sandbox/settle' && req.method === 'POST') return send(res, 200, { settled: closeBatch(ctx, achReturn()) })
    send(res, 404, { error: 'Not Found', path })
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname
    const work = path.startsWith('/_sandbox/')
      ? sandboxRoute(req, res, path)
      : path === '/itoke/ajax-tokenizer.html'
        ? Promise.resolve(sendPage(res))
        : path === '/cardsecure/api/v1/ccn/tokenize'
          ? tokenizeRoute(req, res)
          : path === REST || path.startsWith(`${REST}/`)
            ? gateway(req, res, path)
            : Promise.resolve(send(res, 404, { timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path }))
    work.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { status: 500, error: 'Internal Server Error' })
      console.error('cardpointe sandbox:', err)
    })
  })

  // Longer than any client's keep-alive (undici keeps idle sockets 4 s): a slow event loop must not let a
  // client reuse a socket the server has just closed (ECONNRESET on a busy test machine).
  server.keepAliveTimeout = 65_000

  async function tokenizeRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*')
    res.setHeader('access-control-allow-headers', 'content-type')
    if (req.method === 'OPTIONS') return void res.writeHead(204).end()
    if (req.method !== 'POST') return send(res, 404, { status: 404, error: 'Not Found' })
    const body = await readJson(req)
    send(res, 200, handleTokenize(ctx, body ?? {}))
  }

  function sendPage(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(TOKENIZER_PAGE)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3101, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(closer)
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function hasCredentials(req: IncomingMessage, username: string, password: string): boolean {
  const header = req.headers.authorization ?? ''
  if (!header.startsWith('Basic ')) return false
  const given = Buffer.from(header.slice(6).trim(), 'base64')
  const expected = Buffer.from(`${username}:${password}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function readJson(req: IncomingMessage): Promise<Body | null> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : null
  } catch {
    return null
  }
}

function strip<T extends Record<string, string | undefined>>(o: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<Record<keyof T, string>>
}
