import { Checkbox, Group, NativeSelect, TextInput } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useEffect, useState, type ReactNode } from 'react'
import { navigate, useLocation, withQuery } from './router.tsx'

/** The filters of the paged list pages (customers, plans, quotes, agreements), kept in the URL; the table is DataTable. */

type Filters = Record<string, string | boolean>
type Values<F extends Filters> = { [K in keyof F]: F[K] extends boolean ? boolean : string }
type Query = Record<string, string | number | boolean | undefined>

/**
 * A list's filters and page, kept in the URL so reload, links and back/forward restore them. `defaults`
 * names the filters: a boolean one is on when the URL says `true`, a text one is the URL's text.
 * With a `q` filter, `text` is the search box: typing updates `q` after a pause, replacing the history
 * entry (one per search, not per keystroke) and starting again at the first page.
 */
export function useListQuery<F extends Filters>(path: string, defaults: F) {
  const { query } = useLocation()
  const filters: Query = Object.fromEntries(
    Object.entries(defaults).map(([name, d]) => [name, typeof d === 'boolean' ? query.get(name) === 'true' : (query.get(name) ?? d)]),
  )
  const page = Math.max(1, Number(query.get('page')) || 1)
  const q = String(filters.q ?? '')
  const [text, setText] = useState(q)
  // Back/forward changes the URL's q: show it, unless it is just the trimmed form of the text.
  useEffect(() => setText((current) => (current.trim() === q ? current : q)), [q])
  const searched = withQuery(path, { ...filters, q: text.trim() })
  useEffect(() => {
    if (text.trim() === q) return
    const timer = setTimeout(() => navigate(searched, { replace: true }), 300)
    return () => clearTimeout(timer)
  }, [text, q, searched])
  // A new history entry; the page is in the URL only when the change names it.
  const go = (changes: Partial<Values<F>> & { page?: number }) => navigate(withQuery(path, { ...filters, ...changes }))
  return { ...(filters as Values<F>), page, text, setText, go }
}

/** The search form above a list: the search box, then the list's other filters. */
export function SearchToolbar(props: { id: string; label: string; placeholder: string; text: string; onText(text: string): void; children?: ReactNode }) {
  return (
    <Group component="form" role="search" onSubmit={(e) => e.preventDefault()} gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        id={props.id}
        type="search"
        label={props.label}
        value={props.text}
        onChange={(e) => props.onText(e.currentTarget.value)}
        placeholder={props.placeholder}
        leftSection={<IconSearch size={16} aria-hidden />}
        w={{ base: '100%', xs: '28rem' }}
        maw="100%"
      />
      {props.children}
    </Group>
  )
}

/** "Status": All, then each status by its label. */
export function StatusFilter<S extends string>(props: { id: string; statuses: readonly S[]; labels: Record<S, string>; value: string; onChange(status: string): void }) {
  return (
    <NativeSelect
      id={props.id}
      label="Status"
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      data={[{ value: '', label: 'All' }, ...props.statuses.map((s) => ({ value: s, label: props.labels[s] }))]}
    />
  )
}

export function ShowArchived({ checked, onChange }: { checked: boolean; onChange(checked: boolean): void }) {
  return <Checkbox label="Show archived" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} mb={8} />
}
