import { useEffect, useState, type ReactNode } from 'react'
import type { Page as PageOf } from '../../src/contracts/common.ts'
import { LoadState, Pager } from './page.tsx'
import { navigate, useLocation, withQuery } from './router.tsx'
import type { Loaded } from './use-load.ts'

/** The building blocks of the paged list pages (customers, plans, quotes, agreements). */

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
    <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} type="search" value={props.text} onChange={(e) => props.onText(e.target.value)} placeholder={props.placeholder} />
      {props.children}
    </form>
  )
}

/** "Status": All, then each status by its label. */
export function StatusFilter<S extends string>(props: { id: string; statuses: readonly S[]; labels: Record<S, string>; value: string; onChange(status: string): void }) {
  return (
    <>
      <label htmlFor={props.id}>Status</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All</option>
        {props.statuses.map((s) => (
          <option key={s} value={s}>
            {props.labels[s]}
          </option>
        ))}
      </select>
    </>
  )
}

export function ShowArchived({ checked, onChange }: { checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="inline">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> Show archived
    </label>
  )
}

interface PagedTableProps<T> {
  loaded: Loaded<PageOf<T>>
  /** For screen readers; the page heading already says it to everyone else. */
  caption?: string
  columns: readonly string[]
  /** What an empty page says. */
  empty: string
  /** Plural, for the pager: "No customers", "customers pages". */
  noun: string
  onPage(page: number): void
  /** One row's cells. */
  children(item: T): ReactNode
}

/** Loading and error state, then the page of rows, what an empty page says and the pager. */
export function PagedTable<T extends { id: string }>({ loaded: { data, error, loading }, caption, columns, empty, noun, onPage, children }: PagedTableProps<T>) {
  return (
    <>
      <LoadState loading={loading && !data} error={error} />
      {data && (
        <>
          <table aria-busy={loading || undefined}>
            {caption && <caption className="visually-hidden">{caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.items.map((item) => (
                <tr key={item.id}>{children(item)}</tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && <p className="muted">{empty}</p>}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} noun={noun} onPage={onPage} />
        </>
      )}
    </>
  )
}
