import { resolve } from 'node:path'
import { readEnv } from './config/env.ts'
import { cardPointeClientSettings, readCardPointeEnv } from './config/cardpointe.ts'
import { CardPointeGateway } from './integrations/cardpointe/cardpointe-gateway.ts'
import { openDatabase } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { systemClock } from './ports/clock.ts'
import type { ServiceDeps } from './services/deps.ts'
import { paymentMethodText } from './domain/payment-method.ts'
import { previewBilling } from './services/billing/preview-billing.ts'
import { startBillingRun } from './services/billing/run-billing.ts'
import { AppError } from './domain/errors.ts'
import { quickBooksSettings, readQuickBooksEnv } from './config/quickbooks.ts'
import { connectedLedger, createQuickBooksRuntime } from './services/quickbooks/quickbooks-runtime.ts'
import { drainQuickBooksQueue } from './services/quickbooks/quickbooks-worker.ts'
import { formatUsd } from './domain/money.ts'
import { reconcileDays, type ReconciliationReport } from './services/reconciliation/reconcile.ts'
import { databaseCommand, DATABASE_USAGE } from './cli-database.ts'

/**
 * Command line: `npm run servicebook -- bill [--through YYYY-MM-DD] [--preview] [--concurrency N]`
 * and `npm run servicebook -- reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD]`.
 * The same composition as main.ts without the HTTP server. With PGlite it takes the data
 * folder's lock, so it cannot run while the server runs on the same DATA_DIR (use the office
 * app's Billing page then, or PostgreSQL via DATABASE_URL).
 */
const USAGE = [
  'usage: npm run servicebook -- bill [--through YYYY-MM-DD] [--preview] [--concurrency N]',
  'npm run servicebook -- reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD]',
  ...DATABASE_USAGE,
].join('\n       ')

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}

