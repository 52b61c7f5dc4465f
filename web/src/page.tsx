import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconChevronLeft, IconChevronRight } from '@tabler/icons-react'
import { useEffect, useRef, type ReactNode } from 'react'
import { navigationCount } from './router.tsx'

/** A page: its heading (also the document title) with the primary action and others beside it. */
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
    <Stack component="section" gap="md" className="page">
      <Group justify="space-between" align="center" gap="sm" wrap="wrap">
        <Title order={1} ref={heading} tabIndex={-1} style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {actions && (
          <Group gap="xs" wrap="wrap">
            {actions}
          </Group>
        )}
      </Group>
      {children}
    </Stack>
  )
}

/** Loading and error states for data a page waits for. */
export function LoadState({ loading, error }: { loading: boolean; error: string | null }) {
  if (error) return <ErrorNote>{error}</ErrorNote>
  return loading ? (
    <Group gap="xs" c="dimmed">
      <Loader size="sm" aria-hidden />
      <Text c="dimmed">Loading…</Text>
    </Group>
  ) : null
}

/** A failure message on the page (a load or an action that did not work). */
export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <Alert color="red" variant="light" role="alert" icon={<IconAlertTriangle size={18} aria-hidden />} className="error-note">
      {children}
    </Alert>
  )
}

/** "26–50 of 112" with Previous/Next buttons, for the API's Page shape. */
export function Pager({ page, pageSize, total, noun, onPage }: { page: number; pageSize: number; total: number; noun: string; onPage(page: number): void }) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1
  const last = Math.min(page * pageSize, total)
  return (
    <Group component="nav" aria-label={`${noun} pages`} gap="xs" justify="flex-end" wrap="wrap">
      <Text size="sm" c="dimmed" mr="xs">
        {total === 0 ? `No ${noun}` : `${first}–${last} of ${total}`}
      </Text>
      <Button variant="default" size="xs" leftSection={<IconChevronLeft size={14} aria-hidden />} onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </Button>
      <Button variant="default" size="xs" rightSection={<IconChevronRight size={14} aria-hidden />} onClick={() => onPage(page + 1)} disabled={last >= total}>
        Next
      </Button>
    </Group>
  )
}
