import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCardPointeSandbox, type RunningSandbox, type SandboxOptions } from '../../../sandbox/cardpointe/server.ts'
import { CardPointeClient, type CardPointeClientConfig } from './cardpointe-client.ts'
import { CardPointeGateway } from './cardpointe-gateway.ts'

/** Test helper: a sandbox on 127.0.0.1:0 with a temp ledger, and a gateway pointed at it. */
export interface SandboxHarness {
  sandbox: RunningSandbox
  ledgerFile: string
  config: CardPointeClientConfig
  gateway: CardPointeGateway
  client: CardPointeClient
  tokenize(account: string, expiry?: string): Promise<string>
  ledger(): Promise<LedgerRow[]>
  faults(body: Record<string, unknown>): Promise<void>
  /** Runs `fn` with these faults on, and resets the faults afterwards whatever happens. */
  withFaults<T>(faults: Record<string, unknown>, fn: () => Promise<T>): Promise<T>
  settle(): Promise<void>
  /** Restarts the sandbox on the same ledger file (a new port). */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface LedgerRow {
  type: string
  retref: string
  orderid: string | null
  amount: string
  amountCents: number
  respstat: string
  respcode: string
  status: string
  cof?: string | null
  cofscheduled?: string | null
  ecomind?: string | null
}

export async function startHarness(
  options: { sandbox?: SandboxOptions; client?: Partial<CardPointeClientConfig> } = {},
): Promise<SandboxHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'cardpointe-sandbox-'))
  const ledgerFile = join(dir, 'ledger.json')
  const start = () => startCardPointeSandbox({ port: 0, host: '127.0.0.1', ledgerFile, timeoutDelayMs: 300, ...options.sandbox })
  const h = { ledgerFile } as SandboxHarness
  const connect = (sandbox: RunningSandbox) => {
    h.sandbox = sandbox
    h.config = {
      baseUrl: sandbox.url,
      merchantId: '496160873888',
      username: 'testing',
      password: 'testing123',
      readTimeoutMs: 5_000,
      ...options.client,
    }
    h.gateway = new CardPointeGateway(h.config)
    h.client = new CardPointeClient(h.config)
  }
  connect(await start())
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${h.sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }
  h.tokenize = async (account, expiry) => {
    const out = await post('/cardsecure/api/v1/ccn/tokenize', { account, ...(expiry ? { expiry } : {}) })
    if (out.errorcode !== '0') throw new Error(`tokenize failed: ${JSON.stringify(out)}`)
    return out.token as string
  }
  h.ledger = async () => {
    const res = await fetch(`${h.sandbox.url}/_sandbox/transactions`)
    return ((await res.json()) as { transactions: LedgerRow[] }).transactions
  }
  h.faults = async (body) => void (await post('/_sandbox/faults', body))
  h.withFaults = async (faults, fn) => {
    await h.faults(faults)
    try {
      return await fn()
    } finally {
      await h.faults({ reset: true })
    }
  }
  h.settle = async () => void (await post('/_sandbox/settle', {}))
  h.restart = async () => {
    await h.sandbox.close()
    connect(await start())
  }
  h.close = async () => {
    await h.sandbox.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return h
}
