import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RespStat } from './response-codes.ts'
import type { TokenInfo } from './tokens.ts'

/**
 * The sandbox's own books: transactions, profiles and token facts, kept in one JSON file and
 * rewritten (atomically) after every change, so a restart keeps them and a charge is on disk
 * before its response is sent. Never holds a PAN: accounts are known only by token.
 */

export type SetlStat = 'Authorized' | 'Queued for Capture' | 'Accepted' | 'Voided' | 'Declined' | 'Zero Amount'

export interface Txn {
  retref: string
  merchid: string
  orderid: string | null
  type: 'auth' | 'refund'
  requestedCents: number
  /** Authorized amount, reduced by partial voids; for refunds the refunded amount. */
  amountCents: number
  refundedCents: number
  respstat: RespStat
  respcode: string
  resptext: string
  respproc: string
  setlstat: SetlStat
  authcode: string | null
  token: string | null
  accttype: string | null
  expiry: string | null
  profileid: string | null
  acctid: string | null
  batchid: string | null
  declineCategory: string | null
  /** Stored-credential indicators as received, so tests can check what the client sent. */
  indicators: { cof: string | null; cofscheduled: string | null; ecomind: string | null }
  refundOf: string | null
  createdAt: string
  capturedAt: string | null
  settledAt: string | null
  /** ACH debits only: returned by the customer's bank (fault switch), on a later date. */
  achReturn?: AchReturn
}

export interface ProfileAccount {
  merchid: string
  profileid: string
  acctid: string
  token: string
  accttype: string
  expiry: string
  defaultacct: 'Y' | 'N'
  auoptout: 'Y' | 'N'
  cofpermission: 'Y' | 'N'
  fields: Record<'name' | 'address' | 'address2' | 'city' | 'region' | 'country' | 'postal' | 'phone' | 'email' | 'company', string>
}

/** One row per auth, capture, void and refund as it happened (what `/_sandbox/transactions` lists). */
export interface LedgerEvent {
  at: string
  type: 'auth' | 'capture' | 'void' | 'refund'
  retref: string
  orderid: string | null
  merchid: string
  amount: string
  amountCents: number
  /** Auths and refunds: the amount asked for (`amount` is what was approved). */
  requested?: string
  respstat: RespStat
  respcode: string
  resptext: string
  status: SetlStat
  /** Auths only: the stored-credential indicators received. */
  cof?: string | null
  cofscheduled?: string | null
  ecomind?: string | null
}

interface State {
  version: 1
  secret: string
  seq: number
  txns: Txn[]
  events: LedgerEvent[]
  profiles: ProfileAccount[]
  tokens: Record<string, TokenInfo>
  /** Absent in ledgers written before settlement batches existed. */
  settlement?: SettlementState
}

export class Ledger {
  readonly #file: string | null
  #state: State

  /** Loads `file` when it exists; with no file the ledger lives in memory only. */
  constructor(file: string | null) {
    this.#file = file
    this.#state = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as State) : fresh()
  }

  get secret(): string {
    return this.#state.secret
  }

  /** A number never handed out before by this ledger (persisted, so unique across restarts). */
  nextSeq(): number {
    this.#state.seq += 1
    return this.#state.seq
  }

  txns(): readonly Txn[] {
    return this.#state.txns
  }

  events(): readonly LedgerEvent[] {
    return this.#state.events
  }

  /** Closed batches and the day of the last close. */
  settlement(): SettlementState {
    this.#state.settlement ??= { batches: [], lastCloseDate: null }
    return this.#state.settlement
  }

  profiles(): ProfileAccount[] {
    return this.#state.profiles
  }

  tokenInfo(token: string): TokenInfo | null {
    return this.#state.tokens[token] ?? null
  }

  rememberToken(token: string, info: TokenInfo): void {
    if (this.#state.tokens[token]) return
    this.#state.tokens[token] = info
    this.save()
  }

  addTxn(txn: Txn): void {
    this.#state.txns.push(txn)
  }

  addEvent(event: LedgerEvent): void {
    this.#state.events.push(event)
  }

  setProfiles(profiles: ProfileAccount[]): void {
    this.#state.profiles = profiles
  }

  /** Writes the whole state to a temp file and renames it over the ledger (atomic on POSIX). */
  save(): void {
    if (!this.#file) return
    mkdirSync(dirname(this.#file), { recursive: true })
    const tmp = `${this.#file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(this.#state))
    renameSync(tmp, this.#file)
  }
}

function fresh(): State {
  return { version: 1, secret: randomBytes(16).toString('hex'), seq: 0, txns: [], events: [], profiles: [], tokens: {} }
}

/** The settlement state the ledger keeps (settlement.ts closes batches and reports them). */
export interface Batch {
  batchid: string
  hostbatch: string
  merchid: string
  /** Vendor-local date it closed (YYYY-MM-DD). */
  date: string
  closedAt: string
  retrefs: string[]
}

export interface AchReturn {
  code: string
  /** Vendor-local date the bank returned it (YYYY-MM-DD). */
  on: string
}

export interface SettlementState {
  batches: Batch[]
  lastCloseDate: string | null
}
