/**
 * How Servicebook writes dates, times and quote numbers for people: one format each, in the
 * company's locale and time zone (company settings). Pure; the server's e-mails and PDFs and the
 * web app's pages all use it, so a date reads the same everywhere:
 * - a calendar date (an ISO `YYYY-MM-DD`, e.g. a period's first day): `Dec 1, 2026`, never shifted by a zone
 *   (`Tue, Dec 1` as a day's heading in a week);
 * - an instant (a signature, a payment, an audit event): its date and time in the company's zone,
 *   `Dec 1, 2026, 7:30 PM EST`, or its company-local date alone;
 * - a quote: `Q-1001`.
 */

export interface CompanyFormat {
  /** BCP 47, e.g. `en-US`. */
  locale: string
  /** IANA, e.g. `America/New_York`. */
  timeZone: string
}

export const DEFAULT_FORMAT: CompanyFormat = { locale: 'en-US', timeZone: 'America/New_York' }

// Intl formatters are costly to build (a receipt run formats thousands of dates): one per locale and zone.
const formatters = new Map<string, Intl.DateTimeFormat>()
const formatter = (key: string, make: () => Intl.DateTimeFormat) => formatters.get(key) ?? formatters.set(key, make()).get(key)!

/**
 * A calendar date as people read it, without time-zone drift.
 *
 * @example formatDate('2026-12-01') // 'Dec 1, 2026'
 */
export function formatDate(isoDate: string, locale = DEFAULT_FORMAT.locale): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number)
  const f = formatter(`d|${locale}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }))
  return f.format(Date.UTC(y!, m! - 1, d!))
}

/**
 * A calendar date with its weekday and without the year, for a day's heading in a week (the schedule).
 *
 * @example formatWeekdayDate('2026-12-01') // 'Tue, Dec 1'
 */
export function formatWeekdayDate(isoDate: string, locale = DEFAULT_FORMAT.locale): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number)
  const f = formatter(`w|${locale}`, () => new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }))
  return f.format(Date.UTC(y!, m! - 1, d!))
}

/**
 * The company-local date of an instant, as people read it.
 *
 * @example formatInstantDate(new Date('2026-12-02T00:30:00Z'), { locale: 'en-US', timeZone: 'America/New_York' }) // 'Dec 1, 2026'
 */
export function formatInstantDate(instant: Date | string, f: CompanyFormat = DEFAULT_FORMAT): string {
  const fmt = formatter(`i|${f.locale}|${f.timeZone}`, () => new Intl.DateTimeFormat(f.locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: f.timeZone }))
  return fmt.format(new Date(instant))
}

/**
 * An instant's date and time in the company's zone, with the zone's name.
 *
 * @example formatDateTime(new Date('2026-12-02T00:30:00Z'), { locale: 'en-US', timeZone: 'America/New_York' }) // 'Dec 1, 2026, 7:30 PM EST'
 */
export function formatDateTime(instant: Date | string, f: CompanyFormat = DEFAULT_FORMAT): string {
  const fmt = formatter(`t|${f.locale}|${f.timeZone}`, () =>
    new Intl.DateTimeFormat(f.locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: f.timeZone, timeZoneName: 'short' }),
  )
  return fmt.format(new Date(instant))
}

/** The one way a quote's number is written: `Q-1001`. */
export const quoteNumberText = (n: number) => `Q-${n}`
