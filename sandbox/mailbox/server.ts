import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { listPage, MESSAGE_CSP, messagePage, notFoundPage, PAGE_CSP } from './pages.ts'
import { isMailId, MailStore, type CapturedAttachment, type CapturedMail } from './store.ts'

export type { CapturedMail, CapturedAttachment } from './store.ts'

export interface MailboxOptions {
  /** SMTP port (0 = any free port). */
  smtpPort: number
  /** HTTP port of the mailbox page and JSON API (0 = any free port). */
  httpPort: number
  /** Listen address for both, default 127.0.0.1: captured mail holds customer data, keep it local. */
  host?: string
  /** Folder for .eml + .json files; null keeps messages in memory. */
  dir: string | null
  /** Largest accepted message, default 25 MB. */
  maxMessageBytes?: number
  /** When set, a login is required and only this one is accepted (535 otherwise), as a real server would. */
  login?: { user: string; pass: string }
}

export interface RunningMailbox {
  /** e.g. `smtp://127.0.0.1:3125`, for SMTP_URL or `createSmtpMailer`. */
  smtpUrl: string
  /** The mailbox page, e.g. `http://127.0.0.1:3126`. */
  httpUrl: string
  /** Newest first. */
  messages(): Promise<CapturedMail[]>
  /** The first message (already received or arriving later) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>
  attachment(id: string, index: number): Promise<CapturedAttachment | undefined>
  clear(): Promise<void>
  close(): Promise<void>
}

/**
 * The local mail capture: an SMTP server (no TLS, any or no login) that keeps every message,
 * and a small web mailbox + JSON API to read them. Nothing is relayed anywhere.
 */
export async function startMailbox(options: MailboxOptions): Promise<RunningMailbox> {
  const host = options.host ?? '127.0.0.1'
  const store = await MailStore.open(options.dir)
  const maxBytes = options.maxMessageBytes ?? 25 * 1024 * 1024

  const smtp = new SMTPServer({
    authOptional: !options.login,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    logger: false,
    banner: 'Servicebook local mail capture',
    onAuth: (auth, _session, callback) => {
      const { login } = options
      if (!login) return callback(null, { user: 'capture' }) // any login is fine
      if (auth.username === login.user && auth.password === login.pass) return callback(null, { user: login.user })
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('error', callback)
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }))
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
        }
        store.add(Buffer.concat(chunks), envelope).then(
          (mail) => callback(null, `Captured as ${mail.id}`),
          (err: Error) => callback(Object.assign(new Error(`Could not parse the message: ${err.message}`), { responseCode: 554 })),
        )
      })
    },
  })
  // Client-side protocol errors (a client hanging up) are not ours to crash on.
  smtp.on('error', () => {})

  const http = createServer((req, res) => {
    handle(store, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }))
      else res.destroy()
    })
  })

  const smtpPort = await listen((port, h, cb) => smtp.listen(port, h, cb), smtp.server, options.smtpPort, host)
  let httpPort: number
  try {
    httpPort = await listen((port, h, cb) => http.listen(port, h, cb), http, options.httpPort, host)
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    throw err
  }
  const shownHost = host.includes(':') ? `[${host}]` : host

  return {
    smtpUrl: `smtp://${shownHost}:${smtpPort}`,
    httpUrl: `http://${shownHost}:${httpPort}`,
    messages: async () => store.list(),
    waitFor: (predicate, timeoutMs = 10_000) => waitFor(store, predicate, timeoutMs),
    attachment: (id, index) => store.attachment(id, index),
    clear: () => store.clear(),
    close: async () => {
      http.closeAllConnections()
      await Promise.all([
        new Promise<void>((resolve) => http.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ])
    },
  }
}

function listen(
  start: (port: number, host: string, cb: () => void) => void,
  server: import('node:net').Server,
  port: number,
  host: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    start(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function waitFor(store: MailStore, predicate: (m: CapturedMail) => boolean, timeoutMs: number): Promise<CapturedMail> {
  const found = store.list().find(predicate)
  if (found) return Promise.resolve(found)
  return new Promise((resolve, reject) => {
    const onMail = (m: CapturedMail) => {
      if (!predicate(m)) return
      clearTimeout(timer)
      store.events.off('mail', onMail)
      resolve(m)
    }
    const timer = setTimeout(() => {
      store.events.off('mail', onMail)
      const seen = store.list().map((m) => `${m.to.join(',')}: ${m.subject}`)
      reject(new Error(`No matching mail within ${timeoutMs} ms; received ${seen.length}: ${seen.slice(0, 10).join(' | ') || '(none)'}`))
    }, timeoutMs)
    store.events.on('mail', onMail)
  })
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  })
  res.end(body)
}

const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value))
const page = (res: ServerResponse, status: number, html: string) =>
  send(res, status, 'text/html; charset=utf-8', html, { 'content-security-policy': PAGE_CSP, 'x-frame-options': 'DENY' })

const SAFE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'text/plain', 'text/csv'])

/** `attachment; filename="…"` with a plain-ASCII fallback and the UTF-8 name (RFC 6266). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

async function handle(store: MailStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mailbox')
  const path = url.pathname
  const method = req.method ?? 'GET'
  const [, a = '', b = '', c = '', d = ''] = path.split('/')
  const mail = (id: string) => (isMailId(id) ? store.get(id) : undefined)

  if (method === 'GET' && path === '/') return page(res, 200, listPage(store.list()))
  if (method === 'GET' && a === 'messages' && b && !c) {
    const m = mail(b)
    return m ? page(res, 200, messagePage(m, url.searchParams.get('part') === 'text' ? 'text' : 'html')) : page(res, 404, notFoundPage())
  }
  if (method === 'GET' && a === 'messages' && c === 'html' && !d) {
    const m = mail(b)
    if (!m?.html) return page(res, 404, notFoundPage())
    return send(res, 200, 'text/html; charset=utf-8', m.html, { 'content-security-policy': MESSAGE_CSP })
  }
  if (a !== 'api' || b !== 'messages') return json(res, 404, { error: 'not found', path })

  const [, , , id = '', e = '', f = '', ...rest] = path.split('/')
  if (!id && method === 'GET') return json(res, 200, { items: store.list() })
  if (!id && method === 'DELETE') return (await store.clear(), json(res, 200, { ok: true }))
  const m = mail(id)
  if (!m || rest.length) return json(res, 404, { error: 'no such message' })
  if (method !== 'GET') return json(res, 405, { error: 'method not allowed' })
  if (!e) return json(res, 200, m)
  if (e === 'raw' && !f) return send(res, 200, 'message/rfc822', (await store.raw(id))!, { 'content-disposition': contentDisposition(`${id}.eml`) })
  if (e === 'attachments' && /^\d{1,4}$/.test(f)) {
    const file = await store.attachment(id, Number(f))
    if (!file) return json(res, 404, { error: 'no such attachment' })
    // Always a download; the type is kept only for kinds a browser cannot run as a page.
    const type = SAFE_TYPES.has(file.contentType.toLowerCase()) ? file.contentType : 'application/octet-stream'
    return send(res, 200, type, file.content, { 'content-disposition': contentDisposition(file.filename) })
  }
  return json(res, 404, { error: 'not found', path })
}
