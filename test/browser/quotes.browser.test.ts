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
import { dateText } from '../../src/domain/quote-text.ts'
import { localDate } from '../../src/domain/time-zone.ts'
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

test('the New quote customer picker searches all customers; the quotes list shows amount and sent date and sorts by it', async () => {
  const { deps } = office.app
  // More customers than one page of the picker, the one wanted sorting last.
  for (let i = 0; i < 24; i++) await aCustomer(deps, `Alpha Filler ${String(i).padStart(2, '0')}`, null)
  await aCustomer(deps, 'Zacharias Zimmermann', 'zz@example.com')
  const page = await office.newPage()
  await office.logIn(page, office.officeEmail, '/quotes/new')
  const picker = page.getByRole('combobox', { name: 'Customer', exact: true })
  await picker.fill('zimmer')
  await page.getByRole('option', { name: /^Zacharias Zimmermann/ }).click()
  assert.equal(await picker.inputValue(), 'Zacharias Zimmermann')
  // Its one location is chosen for the office.
  await page.waitForFunction(() => (document.querySelector('select[name="locationId"]') as HTMLSelectElement | null)?.selectedIndex === 1)

  // One quote sent (the three-option one), one not: amount per bill and the company's date of sending.
  const headers = await loginHeaders(office.app.app, office.officeEmail)
  const send = await office.app.app.inject({ method: 'POST', url: `/api/${quotePaths[0].slice(1)}/send`, headers, payload: {} })
  assert.equal(send.statusCode, 200, send.body)
  await page.goto(`${office.app.url}/quotes?sort=sentAt&dir=desc`)
  const table = page.getByRole('table', { name: 'Quotes' })
  await table.getByRole('columnheader', { name: /Amount/ }).waitFor()
  const rows = table.getByRole('row')
  const sentRow = rows.nth(1)
  assert.match(await sentRow.innerText(), /from \$10,985\.21 per quarter/, 'the cheaper bill of its options')
  const today = dateText(localDate(new Date(), 'America/New_York')) // the company's zone in tests
  assert.ok((await sentRow.innerText()).includes(today), `${await sentRow.innerText()} names ${today}`)
  assert.match(await rows.nth(2).innerText(), /Not sent/)
  // The Sent header sorts; ascending keeps the never-sent last.
  await table.getByRole('button', { name: 'Sent' }).click()
  await page.waitForURL(/dir=asc/)
  assert.equal(await table.getByRole('columnheader', { name: 'Sent' }).getAttribute('aria-sort'), 'ascending')
  assert.match(await rows.nth(1).innerText(), new RegExp(today.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
})
