import { Page } from '../page.tsx'
import { Link } from '../router.tsx'
import { NOT_BUILT } from '../strings.ts'

type NotBuiltProps = { path: string } | { title: string; purpose: string }

/** A part of the product that has no page yet: says so plainly, with no sample data. */
export function NotBuiltPage(props: NotBuiltProps) {
  const { title, purpose } = 'path' in props ? NOT_BUILT[props.path] : props
  return (
    <Page title={title}>
      <p className="not-built">This page is not built yet.</p>
      <p>{purpose}</p>
    </Page>
  )
}

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </Page>
  )
}
