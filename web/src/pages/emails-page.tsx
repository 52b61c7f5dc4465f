import { Anchor, Button, NativeSelect, Text, Title } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { EmailDto, SystemDto } from '../../../src/contracts/emails.ts'
import { errorMessage } from '../api.ts'
import { DataTable, pageRows, type Column } from '../data-table.tsx'
import { toast } from '../notice.tsx'
import { ErrorNote, Page } from '../page.tsx'
import { useApiMutation, useApiQuery } from '../query.ts'
import { useLocation } from '../router.tsx'
import { formatDateTime } from '../strings.ts'
import { SettingsNav } from './settings-nav.tsx'

const STATUSES = [
  ['', 'All'],
  ['pending', 'Waiting to send'],
  ['failed', 'Failed'],
  ['sent', 'Sent'],
] as const
type Filter = (typeof STATUSES)[number][0]

const when = (iso: string | null) => (iso ? formatDateTime(iso) : '')

function StatusCell({ email }: { email: EmailDto }) {
  if (email.status === 'sent') return <>Sent {when(email.sentAt)}</>
  if (email.status === 'failed')
    return (
      <>
        <strong>Failed</strong> after {email.attempts} attempt{email.attempts === 1 ? '' : 's'}
        {email.lastError && <Text size="sm" c="dimmed">{email.lastError}</Text>}
      </>
    )
  return (
    <>
      Waiting{email.attempts > 0 && `, next try ${when(email.nextAttemptAt)}`}
      {email.lastError && <Text size="sm" c="dimmed">Last try: {email.lastError}</Text>}
    </>
  )
}

/** The email outbox: what was sent, what waits, what failed and why; failed emails can be retried. */
export function EmailsPage() {
  // The dashboard's "today" links here with ?status=failed.
  const initial = useLocation().query.get('status')
  const [status, setStatus] = useState<Filter>(STATUSES.some(([v]) => v === initial) ? (initial as Filter) : '')
  const [page, setPage] = useState(1)
  const list = useApiQuery<PageOf<EmailDto>>(`/api/emails?page=${page}&pageSize=25${status ? `&status=${status}` : ''}`)
  const system = useApiQuery<SystemDto>('/api/system')
  const retry = useApiMutation<EmailDto, EmailDto>('POST', (e) => `/api/emails/${encodeURIComponent(e.id)}/retry`)
  const [actionError, setActionError] = useState<string | null>(null)

  const retryEmail = async (email: EmailDto) => {
    setActionError(null)
    try {
      await retry.mutateAsync(email)
      toast.success(`The email to ${email.to} will be sent again.`)
    } catch (err) {
      setActionError(`${email.to}: ${errorMessage(err)}`)
    }
  }

  const columns: Column<EmailDto>[] = [
    { header: 'To', cell: (e) => e.to },
    {
      header: 'Subject',
      cell: (e) => (
        <>
          {e.subject}
          {e.attachments.length > 0 && <Text size="sm" c="dimmed">{e.attachments.map((a) => a.filename).join(', ')}</Text>}
        </>
      ),
    },
    { header: 'Status', cell: (e) => <StatusCell email={e} /> },
    { header: 'Queued', cell: (e) => when(e.createdAt) },
    {
      header: 'Actions',
      hideHeader: true,
      cell: (e) =>
        e.status === 'failed' && (
          <Button variant="default" size="xs" leftSection={<IconRefresh size={14} aria-hidden />} onClick={() => void retryEmail(e)}>
            Retry<span className="visually-hidden"> the email to {e.to}</span>
          </Button>
        ),
    },
  ]

  return (
    <Page title="Settings">
      <SettingsNav />
      <Title order={2}>Emails</Title>
      {system.data?.mailboxUrl && (
        <Text>
          Email goes to the local mail capture, not to real inboxes:{' '}
          <Anchor href={system.data.mailboxUrl} target="_blank" rel="noopener noreferrer">
            open the mailbox
          </Anchor>
          .
        </Text>
      )}
      <NativeSelect
        label="Show"
        w={220}
        value={status}
        onChange={(e) => {
          setStatus(e.currentTarget.value as Filter)
          setPage(1)
        }}
        data={STATUSES.map(([value, label]) => ({ value, label }))}
      />
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <DataTable
        caption="Emails"
        columns={columns}
        rowKey={(e) => e.id}
        {...pageRows(list.data, 'emails', setPage)}
        loading={list.isFetching}
        error={list.error?.message}
        empty={{ text: status ? 'No emails with this status.' : 'No emails yet. Sending a quote or billing a customer queues one here.' }}
      />
    </Page>
  )
}
