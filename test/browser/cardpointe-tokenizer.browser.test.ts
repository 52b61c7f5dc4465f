// The sandbox's Hosted iFrame Tokenizer in Chromium: a parent page on another origin embeds
// it, a person types a test card (or routing/account), and the parent receives the token as
// the vendor sends it: a JSON string in `event.data` with the token in `message`.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { startCardPointeSandbox, type RunningSandbox } from '../../sandbox/cardpointe/server.ts'
import { launchBrowser } from '../helpers/browser.ts'

let sandbox: RunningSandbox
let parent: Server
let parentUrl: string
let browser: Browser

/** The merchant's page: embeds the iframe and records every message from the tokenizer's origin. */
function parentPage(iframeSrc: string, tokenizerOrigin: string): string {
  return `<!doctype html><html><head><script>
    window.received = [];
    window.addEventListener('message', function (event) {
      if (event.origin !== ${JSON.stringify(tokenizerOrigin)}) return;
      window.received.push(JSON.parse(event.data));
    });
  </script></head><body>
    <form id="tokenform"><iframe id="tokenFrame" name="tokenFrame" src="${iframeSrc}" width="400" height="200"></iframe>
    <input type="hidden" id="mytoken"></form>
  </body></html>`
}

before(async () => {
  sandbox = await startCardPointeSandbox({ port: 0, host: '127.0.0.1', ledgerFile: null })
  parent = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://parent').searchParams.get('q') ?? ''
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(parentPage(`${sandbox.url}/itoke/ajax-tokenizer.html?${query}`, sandbox.url))
  })
  await new Promise<void>((resolve) => parent.listen(0, '127.0.0.1', resolve))
  parentUrl = `http://127.0.0.1:${(parent.address() as AddressInfo).port}/`
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await new Promise((resolve) => parent?.close(resolve))
  await sandbox?.close()
})

async function openParent(query: string): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(`${parentUrl}?q=${encodeURIComponent(query)}`)
  return page
}

/** The message sent once input settles: waits until one whose token matches `ending` arrives. */
async function settledMessage(page: Page, ending: RegExp): Promise<Record<string, string>> {
  const source = ending.source
  await page.waitForFunction(
    (pattern) => (window as unknown as { received: Array<{ message: string }> }).received.some((m) => new RegExp(pattern).test(m.message)),
    source,
    { timeout: 10_000 },
  )
  return page.evaluate(
    (pattern) => (window as unknown as { received: Array<Record<string, string>> }).received.find((m) => new RegExp(pattern).test(m.message))!,
    source,
  )
}

async function firstMessage(page: Page): Promise<Record<string, string>> {
  await page.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length > 0, undefined, { timeout: 10_000 })
  return page.evaluate(() => (window as unknown as { received: Array<Record<string, string>> }).received[0])
}

async function tokenOf(account: string): Promise<string> {
  const res = await fetch(`${sandbox.url}/cardsecure/api/v1/ccn/tokenize`, { method: 'POST', body: JSON.stringify({ account }) })
  return ((await res.json()) as { token: string }).token
}

test('a typed test card reaches the parent page as a token with its expiry', async () => {
  const page = await openParent('useexpiry=true&usecvv=true&enhancedresponse=true&formatinput=true&css=' + encodeURIComponent('.error{color:red;}input{width:200px;}'))
  try {
    const frame = page.frameLocator('#tokenFrame')
    await frame.locator('#ccnumfield').pressSequentially('4111111111111111')
    assert.equal(await frame.locator('#ccnumfield').inputValue(), '4111 1111 1111 1111', 'formatinput groups digits')
    await frame.locator('#ccexpirymonth').selectOption('12')
    await frame.locator('#ccexpiryyear').selectOption(String(new Date().getFullYear() + 3))
    await frame.locator('#cccvvfield').pressSequentially('123')
    await frame.locator('#cccvvfield').press('Tab')
    const message = await firstMessage(page)
    assert.match(message.message, /^941\d{9}1111$/)
    assert.equal(message.message, await tokenOf('4111111111111111'))
    assert.equal(message.expiry, `${new Date().getFullYear() + 3}12`)
    assert.equal(message.token, message.message)
    assert.equal(message.errorCode, '0')
    assert.equal(message.errorMessage, '')
  } finally {
    await page.close()
  }
})

test('routing/account entry tokenizes after inactivity, for ACH', async () => {
  const page = await openParent('tokenizewheninactive=true&inactivityto=200&fullmobilekeyboard=true')
  try {
    await page.frameLocator('#tokenFrame').locator('#ccnumfield').pressSequentially('036001808/123456789')
    // A pause longer than the inactivity timeout while typing (a loaded CI machine) tokenizes the
    // partial entry too, as the vendor's iframe does; what counts is the token once typing stops.
    const message = await settledMessage(page, /6789$/)
    assert.match(message.message, /^903\d{9}6789$/)
    assert.equal(message.message, await tokenOf('036001808/123456789'))
  } finally {
    await page.close()
  }
})

test('a number failing the Luhn check is flagged and no token is sent', async () => {
  const page = await openParent('invalidinputevent=true')
  try {
    const field = page.frameLocator('#tokenFrame').locator('#ccnumfield')
    await field.pressSequentially('4111111111111112')
    await field.press('Tab')
    const message = await firstMessage(page)
    assert.deepEqual(message, { message: '', validationError: 'Invalid card number' })
    assert.match((await field.getAttribute('class')) ?? '', /error/)
  } finally {
    await page.close()
  }
})
