/**
 * QuickBooks push benchmark (issue 10): seeds N agreements, bills them against the CardPointe
 * sandbox and times the push worker draining the queue (N invoices and N payments) into the
 * QuickBooks sandbox with Intuit's limits enforced there and in the client: 500 requests a
 * minute and 10 in flight per company.
 *
 *   npm run bench:quickbooks                                # 5,000 invoices + 5,000 payments, customers known
 *   npm run bench:quickbooks -- --invoices 1000 --customers new
 *
 * `--customers known` (the default) is a monthly run: the customers reached QuickBooks with an
 * earlier month (they are pushed and linked first, with the limits lifted, untimed). `--customers
 * new` is a company's first run: each customer is looked up (one `IN` query per 50) and created
 * in the timed push.
 *
 * What the limits allow: every invoice and payment is one create, and a new customer one more,
 * so the ceiling for invoices + payments is 500 × (invoices + payments) / (invoices + payments +
 * customers created) a minute: 500 with known customers, 333 with new ones.
 *
 * Ends with one line: entities_per_minute (invoices + payments pushed per minute),
 * ceiling_per_minute (above), requests_per_minute, peak_rss_mb, duplicates and missing
 * (QuickBooks against our records).
 */
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../src/db/database.ts'
import { newId } from '../src/domain/ids.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { startHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
import { QuickBooksThrottle } from '../src/integrations/quickbooks/quickbooks-throttle.ts'
import type { ServiceDeps } from '../src/services/deps.ts'
import { startBillingRun } from '../src/services/billing/run-billing.ts'
import { drainQuickBooksQueue } from '../src/services/quickbooks/quickbooks-worker.ts'
import { aCard, seedAgreements } from '../test/helpers/billing-fixtures.ts'
import { startQuickBooksKit } from '../test/helpers/quickbooks.ts'

const args = process.argv.slice(2)
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const N = Number(opt('invoices') ?? 5000)
const KNOWN = (opt('customers') ?? 'known') === 'known'
const LIMIT = 500
const UNLIMITED = 1_000_000
const say = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`)

const h = await startHarness({ sandbox: { ledgerFile: null } })
// Customers known from an earlier month are pushed first with the limits lifted; the sandbox then restarts with Intuit's.
const kit = await startQuickBooksKit(KNOWN ? { throttle: new QuickBooksThrottle({ perMinute: UNLIMITED }), sandbox: { sandbox: { rateLimitPerMinute: UNLIMITED } } } : {})
const database = await openDatabase({ kind: 'pglite' })
let peak = 0
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200)
try {
  await migrateToLatest(database.db)
  const deps: ServiceDeps = { db: database.db, clock: { now: () => new Date('2026-11-20T15:00:00Z') }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
  await database.db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const methods = [{ id: await aCard(database.db, h.gateway, h.tokenize, 'cus_cards', '4788250000121443'), customerId: 'cus_cards' }]
  await seedAgreements(database.db, { count: N, paymentMethods: methods, startDate: (i) => `2026-11-${String(1 + (i % 19)).padStart(2, '0')}`, amountCents: (i) => 1000 + ((i * 7919) % 89000) })
  const { realmId } = await kit.connect(deps)
  if (KNOWN) {
    const ids = await database.db.selectFrom('customers').select('id').where('id', '<>', 'cus_cards').execute()
    for (let i = 0; i < ids.length; i += 1000) await database.db.insertInto('quickbooksQueue').values(ids.slice(i, i + 1000).map((c) => ({ id: newId('qbo'), entityType: 'customer', entityId: c.id }))).execute()
    await drainQuickBooksQueue(deps, { limit: 500 })
    say(`${ids.length} customers pushed and linked (untimed); restarting the sandbox with Intuit's limits`)
    await kit.q.restart({ samePort: true, sandbox: { rateLimitPerMinute: LIMIT } })
    deps.quickbooks = { ...kit.runtime, throttle: new QuickBooksThrottle({ perMinute: LIMIT }) }
  }
  await (await startBillingRun(deps, { through: '2026-11-20', actor: null, settleWindowMs: 1000 })).done
  say(`billed ${N}; pushing`)
  // API requests counted (the client takes fetch when it is built, at the first push).
  let requests = 0
  let throttled = 0
  const counting = globalThis.fetch
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (!String(input).includes('/v3/company/')) return counting(input, init)
    requests++
    const response = await counting(input, init)
    if (response.status === 429) throttled++
    return response
  }) as typeof fetch
  if (!KNOWN) deps.quickbooks = { ...kit.runtime } // a fresh client, built with the counting fetch
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  await drainQuickBooksQueue(deps, { limit: 200, maxWaitMs: 120_000, onRound: (r) => process.env.BENCH_VERBOSE && say(JSON.stringify(r)) })
  const minutes = (performance.now() - started) / 60_000
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMsPerEntity = (cpu.user + cpu.system) / 1000 / (2 * N)
  globalThis.fetch = counting
  const books = await kit.q.entities(realmId)
  const invoices = await database.db.selectFrom('invoices').select(['number']).execute()
  const payments = await database.db.selectFrom('payments').select(['id']).execute()
  const customers = await database.db.selectFrom('customers').select(['name']).where('id', '<>', 'cus_cards').execute()
  const count = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())
  const docs = count((books.Invoice ?? []).map((i) => String(i.DocNumber)))
  const refs = count((books.Payment ?? []).map((p) => String(p.PrivateNote).replace('Servicebook ', '')))
  const names = count((books.Customer ?? []).map((c) => String(c.DisplayName)))
  const duplicates = [...docs.values(), ...refs.values(), ...names.values()].filter((n) => n > 1).length
  const missing = invoices.filter((i) => !docs.has(String(i.number))).length + payments.filter((p) => !refs.has(p.id)).length + customers.filter((c) => !names.has(c.name)).length
  const entities = invoices.length + payments.length
  const ceiling = Math.round((LIMIT * entities) / (entities + (KNOWN ? 0 : customers.length)))
  process.stdout.write(
    `customers=${KNOWN ? 'known' : 'new'} invoices=${invoices.length} payments=${payments.length} quickbooks_customers=${(books.Customer ?? []).length} minutes=${minutes.toFixed(2)} requests_per_minute=${Math.round(requests / minutes)} throttled_429=${throttled} cpu_ms_per_entity=${cpuMsPerEntity.toFixed(1)}\n` +
      `entities_per_minute=${Math.round(entities / minutes)} ceiling_per_minute=${ceiling} peak_rss_mb=${Math.round(peak / 1048576)} duplicates=${duplicates} missing=${missing}\n`,
  )
} finally {
  clearInterval(sampler)
  await database.close()
  await kit.close()
  await h.close()
}
