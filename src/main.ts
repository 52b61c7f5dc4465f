import { join, resolve } from 'node:path'
import { mkdirSync, readFileSync } from 'node:fs'
import { projectRoot } from './config/project-root.ts'
import { readEnv } from './config/env.ts'
import { cardPointeClientSettings, readCardPointeEnv } from './config/cardpointe.ts'
import { emailTransport, readEmailEnv } from './config/email.ts'
import { createSmtpMailer } from './integrations/email/smtp-mailer.ts'
import { startOutboxWorker, type OutboxWorker } from './services/email/outbox-worker.ts'
import { quickBooksSettings, readQuickBooksEnv } from './config/quickbooks.ts'
import { officeNotifyEmail } from './config/office-notify.ts'
import { createQuickBooksRuntime } from './services/quickbooks/quickbooks-runtime.ts'
import { startQuickBooksWorker, type QuickBooksWorker } from './services/quickbooks/quickbooks-worker.ts'
import { startAutomaticBilling } from './services/billing/automatic-billing.ts'
import { pauseBillingRuns } from './services/billing/run-billing.ts'
import { cardPointeOperation, instrumentFetch, quickBooksOperation } from './services/metrics/metrics.ts'
import { startVisitPlanner } from './services/scheduling/visit-planner.ts'
import { startRenewalJob } from './services/renewals/term-end.ts'
import { startTallyCompaction } from './services/dashboard/tallies.ts'
import { billingAttachmentRenderers } from './services/billing/billing-emails.ts'
import { CardPointeGateway } from './integrations/cardpointe/cardpointe-gateway.ts'
import { openDatabase } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { buildApp } from './http/app.ts'
import { systemClock } from './ports/clock.ts'
import { bootstrapAdmin } from './services/auth/bootstrap-admin.ts'
import { purgeExpiredSessions } from './services/auth/sessions.ts'
import { seedDemoData } from './services/demo/seed-demo-data.ts'
import type { ServiceDeps } from './services/deps.ts'
import { readBackupEnv } from './config/backup.ts'
import { publishBackupEndpoint, startScheduledBackups, type ServerBackupEndpoint } from './services/backup/server-backup.ts'
import { registerLocalBackupRoute } from './http/routes/local-backup.routes.ts'

/**
 * The composition root: reads configuration, opens the database, applies migrations, wires the
 * services and adapters, and serves the app until SIGTERM/SIGINT.
 */
