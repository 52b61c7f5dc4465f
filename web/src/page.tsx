import { useEffect, useRef, type ReactNode } from 'react'
import { navigationCount } from './router.tsx'

/** A page's heading (also the document title) with optional actions beside it. */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · Servicebook`
  }, [title])
  useEffect(() => {
    // After an in-app navigation, move focus to the new page so screen readers announce it.
    if (navigationCount() > 0 && !heading.current?.closest('section')?.contains(document.activeElement)) heading.current?.focus()
  }, [])
  return (
    <section className="page">
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  )
}

/** Loading and error states for data a page waits for. */
export function LoadState({ loading, error }: { loading: boolean; error: string | null }) {
  if (error)
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    )
  return loading ? <p className="muted">Loading…</p> : null
}

/** "26–50 of 112" with Previous/Next buttons, for the API's Page shape. */
export function Pager({ page, pageSize, total, noun, onPage }: { page: number; pageSize: number; total: number; noun: string; onPage(page: number): void }) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1
  const last = Math.min(page * pageSize, total)
  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <span>{total === 0 ? `No ${noun}` : `${first}–${last} of ${total}`}</span>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <button type="button" onClick={() => onPage(page + 1)} disabled={last >= total}>
        Next
      </button>
    </nav>
  )
}