async function main(argv: string[]): Promise<number> {
  const handled = await databaseCommand(argv) // migrate-to-postgres, backup, restore (cli-database.ts)
  if (handled !== undefined) return handled
  if (argv[0] !== 'bill' && argv[0] !== 'reconcile') {
    process.stderr.write(`${USAGE}\n`)
    return 2
  }
  const env = readEnv()
  const cardpointe = readCardPointeEnv()
  let database
  try {
    database = env.DATABASE_URL
      ? await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE })
      : await openDatabase({ kind: 'pglite', dataDir: resolve(env.DATA_DIR), sharedBuffersMb: env.PGLITE_SHARED_BUFFERS_MB })
  } catch (err) {
    const msg = (err as Error).message
    process.stderr.write(
      /in use by another Servicebook process/.test(msg)
        ? `${msg}\nThe ${argv[0]} command cannot run while the server uses the same DATA_DIR: start the run from the office app (Billing), or stop the server first.\n`
        : `Could not open the database: ${msg}\n`,
    )
    return 1
  }
  try {
    await migrateToLatest(database.db)
    const gateway = new CardPointeGateway(cardPointeClientSettings(cardpointe))
    const deps: ServiceDeps = {
      db: database.db,
      clock: systemClock,
      gateway,
      gatewayBrowserUrl: cardpointe.CARDPOINTE_URL,
      publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    }
    deps.quickbooks = createQuickBooksRuntime(quickBooksSettings(readQuickBooksEnv()), { publicUrl: deps.publicUrl, dataDir: resolve(env.DATA_DIR) })
    if (argv[0] === 'reconcile') {
      const from = option(argv, '--from')
      const to = option(argv, '--to')
      const report = await reconcileDays(deps, { reports: gateway, ledger: await connectedLedger(deps) }, { ...(from ? { from } : {}), ...(to ? { to } : {}) })
      printReconciliation(report)
      return report.mismatches.length > 0 ? 3 : report.warnings.length > 0 ? 1 : 0
    }
    const through = option(argv, '--through')
    if (argv.includes('--preview')) {
      const p = await previewBilling(deps, { ...(through ? { through } : {}), limit: 50 })
      for (const r of p.rows)
        process.stdout.write(
          `${r.periodStart}..${r.periodLastDay}  ${r.customerName}  ${r.agreementName}  ${(r.totalCents / 100).toFixed(2)}  ${paymentMethodText(r.paymentMethod)}${r.warning === 'card_expired' ? ' (expired)' : ''}\n`,
        )
      if (p.truncated) process.stdout.write('…\n')
      process.stdout.write(
        `preview through=${p.through} agreements=${p.agreements} invoices=${p.invoices} total_cents=${p.totalCents} already_invoiced=${p.alreadyInvoiced.invoices} already_invoiced_cents=${p.alreadyInvoiced.totalCents} no_payment_method=${p.warnings.no_payment_method} card_expired=${p.warnings.card_expired}\n`,
      )
      return 0
    }
    const concurrency = option(argv, '--concurrency')
    const settle = Number(process.env.BILLING_SETTLE_WINDOW_MS ?? cardpointe.CARDPOINTE_READ_TIMEOUT_MS + 5_000)
    const started = await startBillingRun(deps, {
      ...(through ? { through } : {}),
      actor: null,
      settleWindowMs: settle,
      ...(concurrency ? { concurrency: Number(concurrency) } : {}),
      onProgress: (phase, c) =>
        process.stderr.write(`[${phase}] invoices=${c.invoicesCreated} charged=${c.charged} approved=${c.approved} declined=${c.declined} errors=${c.errors}\n`),
    })
    process.stdout.write(`run ${started.runId} through ${started.through}\n`)
    const s = await started.done
    process.stdout.write(
      `summary run=${s.runId} status=${s.status} agreements=${s.agreementsDue} invoices=${s.invoicesCreated} charged=${s.charged} approved=${s.approved} declined=${s.declined} errors=${s.errors} unresolved=${s.unresolved} recovered=${s.recovered} billed_cents=${s.billedCents} collected_cents=${s.collectedCents}${s.error ? ` error=${JSON.stringify(s.error)}` : ''}\n`,
    )
    // What the run queued for QuickBooks goes now (retries that wait longer are left for the server).
    const q = await drainQuickBooksQueue(deps, { maxWaitMs: Number(process.env.QUICKBOOKS_DRAIN_WAIT_MS ?? 30_000) })
    process.stdout.write(`quickbooks ${q.idle ?? 'connected'} sent=${q.sent} failed=${q.failed} waiting=${q.waiting} retrying=${q.retried}\n`)
    return s.status === 'completed' ? 0 : 1
  } catch (err) {
    const fields = err instanceof AppError ? (err.details as { fields?: Record<string, string> } | undefined)?.fields : undefined
    const detail = fields ? `: ${Object.entries(fields).map(([k, v]) => `--${k} ${v}`).join('; ')}` : ''
    process.stderr.write(`${err instanceof AppError ? `${err.message}${detail}` : `${argv[0]} failed: ${(err as Error).message}`}\n`)
    return 1
  } finally {
    await database.close()
  }
}

function printReconciliation(r: ReconciliationReport): void {
  const side = (x: { count: number; cents: number } | null) => (x ? `${x.count} ${formatUsd(x.cents)}` : '-')
  process.stdout.write(`day         gateway            servicebook        quickbooks         mismatches\n`)
  for (const d of r.days) process.stdout.write(`${d.day}  ${side(d.gateway).padEnd(17)}  ${side(d.books).padEnd(17)}  ${side(d.ledger).padEnd(17)}  ${d.mismatches}\n`)
  for (const m of r.mismatches) process.stdout.write(`${m.day}  ${m.kind}  ${m.message}  (${m.link.label}: ${m.link.href})\n`)
  for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`)
  process.stdout.write(`reconcile from=${r.from} to=${r.to} mismatches=${r.mismatches.length} returns_applied=${r.returnsApplied} quickbooks=${r.ledgerConnected ? 'connected' : 'not_connected'}\n`)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`servicebook: ${err.message}\n`)
    process.exit(1)
  },
)
