/**
 * The quote pages in Chromium against the real server (built web/dist, PGlite), by element geometry:
 * each option's table stays inside its card and the option cards share the page's width, at 1366 px and
 * at a 390 px phone. Needs `npm run build:web` first.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { loginHeaders } from '../helpers/test-app.ts'
import { aCustomer } from '../helpers/billing-fixtures.ts'
import { quoteBody } from '../helpers/quote-fixtures.ts'
import { startOfficeBrowser, type OfficeBrowser } from './office-browser.ts'

let office: OfficeBrowser
const quotePaths: string[] = []
before(async () => {
  office = await startOfficeBrowser()
  const { deps } = office.app
  const customer = await aCustomer(deps, 'Wilhelmina Quoteworth', 'wilhelmina@example.com')
  const headers = await loginHeaders(office.app.app, office.officeEmail)
  // Long item names and amounts in the thousands: what used to push the table past its card.
  const line = (description: string, amountCents: number, recurring = true) => ({ description, amountCents, recurring, taxable: true })
  const body = quoteBody({
    id: customer.id,
    locationId: customer.locationId,
    email: 'x@example.com',
  })
  body.options = [
    {
      ...body.options[0],
      extraLines: [line('Refrigerant recharge and leak-detection diagnostic (per visit)', 1234500), line('Setup fee', 4900, false)],
    },
    {
      ...body.options[1],
      extraLines: [line('Priority same-day emergency service coverage', 999900)],
    },
    {
      ...body.options[1],
      name: 'Platinum everything-included',
      extraLines: [line('Annual-duct-cleaning-and-sanitizing-of-all-supply-and-return-ducts', 2500000)],
    },
  ]
  // Three options, and two (which used to fill two of three columns).
  for (const options of [body.options, body.options.slice(0, 2)]) {
    const quote = await office.app.app.inject({
      method: 'POST',
      url: '/api/quotes',
      headers,
      payload: { ...body, options },
    })
    assert.equal(quote.statusCode, 201, quote.body)
    quotePaths.push(`/quotes/${quote.json().id}`)
  }
})
after(async () => {
  await office?.close()
})

/** Each option card's box, its table's box and the box the cards sit in. */
// A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
const geometry = (page: Page) =>
  page.evaluate<Geometry>(`(() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width) } }
    const cards = [...document.querySelectorAll('article[aria-label^="Option "]')]
    return {
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      container: box(cards[0].parentElement),
      cards: cards.map((c) => ({ card: box(c), table: box(c.querySelector('table')) })),
    }
  })()`)
interface Box {
  left: number
  right: number
  width: number
}
interface Geometry {
  page: number
  viewport: number
  container: Box
  cards: { card: Box; table: Box }[]
}

for (const width of [1366, 390]) {
  test(`at ${width} px each option's table stays inside its card and the cards use the width`, async () => {
    const page = await office.newPage()
    await page.setViewportSize({ width, height: 900 })
    await office.logIn(page, office.officeEmail, quotePaths[0])
    for (const [i, path] of quotePaths.entries()) {
      if (i > 0) await page.goto(office.app.url + path)
      await page
        .getByRole('article', { name: /^Option 2:/ })
        .getByText('$9,999.00')
        .waitFor()
      await checkCards(await geometry(page), width, 3 - i)
    }
  })
}

function checkCards(g: Geometry, width: number, count: number) {
  assert.equal(g.cards.length, count)
  assert.ok(g.page <= g.viewport, `the page does not scroll sideways: ${JSON.stringify(g)}`)
  for (const { card, table } of g.cards) assert.ok(table.left >= card.left && table.right <= card.right, `table inside its card: ${JSON.stringify({ card, table })}`)
  // The cards fill their row: the last one ends where the container ends, each gets its share.
  const rightmost = Math.max(...g.cards.map((c) => c.card.right))
  assert.ok(g.container.right - rightmost <= 2, `the cards reach the container's right edge: ${JSON.stringify(g)}`)
  for (const { card } of g.cards) assert.ok(card.width >= g.container.width / Math.min(count, 3) - 16, `a card uses its share of the width: ${JSON.stringify(g)}`)
  if (width === 390) for (const { card } of g.cards) assert.ok(card.width >= g.container.width - 2, `on a phone a card is as wide as the page: ${JSON.stringify(g)}`)
}
