import { Box, Group, Stack, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core'
import { IconArrowsSort, IconSortAscending, IconSortDescending } from '@tabler/icons-react'
import type { ReactNode } from 'react'
import type { Page as PageOf } from '../../src/contracts/common.ts'
import { LoadState, Pager } from './page.tsx'

/** One column: its header, how a row fills its cell, and the list API's sort key when it can sort by it. */
export interface Column<T> {
  header: string
  cell(row: T): ReactNode
  /** The API's `sort` value for this column; without it the column does not sort. */
  sort?: string
  /** Numbers and money line up on the right. */
  numeric?: boolean
  /** For a column of buttons: the header is for screen readers only. */
  hideHeader?: boolean
}

/** `by` is a column's sort key; `desc` flips it. */
export interface SortState {
  by: string
  desc: boolean
  onSort(by: string, desc: boolean): void
}

interface DataTableProps<T> {
  /** For screen readers and tests; the page heading says it to everyone else. */
  caption: string
  columns: readonly Column<T>[]
  rows: readonly T[] | undefined
  rowKey(row: T): string
  loading?: boolean
  error?: string | null
  /** What an empty table says, and the next thing to do ("New customer"). */
  empty: { text: string; action?: ReactNode }
  sort?: SortState
  /** Below this width the table scrolls inside its box (never the page). */
  minWidth?: number
  pager?: { page: number; pageSize: number; total: number; noun: string; onPage(page: number): void }
}

/**
 * The app's table: a sticky header inside its own scroll box (so a phone never scrolls the page sideways),
 * sortable headers where the list API sorts, an empty state with a next action, and the pager.
 */
export function DataTable<T>({ caption, columns, rows, rowKey, loading = false, error = null, empty, sort, minWidth = 640, pager }: DataTableProps<T>) {
  if (!rows) return <LoadState loading={loading} error={error} />
  return (
    <Stack gap="xs">
      {error && <LoadState loading={false} error={error} />}
      {rows.length === 0 ? (
        <Stack align="center" gap="xs" py="xl" className="empty-state">
          <Text c="dimmed">{empty.text}</Text>
          {empty.action}
        </Stack>
      ) : (
        // Focusable and named so a keyboard can scroll it when it overflows (axe: scrollable-region-focusable).
        <Box className="table-box" mah="70dvh" tabIndex={0} role="region" aria-label={caption}>
          <Table stickyHeader striped miw={minWidth} aria-busy={loading || undefined} data-loading={loading || undefined}>
            <Table.Caption className="visually-hidden">{caption}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <HeaderCell key={c.header} column={c} sort={sort} />
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <Table.Td key={c.header} ta={c.numeric ? 'right' : undefined} className={c.numeric ? 'num' : undefined}>
                      {c.cell(row)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      {pager && pager.total > 0 && <Pager {...pager} />}
    </Stack>
  )
}

function HeaderCell<T>({ column, sort }: { column: Column<T>; sort?: SortState }) {
  if (column.hideHeader)
    return (
      <Table.Th>
        <VisuallyHidden>{column.header}</VisuallyHidden>
      </Table.Th>
    )
  if (!column.sort || !sort) return <Table.Th ta={column.numeric ? 'right' : undefined}>{column.header}</Table.Th>
  const active = sort.by === column.sort
  const Icon = !active ? IconArrowsSort : sort.desc ? IconSortDescending : IconSortAscending
  return (
    <Table.Th aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} ta={column.numeric ? 'right' : undefined}>
      <UnstyledButton onClick={() => sort.onSort(column.sort!, active && !sort.desc)} className="sort-button">
        <Group gap={4} wrap="nowrap" justify={column.numeric ? 'flex-end' : undefined}>
          <span>{column.header}</span>
          <Icon size={15} aria-hidden opacity={active ? 1 : 0.45} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  )
}

/** A page of the API's `Page` shape as DataTable props. */
export const pageRows = <T,>(data: PageOf<T> | null | undefined, noun: string, onPage: (page: number) => void) =>
  data ? { rows: data.items, pager: { page: data.page, pageSize: data.pageSize, total: data.total, noun, onPage } } : { rows: undefined }
