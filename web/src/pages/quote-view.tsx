import type { ReactNode } from 'react'
import type { PricedLineDto, QuoteOptionDto, QuoteRevisionDto } from '../../../src/contracts/quotes.ts'
import { dateText, perPeriodText, termText, usd, visitsText } from '../../../src/domain/quote-text.ts'
import { taxRateText } from '../../../src/domain/tax-rate.ts'

/** One option: its lines, the bill per period, the first bill and the term total. */
export function QuoteOptionCard({ option, count, header }: { option: QuoteOptionDto; count: number; header?: ReactNode }) {
  const t = option.totals
  return (
    <article className="card quote-option" aria-label={`Option ${option.position}: ${option.name}`}>
      {header ?? <h3>{count > 1 ? `Option ${option.position}: ${option.name}` : option.name}</h3>}
      {option.description && <p className="pre">{option.description}</p>}
      <p className="muted">
        Billed {perPeriodText(option)} · Term: {termText(option.termMonths)} · {visitsText(option)}
      </p>
      <LinesTable caption={`Items of ${option.name}`} lines={option.lines} recurringText={perPeriodText(option)} onceText="one-time" />
      <dl className="facts totals">
        <dt>Each bill</dt>
        <dd>
          <strong>{usd(t.perPeriod.totalCents)}</strong> {perPeriodText(option)}
          {t.perPeriod.taxCents > 0 && <span className="muted"> (incl. {usd(t.perPeriod.taxCents)} tax)</span>}
        </dd>
        {t.firstPeriod.totalCents !== t.perPeriod.totalCents && (
          <>
            <dt>First bill</dt>
            <dd>{usd(t.firstPeriod.totalCents)} (with one-time items)</dd>
          </>
        )}
        <dt>Term total</dt>
        <dd>{t.perTermCents === null ? 'Open-ended: billed until cancelled' : `${usd(t.perTermCents)} over ${t.periodsPerTerm} bills`}</dd>
      </dl>
    </article>
  )
}

/** Priced lines as the customer and the office read them (quote options, agreements). */
export function LinesTable({ lines, caption, recurringText, onceText }: { lines: PricedLineDto[]; caption?: string; recurringText: string; onceText: string }) {
  return (
    <table className="lines">
      {caption && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Billed</th>
          <th scope="col" className="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={i}>
            <td>{l.description}</td>
            <td>
              {l.recurring ? recurringText : onceText}
              {l.taxable ? ', taxable' : ''}
            </td>
            <td className="num">{usd(l.amountCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The facts of a revision above its options: location, dates, tax. */
export function RevisionFacts({ revision }: { revision: Omit<QuoteRevisionDto, 'recipientEmail'> }) {
  const l = revision.location
  return (
    <dl className="facts">
      <dt>Service location</dt>
      <dd>{[l.label, l.line1, l.line2, `${l.city}, ${l.region} ${l.postalCode}`].filter(Boolean).join(', ')}</dd>
      <dt>Agreement starts</dt>
      <dd>{dateText(revision.startDate)}</dd>
      <dt>Offer valid until</dt>
      <dd>{dateText(revision.expiresOn)}</dd>
      <dt>Sales tax</dt>
      <dd>{revision.taxRatePpm > 0 ? `${taxRateText(revision.taxRatePpm)} on taxable items` : 'None'}</dd>
    </dl>
  )
}

/** A whole revision, read-only: facts, options, terms. */
export function QuoteRevisionView({ revision }: { revision: Omit<QuoteRevisionDto, 'recipientEmail'> }) {
  return (
    <div className="stack">
      <RevisionFacts revision={revision} />
      <div className="options">
        {revision.options.map((o) => (
          <QuoteOptionCard key={o.id} option={o} count={revision.options.length} />
        ))}
      </div>
      <section aria-labelledby="terms-heading">
        <h2 id="terms-heading">Terms and conditions</h2>
        <div className="terms pre">{revision.termsText || 'No additional terms.'}</div>
      </section>
    </div>
  )
}
