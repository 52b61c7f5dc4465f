/**
 * Email as a person sees it, in Chromium: an office user follows the "Mailbox" link (shown only
 * while mail goes to the local capture) to a new tab, finds a queued-and-delivered quote email
 * whose hostile subject shows as text, and opens it: the HTML part renders in a sandboxed
 * iframe where its script does not run, and the PDF downloads. Without a capture there is no
 * link. Settings → Emails lists the outbox; a failed email shows why and can be retried.
 * Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser } from '../helpers/browser.ts'
import { startMailCapture, type MailCapture } from '../helpers/mail-capture.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts'
import { deliverDueEmails, enqueueEmail, MAX_ATTEMPTS } from '../../src/services/email/outbox.ts'

let capture: MailCapture
let app: TestApp
let browser: Browser
const problems: string[] = []

before(async () => {
  assert.ok(existsSync(new URL('../../web/dist/index.html', import.meta.url)), 'web/dist is missing: run `npm run build:web` first')
  capture = await startMailCapture()
  ;[app, browser] = await Promise.all([startTestApp({ listen: true, mailboxUrl: capture.httpUrl }), launchBrowser()])
})
after(async () => {
  await browser?.close()
  await app?.close()
  await capture?.close()
})

async function logIn(url: string, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  await page.goto(url)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('button', { name: /^Account: / }).waitFor()
  return page
}

test('the Mailbox link opens the capture in a new tab, where a delivered email reads safely', async () => {
  await enqueueEmail(app.deps.db, {
    kind: 'quote.sent',
    to: 'ann@example.com',
    subject: 'Quote Q-7 <img src=x onerror=alert(1)>',
    html: '<h1>Your quote Q-7</h1><p>Total $199.00</p><script>alert("script ran")</script>',
    text: 'Your quote Q-7. Total $199.00',
    attachments: [{ filename: 'Quote Q-7.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.3\n%%EOF\n') }],
  })
  assert.deepEqual(await deliverDueEmails({ db: app.deps.db, clock: app.deps.clock, mailer: capture.mailer, from: 'office@example.com' }), { sent: 1, failed: 0 })

  const page = await logIn(app.url, await app.addUser('office'))
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Mailbox/ })
  assert.equal(await link.getAttribute('href'), capture.httpUrl)
  assert.equal(await link.getAttribute('target'), '_blank')
  const [mailbox] = await Promise.all([page.context().waitForEvent('page'), link.click()])
  await mailbox.waitForLoadState()
  assert.equal(new URL(mailbox.url()).origin, capture.httpUrl)

  const row = mailbox.getByRole('link', { name: 'Quote Q-7 <img src=x onerror=alert(1)>' })
  await row.waitFor()
  assert.equal(await mailbox.locator('main img').count(), 0, 'the subject is text, not an element')
  await row.click()
  const frame = mailbox.frameLocator('iframe[title="HTML part"]')
  await frame.getByRole('heading', { name: 'Your quote Q-7' }).waitFor()
  assert.equal(await mailbox.locator('iframe').getAttribute('sandbox'), '')

  const [download] = await Promise.all([mailbox.waitForEvent('download'), mailbox.getByRole('link', { name: 'Quote Q-7.pdf' }).click()])
  assert.equal(download.suggestedFilename(), 'Quote Q-7.pdf')

  await mailbox.getByRole('link', { name: 'Plain text' }).click()
  await mailbox.getByText('Your quote Q-7. Total $199.00').waitFor()
  assert.deepEqual(problems, [], 'no script ran and no page error happened')
})

test('without a local capture the navigation has no Mailbox link', async () => {
  const plain = await startTestApp({ listen: true })
  try {
    const page = await logIn(plain.url, await plain.addUser('office'))
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).waitFor()
    const system = await page.evaluate(async () => (await fetch('/api/system')).json())
    assert.equal(system.mailboxUrl, null)
    assert.equal(await page.getByRole('link', { name: /Mailbox/ }).count(), 0)
  } finally {
    await plain.close()
  }
})

test('Settings → Emails shows why an email failed and retries it', async () => {
  const id = await enqueueEmail(app.deps.db, { kind: 'receipt', to: 'gone@example.com', subject: 'Receipt R-9', html: '<p>Paid</p>', text: 'Paid' })
  await app.deps.db
    .updateTable('emailOutbox')
    .set({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'EENVELOPE: 550 5.1.1 No such user' })
    .where('id', '=', id)
    .execute()
  const page = await logIn(`${app.url}/settings`, await app.addUser('office'))
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Emails' }).click()
  await page.getByRole('heading', { name: 'Emails' }).waitFor()
  await page.getByLabel('Show').selectOption('failed')
  const row = page.getByRole('row').filter({ hasText: 'gone@example.com' })
  await row.getByText('550 5.1.1 No such user').waitFor()
  await row.getByRole('button', { name: 'Retry the email to gone@example.com' }).click()
  await page.getByText('The email to gone@example.com will be sent again.').waitFor()
  await page.getByText('No emails').waitFor() // no failed ones left
  const stored = await app.deps.db.selectFrom('emailOutbox').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow()
  assert.deepEqual(stored, { status: 'pending', attempts: 0 })
  assert.deepEqual(problems, [])
})