async function main(argv: string[]) {
  const env = readEnv()
  const cardpointe = readCardPointeEnv()
  const emailEnv = readEmailEnv()
  const backupEnv = readBackupEnv()
  const mail = emailTransport(emailEnv)
  const demo = argv.includes('--demo')
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version

  const database = env.DATABASE_URL
    ? await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE })
    : await openDatabase({ kind: 'pglite', dataDir: resolve(env.DATA_DIR), sharedBuffersMb: env.PGLITE_SHARED_BUFFERS_MB })
  const applied = await migrateToLatest(database.db)
  const publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`).replace(/\/$/, '')
  let outbox: OutboxWorker | undefined // started below, once the logger exists
  let quickbooksWorker: QuickBooksWorker | undefined
  const deps: ServiceDeps = {
    db: database.db,
    clock: systemClock,
    gateway: new CardPointeGateway({ ...cardPointeClientSettings(cardpointe), fetch: instrumentFetch('cardpointe', cardPointeOperation) }),
    gatewayBrowserUrl: cardpointe.CARDPOINTE_URL,
    publicUrl,
    kickOutbox: () => outbox?.kick(),
    // QuickBooks Online: Intuit when configured, else the local sandbox (npm start runs it).
    quickbooks: createQuickBooksRuntime(quickBooksSettings(readQuickBooksEnv()), { publicUrl, dataDir: resolve(env.DATA_DIR), officeEmail: officeNotifyEmail(), fetch: instrumentFetch('quickbooks', quickBooksOperation) }),
    kickQuickBooks: () => quickbooksWorker?.kick(),
  }

  const app = await buildApp(deps, database, {
    logLevel: env.LOG_LEVEL,
    trustedProxies: env.TRUSTED_PROXIES,
    version,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    cookieSecure: env.COOKIE_SECURE,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    mailboxUrl: mail.mailboxUrl,
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
  })
  const log = app.log
  // The embedded database is read by the server only: the command line's `backup` asks it (PGlite).
  let backupEndpoint: ServerBackupEndpoint | undefined
  if (database.backend === 'pglite') registerLocalBackupRoute(app, () => backupEndpoint)
  log.info({ database: database.backend, migrationsApplied: applied }, 'database ready')

  const admin = await bootstrapAdmin(deps, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD })
  if (admin.created && admin.generatedPassword) {
    // Printed once, to the terminal only, never to the structured log.
    process.stdout.write(
      `\n  First start: an admin account was created.\n    email:    ${admin.email}\n    password: ${admin.generatedPassword}\n  Change it under Settings → Users. It will not be shown again.\n\n`,
    )
  } else if (admin.created) log.info({ email: admin.email }, 'admin account created from ADMIN_EMAIL')

  if (demo) {
    const seeded = await seedDemoData(deps)
    log.info(seeded ? { ...seeded } : {}, seeded ? 'demo data added' : 'demo data skipped: the database already has customers')
  }
  await purgeExpiredSessions(deps)

  const mailer = createSmtpMailer({ url: mail.smtpUrl })
  outbox = startOutboxWorker({ db: deps.db, clock: deps.clock, mailer, from: emailEnv.MAIL_FROM, log, renderers: billingAttachmentRenderers }, { intervalMs: emailEnv.EMAIL_POLL_INTERVAL_MS })
  // The daily automatic run, and resuming a run whose server stopped or died (looked at once now: a run this server left on SIGTERM goes on at once).
  const automaticBilling = startAutomaticBilling(deps, { log })
  void automaticBilling.tick()
  // Drains quickbooks_queue (billing fills it); waits while QuickBooks is not connected.
  quickbooksWorker = startQuickBooksWorker(deps, { intervalMs: 5_000, log })
  // Agreement visits 12 months ahead, planned once a company-local day (and the board's changes feed pruned).
  const visitPlanner = startVisitPlanner(deps, { log })
  // Renewal reminders, automatic renewals and ended terms, every 15 minutes (Bill all also runs the term ends first).
  const renewals = startRenewalJob(deps, { log })
  // The dashboard's agreement tallies folded back to one row per group every 5 minutes (migration 0026).
  const tallies = startTallyCompaction(deps, { log })
  // The embedded database's daily backup with retention (BACKUP_DAILY_AT; README → Backups).
  const backups =
    database.backend === 'pglite' && backupEnv.BACKUP_DAILY_AT
      ? startScheduledBackups(deps, { dir: mkdirs(resolve(backupEnv.BACKUP_DIR ?? join(env.DATA_DIR, 'backups'))), at: backupEnv.BACKUP_DAILY_AT, keep: backupEnv.BACKUP_KEEP, log })
      : undefined
  // NOTE: the host only: SMTP_URL may carry a password.
  log.info({ smtpHost: new URL(mail.smtpUrl).host, mailbox: mail.mailboxUrl }, mail.mailboxUrl ? 'email goes to the local capture' : 'email goes to SMTP_URL')

  // Graceful shutdown (SIGTERM/SIGINT): no new requests; a billing run stops claiming, its charges
  // in flight are recorded and its lease released for another server (or this one's restart) to
  // resume; the e-mail outbox sends what is due (the last receipts), the QuickBooks push finishes
  // its round; then the database closes cleanly (PGlite writes its shutdown checkpoint).
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'shutting down')
    const deadline = Date.now() + env.SHUTDOWN_TIMEOUT_SECONDS * 1000
    const force = setTimeout(() => {
      log.error({ timeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS }, 'shutdown took too long; exiting (charges still in flight are settled by inquiry on the next run)')
      process.exit(1)
    }, env.SHUTDOWN_TIMEOUT_SECONDS * 1000).unref()
    try {
      automaticBilling.stop()
      visitPlanner.stop()
      renewals.stop()
      tallies.stop()
      backups?.stop()
      backupEndpoint?.unpublish()
      await Promise.all([app.close(), pauseBillingRuns()])
      await pauseBillingRuns() // one started by a request that was still being answered
      await outbox?.stop({ drainUntil: deadline - 2_000 })
      await quickbooksWorker?.stop()
      await mailer.close()
      await database.close()
      clearTimeout(force)
      log.info({ signal }, 'stopped')
      process.exit(0)
    } catch (err) {
      log.error({ err }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: env.PORT, host: env.HOST })
  const shown = env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${(app.server.address() as { port: number }).port}`
  process.stdout.write(`Servicebook is running at ${shown}\n`)
  if (database.backend === 'pglite') {
    const local = ['0.0.0.0', '::'].includes(env.HOST) ? 'localhost' : env.HOST
    backupEndpoint = publishBackupEndpoint(deps.db, resolve(env.DATA_DIR), `http://${local}:${(app.server.address() as { port: number }).port}`)
  }
}

function mkdirs(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return dir
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`Servicebook could not start: ${err.message}\n`)
  process.exit(1)
})
