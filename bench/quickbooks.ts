/**
 * QuickBooks push benchmark (issue 10): seeds N agreements, bills them against the CardPointe
 * sandbox, connects the QuickBooks sandbox (Intuit's limits enforced there: 500 requests a
 * minute, 10 in flight per company) and times the push worker draining the queue: N invoices
 * and N payments (and N new customers).
 *
 *   npm run bench:quickbooks                       # 5,000 invoices + 5,000 payments (about 30 minutes at Intuit's limits)
 *   npm run bench:quickbooks -- --invoices 200
 *
 * Ends with one line: entities_per_minute (invoices + payments pushed per minute),
 * ceiling_per_minute (what 500 requests a minute allow at one request per entity),
 * requests_per_minute, peak_rss_mb, duplicates and missing (QuickBooks against our records).
 */
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { startHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
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
const LIMIT = 500

const h = await startHarness({ sandbox: { ledgerFile: null } })
const kit = await startQuickBooksKit()
const database = await openDatabase({ kind: 'pglite' })
let peak = 0
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200)
try {
  await migrateToLatest(database.db)
  const deps: ServiceDeps = { db: database.db, clock: { now: () => new Date('2026-11-20T15:00:00Z') }, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url, publicUrl: 'http://sb.test' }
  await database.db.insertInto('customers').values({ id: 'cus_cards', name: 'Card holder', companyName: null, archivedAt: null }).execute()
  const methods = [{ id: await aCard(database.db, h.gateway, h.tokenize, 'cus_cards', '4788250000121443'), customerId: 'cus_cards' }]
  await seedAgreements(database.db, { count: N, paymentMethods: methods, startDate: (i) => `2026-11-${String(1 + (i % 19)).padStart(2, '0')}`, amountCents: (i) => 1000 + ((i * 7919) % 89000) })
  await (await startBillingRun(deps, { through: '2026-11-20', actor: null, settleWindowMs: 1000 })).done
  // API requests counted (the client takes fetch when it is built, at connect).
  let requests = 0
  const counting = globalThis.fetch
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (String(input).includes('/v3/company/')) requests++
    return counting(input, init)
  }) as typeof fetch
  const { realmId } = await kit.connect(deps)
  requests = 0
  const started = performance.now()
  await drainQuickBooksQueue(deps, { limit: 200, maxWaitMs: 120_000, onRound: (r) => process.env.BENCH_VERBOSE && console.error(JSON.stringify(r)) })
  const minutes = (performance.now() - started) / 60_000
  globalThis.fetch = counting
  const books = await kit.q.entities(realmId)
  const invoices = await database.db.selectFrom('invoices').select(['number']).execute()
  const payments = await database.db.selectFrom('payments').select(['id']).execute()
  const docs = new Map<string, number>()
  for (const i of books.Invoice ?? []) docs.set(String(i.DocNumber), (docs.get(String(i.DocNumber)) ?? 0) + 1)
  const refs = new Map<string, number>()
  for (const p of books.Payment ?? []) refs.set(String(p.PrivateNote).replace('Servicebook ', ''), (refs.get(String(p.PrivateNote).replace('Servicebook ', '')) ?? 0) + 1)
  const duplicates = [...docs.values(), ...refs.values()].filter((n) => n > 1).length
  const missing = invoices.filter((i) => !docs.has(String(i.number))).length + payments.filter((p) => !refs.has(p.id)).length
  const entities = invoices.length + payments.length
  process.stdout.write(
    `invoices=${invoices.length} payments=${payments.length} customers=${(books.Customer ?? []).length} minutes=${minutes.toFixed(2)} requests_per_minute=${Math.round(requests / minutes)} ` +
      `entities_per_minute=${Math.round(entities / minutes)} ceiling_per_minute=${LIMIT} peak_rss_mb=${Math.round(peak / 1048576)} duplicates=${duplicates} missing=${missing}\n`,
  )
} finally {
  clearInterval(sampler)
  await database.close()
  await kit.close()
  await h.close()
}
