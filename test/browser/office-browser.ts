import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { launchBrowser } from '../helpers/browser.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'

/** The built office web app served by a test server, a Chromium, an admin and an office user. */
export interface OfficeBrowser {
  app: TestApp
  browser: Browser
  adminEmail: string
  officeEmail: string
  /** A fresh browser context (no cookies) whose CSP violations and uncaught errors are recorded; `options` e.g. its `timezoneId`. */
  newPage(options?: BrowserContextOptions): Promise<Page>
  /** Opens `path`, which shows the login page, and logs in. */
  logIn(page: Page, email: string, path?: string): Promise<void>
  count(table: 'customers' | 'plans' | 'users'): Promise<number>
  /** Closes everything, then fails if any page raised an error or violated the CSP. */
  close(): Promise<void>
}

/** `appOptions` go to the test app (e.g. a CardPointe sandbox's gateway); it always listens. */
export async function startOfficeBrowser(appOptions: Parameters<typeof startTestApp>[0] = {}): Promise<OfficeBrowser> {
  assert.ok(existsSync(new URL('../../web/dist/index.html', import.meta.url)), 'web/dist is missing: run `npm run build:web` first')
  const [app, browser] = await Promise.all([startTestApp({ ...appOptions, listen: true }), launchBrowser()])
  const problems: string[] = []
  const adminEmail = await app.addUser('admin', 'admin@example.com')
  const officeEmail = await app.addUser('office', 'office@example.com')

  const newPage = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options })
    // Generous for a loaded CI machine; a working page answers in well under a second.
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text())
    })
    return page
  }

  const logIn = async (page: Page, email: string, path = '/') => {
    await page.goto(app.url + path)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('button', { name: /^Account: / }).waitFor()
  }

  const count = async (table: 'customers' | 'plans' | 'users') =>
    Number((await app.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  const close = async () => {
    await browser.close()
    await app.close()
    assert.deepEqual(problems, [], 'the pages raised errors or CSP violations')
  }

  return { app, browser, adminEmail, officeEmail, newPage, logIn, count, close }
}
