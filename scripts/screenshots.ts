/**
 * `npm run screenshots`: the main pages at 1366 px (desktop) and 390 px (phone) as PNGs in docs/screenshots/.
 * Starts the app on a fresh PGlite database with the demo data (`seedDemoData`, the same as `npm start -- --demo`)
 * against the local CardPointe sandbox, runs Bill all once so Billing has runs, invoices and a decline, and
 * drives Debian's Chromium (CHROMIUM_PATH, as the browser tests). Needs `npm run build:web` first.
 * A page is shot whole when it is short, else its first screen.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { startHarness } from '../src/integrations/cardpointe/test-sandbox.ts'
import { seedDemoData } from '../src/services/demo/seed-demo-data.ts'
import { startBillingRun } from '../src/services/billing/run-billing.ts'
import { companyToday } from '../src/services/settings/company-settings.ts'
import { launchBrowser } from '../test/helpers/browser.ts'
import { startTestApp, TEST_PASSWORD } from '../test/helpers/test-app.ts'

const OUT = new URL('../docs/screenshots/', import.meta.url)
const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const
/** Longer than this (CSS px) and only the first screen is kept: the files stay small. */
const FULL_PAGE_MAX = 2200

if (!existsSync(new URL('../web/dist/index.html', import.meta.url))) throw new Error('web/dist is missing: run `npm run build:web` first')
mkdirSync(OUT, { recursive: true })

const h = await startHarness()
const t = await startTestApp({ listen: true, gateway: h.gateway, gatewayBrowserUrl: h.sandbox.url })
const browser = await launchBrowser()
try {
  const seeded = await seedDemoData(t.deps)
  console.log('demo data:', seeded)
  await (await startBillingRun(t.deps, { through: await companyToday(t.deps), actor: null, settleWindowMs: 1000 })).done
  const email = await t.addUser('admin', 'admin@example.com')
  const first = async (table: 'customers' | 'quotes' | 'agreements') => (await t.deps.db.selectFrom(table).select('id').orderBy('createdAt').executeTakeFirstOrThrow()).id
  const sent = await t.deps.db.selectFrom('quotes').select('id').where('status', '=', 'sent').executeTakeFirst()
  const pages: [name: string, path: string][] = [
    ['dashboard', '/'],
    ['customers', '/customers'],
    ['customer', `/customers/${await first('customers')}`],
    ['quotes', '/quotes'],
    ['quote', `/quotes/${sent?.id ?? (await first('quotes'))}`],
    ['quote-new', '/quotes/new'],
    ['agreements', '/agreements'],
    ['agreement', `/agreements/${await first('agreements')}`],
    ['billing', '/billing'],
    ['billing-failed', '/billing/failed'],
    ['billing-invoices', '/billing/invoices'],
    ['schedule', '/schedule'],
    ['settings', '/settings'],
  ]
  for (const size of WIDTHS) {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, reducedMotion: 'reduce' })
    context.setDefaultTimeout(30_000)
    const page = await context.newPage()
    await page.goto(`${t.url}/`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await page.screenshot({ path: new URL(`login-${size.name}.png`, OUT).pathname })
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('button', { name: /^Account: / }).waitFor()
    for (const [name, path] of pages) {
      await page.goto(t.url + path)
      await page.getByRole('heading', { level: 1 }).first().waitFor()
      // Lists and charts settle once their data is in.
      await page.waitForLoadState('networkidle')
      await page.waitForTimeout(300)
      const height = await page.evaluate(() => document.documentElement.scrollHeight)
      const file = new URL(`${name}-${size.name}.png`, OUT).pathname
      await page.screenshot({ path: file, fullPage: height <= FULL_PAGE_MAX })
      console.log(file, height <= FULL_PAGE_MAX ? `full page, ${height} px` : 'first screen')
    }
    await context.close()
  }
} finally {
  await browser.close()
  await t.close()
  await h.close()
}
