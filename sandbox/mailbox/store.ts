import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'

/** One received message as the mailbox shows it and `/api/messages` returns it. */
export interface CapturedMail {
  id: string
  receivedAt: string
  /** The SMTP envelope (who the client said it was sending from / to). */
  envelope: { from: string; to: string[] }
  /** The From header as text, e.g. `"Servicebook" <no-reply@servicebook.local>`. */
  from: string
  /** The Reply-To header as text, or null when there is none. */
  replyTo?: string | null
  /** Addresses from the To header (lower-cased). */
  to: string[]
  subject: string
  messageId: string | null
  text: string | null
  /** The HTML part, with `cid:` images turned into data: URIs; null when there is none. */
  html: string | null
  attachments: { index: number; filename: string; contentType: string; size: number }[]
  /** Raw message size in bytes. */
  size: number
}

export interface CapturedAttachment {
  filename: string
  contentType: string
  content: Buffer
}

const ID = /^m[0-9a-z]{8,12}-[0-9a-f]{8}$/

/** True for ids this store makes (checked before any id reaches a file path). */
export const isMailId = (id: string) => ID.test(id)

const addresses = (v: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => (x.address ?? '').toLowerCase())).filter(Boolean)

const parse = (raw: Buffer) => simpleParser(raw, { skipTextToHtml: true })

/**
 * Received messages, newest first, kept in memory and, when `dir` is given, as `<id>.eml`
 * (raw) plus `<id>.json` (parsed metadata) in that folder, reloaded on start.
 */
export class MailStore {
  readonly #dir: string | null
  readonly #mails: CapturedMail[] = []
  readonly #raw = new Map<string, Buffer>()
  readonly events = new EventEmitter()

  private constructor(dir: string | null) {
    this.#dir = dir
  }

  static async open(dir: string | null): Promise<MailStore> {
    const store = new MailStore(dir)
    if (dir) {
      await mkdir(dir, { recursive: true })
      const names = (await readdir(dir)).filter((n) => n.endsWith('.json') && isMailId(n.slice(0, -5)))
      for (const name of names) store.#mails.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as CapturedMail)
      store.#mails.sort((a, b) => (a.id < b.id ? 1 : -1))
    }
    return store
  }

  /** Parses and stores one raw message; returns what was stored. */
  async add(raw: Buffer, envelope: { from: string; to: string[] }): Promise<CapturedMail> {
    const parsed: ParsedMail = await parse(raw)
    const now = new Date()
    const id = `m${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`
    const mail: CapturedMail = {
      id,
      receivedAt: now.toISOString(),
      envelope,
      from: parsed.from?.text ?? '',
      replyTo: parsed.replyTo?.text ?? null,
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      messageId: parsed.messageId ?? null,
      text: parsed.text ?? null,
      html: typeof parsed.html === 'string' ? parsed.html : null,
      attachments: parsed.attachments.map((a, index) => ({
        index,
        filename: a.filename ?? `attachment-${index + 1}`,
        contentType: a.contentType,
        size: a.size,
      })),
      size: raw.length,
    }
    if (this.#dir) {
      await writeFile(join(this.#dir, `${id}.eml`), raw)
      await writeFile(join(this.#dir, `${id}.json`), JSON.stringify(mail, null, 2))
    } else this.#raw.set(id, raw)
    this.#mails.unshift(mail)
    this.events.emit('mail', mail)
    return mail
  }

  /** Newest first. */
  list(): CapturedMail[] {
    return [...this.#mails]
  }

  get(id: string): CapturedMail | undefined {
    return this.#mails.find((m) => m.id === id)
  }

  async raw(id: string): Promise<Buffer | undefined> {
    if (!this.get(id)) return undefined
    return this.#dir ? readFile(join(this.#dir, `${id}.eml`)) : this.#raw.get(id)
  }

  /** One attachment's content, parsed again from the raw message. */
  async attachment(id: string, index: number): Promise<CapturedAttachment | undefined> {
    const raw = await this.raw(id)
    const a = raw ? (await parse(raw)).attachments[index] : undefined
    return a ? { filename: a.filename ?? `attachment-${index + 1}`, contentType: a.contentType, content: a.content } : undefined
  }

  async clear(): Promise<void> {
    const ids = this.#mails.splice(0).map((m) => m.id)
    this.#raw.clear()
    if (this.#dir) for (const id of ids) for (const ext of ['eml', 'json']) await rm(join(this.#dir, `${id}.${ext}`), { force: true })
  }
}
