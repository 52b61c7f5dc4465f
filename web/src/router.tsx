import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

/**
 * A tiny client-side router on `history.pushState` + `popstate`: the app needs paths, query
 * strings, links and `:param` patterns, not a routing framework.
 */
const listeners = new Set<() => void>()
let navCount = 0

function notify() {
  navCount += 1
  for (const listener of listeners) listener()
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify)

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

const snapshot = () => window.location.pathname + window.location.search

/** Goes to an in-app URL; `replace` swaps the history entry (for search-as-you-type). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return
  if (opts.replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  if (!opts.replace) window.scrollTo(0, 0)
  notify()
}

/** How many navigations have happened; notices use it to live for exactly one page change. */
export const navigationCount = () => navCount

export interface AppLocation {
  pathname: string
  query: URLSearchParams
}

/** The current path and query; re-renders on every navigation. */
export function useLocation(): AppLocation {
  const url = useSyncExternalStore(subscribe, snapshot)
  const [pathname, search = ''] = url.split('?')
  return { pathname, query: new URLSearchParams(search) }
}

/** Matches `/customers/:id/edit` against a path; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const have = pathname.split('/').filter(Boolean)
  if (want.length !== have.length) return null
  const params: Record<string, string> = {}
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(have[i])
    else if (part !== have[i]) return null
  }
  return params
}

/** Builds `path?query` leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '' && value !== false) params.set(key, String(value))
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }

/** An ordinary link that navigates in-app on a plain left click (new-tab clicks still work). */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event)
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(to)
  }
  return <a href={to} onClick={handle} {...rest} />
}
