import { Card, Paper, Stack, Table, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import type { PricedLineDto, QuoteOptionDto, QuoteRevisionDto } from '../../../src/contracts/quotes.ts'
import { perPeriodText, termText, usd, visitsText } from '../../../src/domain/quote-text.ts'
import { taxRateText } from '../../../src/domain/tax-rate.ts'
import { formatDay } from '../strings.ts'

/** One option: its lines, the bill per period, the first bill and the term total. */
export function QuoteOptionCard({ option, count, header }: { option: QuoteOptionDto; count: number; header?: ReactNode }) {
  const t = option.totals
  return (
    <Card component="article" withBorder radius="md" p="md" className="quote-option" aria-label={`Option ${option.position}: ${option.name}`}>
      <Stack gap="xs">
        {header ?? (
          <Title order={3} size="h4" style={{ overflowWrap: 'anywhere' }}>
            {count > 1 ? `Option ${option.position}: ${option.name}` : option.name}
          </Title>
        )}
        {option.description && <Text className="pre">{option.description}</Text>}
        <Text size="sm" c="dimmed">
          Billed {perPeriodText(option)} · Term: {termText(option.termMonths)} · {visitsText(option)}
        </Text>
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
      </Stack>
    </Card>
  )
}

/**
 * Priced lines as the customer and the office read them (quote options, agreements). A fixed layout in its
 * box's width: long item names wrap instead of pushing the table out of its card.
 */
export function LinesTable({ lines, caption, recurringText, onceText }: { lines: PricedLineDto[]; caption?: string; recurringText: string; onceText: string }) {
  return (
    <Table layout="fixed" className="lines" verticalSpacing={6} horizontalSpacing={8}>
      {caption && <Table.Caption className="visually-hidden">{caption}</Table.Caption>}
      <colgroup>
        <col />
        <col style={{ width: '34%' }} />
        <col style={{ width: '7.5rem' }} />
      </colgroup>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Item</Table.Th>
          <Table.Th scope="col">Billed</Table.Th>
          <Table.Th scope="col" ta="right">
            Amount
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l, i) => (
          <Table.Tr key={i}>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{l.description}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              {l.recurring ? recurringText : onceText}
              {l.taxable ? ', taxable' : ''}
            </Table.Td>
            <Table.Td ta="right" className="num">
              {usd(l.amountCents)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
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
      <dd>{formatDay(revision.startDate)}</dd>
      <dt>Offer valid until</dt>
      <dd>{formatDay(revision.expiresOn)}</dd>
      <dt>Sales tax</dt>
      <dd>{revision.taxRatePpm > 0 ? `${taxRateText(revision.taxRatePpm)} on taxable items` : 'None'}</dd>
    </dl>
  )
}

/** Option cards side by side, sharing the width: as many columns as fit at 19rem, one on a phone. */
export function OptionCards({ children }: { children: ReactNode }) {
  return <div className="options">{children}</div>
}

/** A whole revision, read-only: facts, options, terms. */
export function QuoteRevisionView({ revision }: { revision: Omit<QuoteRevisionDto, 'recipientEmail'> }) {
  return (
    <Stack gap="md">
      <RevisionFacts revision={revision} />
      <OptionCards>
        {revision.options.map((o) => (
          <QuoteOptionCard key={o.id} option={o} count={revision.options.length} />
        ))}
      </OptionCards>
      <Stack component="section" aria-labelledby="terms-heading" gap="xs">
        <Title order={2} id="terms-heading">
          Terms and conditions
        </Title>
        <Paper withBorder p="md" mah="16rem" className="pre" style={{ overflow: 'auto' }} tabIndex={0} role="region" aria-label="Terms and conditions text">
          {revision.termsText || 'No additional terms.'}
        </Paper>
      </Stack>
    </Stack>
  )
}
