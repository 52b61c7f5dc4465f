import { Box, Grid, Paper, Stack, Table, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { Bar, BarChart, CartesianGrid, Cell, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { DashboardSeries } from '../../../src/contracts/dashboard.ts'
import { declineReasonText } from '../../../src/domain/decline-text.ts'
import { formatUsd } from '../money.ts'
import { MONTHS } from '../strings.ts'

/**
 * The dashboard's charts (recharts): each has its numbers on hover and, beside it (below on a phone),
 * a table with the same numbers. The table is the text alternative: the drawing is hidden from
 * screen readers and takes no keyboard focus.
 */

const COLOR = {
  brand: 'var(--mantine-color-brand-6)',
  brandLight: 'var(--mantine-color-brand-3)',
  green: 'var(--mantine-color-green-7)',
  red: 'var(--mantine-color-red-7)',
  orange: 'var(--mantine-color-orange-6)',
  gray: 'var(--mantine-color-gray-5)',
}
const PLAN_COLORS = [COLOR.brand, COLOR.green, COLOR.orange, 'var(--mantine-color-grape-6)', 'var(--mantine-color-teal-6)', COLOR.gray]

/** "2026-06" → "Jun" (axis) or "Jun 2026" (table). */
const monthShort = (ym: string) => MONTHS[Number(ym.slice(5, 7)) - 1]
const monthLong = (ym: string) => `${monthShort(ym)} ${ym.slice(0, 4)}`
/** Axis ticks only: "$12K". Every figure people read goes through formatUsd. */
const COMPACT = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 })
const axisUsd = (cents: number) => COMPACT.format(cents / 100)
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`)
const count = (n: number) => n.toLocaleString('en-US')


interface TableColumn<T> {
  header: string
  cell(row: T): ReactNode
  numeric?: boolean
}

/** One chart's section: its heading, the drawing and the table of its numbers. */
function ChartCard<T>(props: { id: string; title: string; note?: string; chart: ReactNode; columns: TableColumn<T>[]; rows: T[]; rowKey(row: T): string; empty?: string | null }) {
  const heading = `${props.id}-heading`
  return (
    <Paper component="section" aria-labelledby={heading} withBorder radius="md" p={{ base: 'sm', sm: 'md' }} miw={0}>
      <Stack gap="xs">
        <div>
          <Title order={2} id={heading}>
            {props.title}
          </Title>
          {props.note && (
            <Text size="sm" c="dimmed">
              {props.note}
            </Text>
          )}
        </div>
        {props.empty ? (
          <Text c="dimmed">{props.empty}</Text>
        ) : (
          <Grid gap="md" align="flex-start">
            <Grid.Col span={{ base: 12, md: 6 }} miw={0}>
              <Box aria-hidden h={240} miw={0}>
                {props.chart}
              </Box>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }} miw={0}>
              <Box className="table-box" mah={260} tabIndex={0} role="region" aria-label={`${props.title}: table`}>
                <Table stickyHeader striped fz="sm" verticalSpacing={4} horizontalSpacing="xs" className="chart-table">
                  <Table.Caption className="visually-hidden">{props.title}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      {props.columns.map((c) => (
                        <Table.Th key={c.header} ta={c.numeric ? 'right' : undefined} scope="col">
                          {c.header}
                        </Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {props.rows.map((r) => (
                      <Table.Tr key={props.rowKey(r)}>
                        {props.columns.map((c) => (
                          <Table.Td key={c.header} ta={c.numeric ? 'right' : undefined} className={c.numeric ? 'num' : undefined}>
                            {c.cell(r)}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Box>
            </Grid.Col>
          </Grid>
        )}
      </Stack>
    </Paper>
  )
}

const usdTooltip = (v: unknown) => formatUsd(Number(v))
const axisProps = { tick: { fontSize: 12 }, tickLine: false } as const

/** All charts of `GET /api/dashboard`'s series. */
export function DashboardCharts({ series }: { series: DashboardSeries }) {
  const money = series.months.map((m, i) => ({ month: m, label: monthShort(m), mrr: series.mrrCents[i], billed: series.billedCents[i], collected: series.collectedCents[i] }))
  const renewals = series.renewals.map((r) => ({ ...r, label: monthShort(r.month), ratePct: r.rate === null ? null : Math.round(r.rate * 100) }))
  const o = series.failureOutcomes
  const outcomes = [
    { key: 'recovered', label: 'Recovered', color: COLOR.green, ...o.recovered },
    { key: 'lost', label: 'Lost', color: COLOR.red, ...o.lost },
    { key: 'pending', label: 'Pending', color: COLOR.orange, ...o.pending },
  ]
  const reasons = series.failedByReason.map((r) => ({ ...r, label: declineReasonText(r.reason) }))
  return (
    <Stack gap="md">
      <ChartCard
        id="chart-revenue"
        title="Recurring revenue and collections by month"
        note="Monthly recurring revenue at each month's end; billed and collected in each month (the last is this month so far)."
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={money} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" {...axisProps} />
              <YAxis tickFormatter={axisUsd} width={56} {...axisProps} />
              <Tooltip formatter={usdTooltip} labelFormatter={(_, p) => (p[0] ? monthLong(String(p[0].payload.month)) : '')} />
              <Legend />
              <Bar isAnimationActive={false} dataKey="billed" name="Billed" fill={COLOR.brandLight} />
              <Bar isAnimationActive={false} dataKey="collected" name="Collected" fill={COLOR.green} />
              <Line isAnimationActive={false} dataKey="mrr" name="Recurring revenue" stroke={COLOR.brand} strokeWidth={2} dot={false} />
            </ComposedChart>
          </ResponsiveContainer>
        }
        columns={[
          { header: 'Month', cell: (r) => monthLong(r.month) },
          { header: 'Recurring revenue', cell: (r) => formatUsd(r.mrr), numeric: true },
          { header: 'Billed', cell: (r) => formatUsd(r.billed), numeric: true },
          { header: 'Collected', cell: (r) => formatUsd(r.collected), numeric: true },
        ]}
        rows={[...money].reverse()}
        rowKey={(r) => r.month}
      />
      <ChartCard
        id="chart-renewals"
        title="Renewals by month"
        note="Renewal notices and quotes sent and accepted; terms that ended renewed or expired, and the renewal rate of those."
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={renewals} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" {...axisProps} />
              <YAxis yAxisId="n" allowDecimals={false} width={36} {...axisProps} />
              <YAxis yAxisId="pct" orientation="right" domain={[0, 100]} unit="%" width={44} {...axisProps} />
              <Tooltip formatter={(v, name) => (name === 'Renewal rate' ? `${String(v)}%` : count(Number(v)))} labelFormatter={(_, p) => (p[0] ? monthLong(String(p[0].payload.month)) : '')} />
              <Legend />
              <Bar isAnimationActive={false} yAxisId="n" dataKey="sent" name="Sent" fill={COLOR.brandLight} />
              <Bar isAnimationActive={false} yAxisId="n" dataKey="accepted" name="Accepted" fill={COLOR.brand} />
              <Bar isAnimationActive={false} yAxisId="n" dataKey="renewed" name="Renewed" stackId="ended" fill={COLOR.green} />
              <Bar isAnimationActive={false} yAxisId="n" dataKey="expired" name="Expired" stackId="ended" fill={COLOR.red} />
              <Line isAnimationActive={false} yAxisId="pct" dataKey="ratePct" name="Renewal rate" stroke={COLOR.orange} strokeWidth={2} connectNulls />
            </ComposedChart>
          </ResponsiveContainer>
        }
        columns={[
          { header: 'Month', cell: (r) => monthLong(r.month) },
          { header: 'Sent', cell: (r) => count(r.sent), numeric: true },
          { header: 'Accepted', cell: (r) => count(r.accepted), numeric: true },
          { header: 'Renewed', cell: (r) => count(r.renewed), numeric: true },
          { header: 'Expired', cell: (r) => count(r.expired), numeric: true },
          { header: 'Renewal rate', cell: (r) => percent(r.rate), numeric: true },
        ]}
        rows={[...renewals].reverse()}
        rowKey={(r) => r.month}
      />
      <ChartCard
        id="chart-failed-reasons"
        title="Failed payments by reason"
        note="Unpaid invoices after a declined charge, by the gateway's reason."
        empty={reasons.length === 0 ? 'No failed payments awaiting action.' : null}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={reasons} layout="vertical" barCategoryGap="20%" accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} {...axisProps} />
              <YAxis type="category" dataKey="label" width={120} {...axisProps} />
              <Tooltip formatter={(v, name, item) => (name === 'Invoices' ? `${count(Number(v))} (${formatUsd(Number((item.payload as { owedCents: number }).owedCents))} owed)` : String(v))} />
              <Bar isAnimationActive={false} dataKey="count" name="Invoices" fill={COLOR.red} maxBarSize={32} />
            </BarChart>
          </ResponsiveContainer>
        }
        columns={[
          { header: 'Reason', cell: (r) => r.label },
          { header: 'Invoices', cell: (r) => count(r.count), numeric: true },
          { header: 'Owed', cell: (r) => formatUsd(r.owedCents), numeric: true },
        ]}
        rows={reasons}
        rowKey={(r) => r.reason}
      />
      <ChartCard
        id="chart-failed-outcomes"
        title="Failed payments: recovered, lost, pending"
        note="Invoices whose charge failed in the last 12 months: paid since, voided or retries given up, still being retried."
        empty={outcomes.every((x) => x.count === 0) ? 'No charge failed in the last 12 months.' : null}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={outcomes} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" {...axisProps} />
              <YAxis tickFormatter={axisUsd} width={56} {...axisProps} />
              <Tooltip formatter={(v, _name, item) => `${formatUsd(Number(v))} (${count((item.payload as { count: number }).count)} invoices)`} />
              <Bar isAnimationActive={false} dataKey="cents" name="Amount" maxBarSize={64}>
                {outcomes.map((x) => (
                  <Cell key={x.key} fill={x.color} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        }
        columns={[
          { header: 'Outcome', cell: (r) => r.label },
          { header: 'Invoices', cell: (r) => count(r.count), numeric: true },
          { header: 'Amount', cell: (r) => formatUsd(r.cents), numeric: true },
        ]}
        rows={outcomes}
        rowKey={(r) => r.key}
      />
      <ChartCard
        id="chart-plans"
        title="Agreements by plan"
        note="Active agreements in their term today, and their monthly recurring revenue."
        empty={series.agreementsByPlan.length === 0 ? 'No active agreements yet.' : null}
        chart={
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={series.agreementsByPlan} layout="vertical" barCategoryGap="20%" accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} {...axisProps} />
              <YAxis type="category" dataKey="planName" width={120} {...axisProps} />
              <Tooltip formatter={(v, _name, item) => `${count(Number(v))} (${formatUsd((item.payload as { mrrCents: number }).mrrCents)} a month)`} />
              <Bar isAnimationActive={false} dataKey="count" name="Agreements" maxBarSize={32}>
                {series.agreementsByPlan.map((p, i) => (
                  <Cell key={p.planId ?? 'none'} fill={PLAN_COLORS[i % PLAN_COLORS.length]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        }
        columns={[
          { header: 'Plan', cell: (r) => r.planName },
          { header: 'Agreements', cell: (r) => count(r.count), numeric: true },
          { header: 'Recurring revenue', cell: (r) => formatUsd(r.mrrCents), numeric: true },
        ]}
        rows={series.agreementsByPlan}
        rowKey={(r) => r.planId ?? 'none'}
      />
    </Stack>
  )
}
