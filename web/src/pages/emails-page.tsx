import { useState } from 'react'
import type { Page as PageOf } from '../../../src/contracts/common.ts'
import type { EmailDto, SystemDto } from '../../../src/contracts/emails.ts'
import { api, errorMessage } from '../api.ts'
import { useNotice } from '../notice.tsx'
import { LoadState, Page, Pager } from '../page.tsx'
import { useLoad } from '../use-load.ts'
import { SettingsNav } from './settings-nav.tsx'

const STATUSES = [
  ['', 'All'],
  ['pending', 'Waiting to send'],
  ['failed', 'Failed'],
  ['sent', 'Sent'],
] as const
type Filter = (typeof STATUSES)[number][0]

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '')

function StatusCell({ email }: { email: EmailDto }) {
  if (email.status === 'sent') return <>Sent {when(email.sentAt)}</>
  if (email.status === 'failed')
    return (
      <>
        <strong>Failed</strong> after {email.attempts} attempt{email.attempts === 1 ? '' : 's'}
        {email.lastError && <div className="muted">{email.lastError}</div>}
      </>
    )
  return (
    <>
      Waiting{email.attempts > 0 && `, next try ${when(email.nextAttemptAt)}`}
      {email.lastError && <div className="muted">Last try: {email.lastError}</div>}
    </>
  )
}

/** The email outbox: what was sent, what waits, what failed and why; failed emails can be retried. */
export function EmailsPage() {
  const [status, setStatus] = useState<Filter>('')
  const [page, setPage] = useState(1)
  const list = useLoad<PageOf<EmailDto>>(`/api/emails?page=${page}&pageSize=25${status ? `&status=${status}` : ''}`)
  const system = useLoad<SystemDto>('/api/system')
  const notice = useNotice()
  const [actionError, setActionError] = useState<string | null>(null)

  const retry = async (email: EmailDto) => {
    setActionError(null)
    try {
      await api<EmailDto>('POST', `/api/emails/${encodeURIComponent(email.id)}/retry`)
      notice(`The email to ${email.to} will be sent again.`)
    } catch (err) {
      setActionError(`${email.to}: ${errorMessage(err)}`)
    } finally {
      list.reload()
      system.reload()
    }
  }

  return (
    <Page title="Settings">
      <SettingsNav />
      <h2>Emails</h2>
      {system.data?.mailboxUrl && (
        <p>
          Email goes to the local mail capture, not to real inboxes:{' '}
          <a href={system.data.mailboxUrl} target="_blank" rel="noopener noreferrer">
            open the mailbox
          </a>
          .
        </p>
      )}
      <label>
        Show{' '}
        <select
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as Filter)
            setPage(1)
          }}
        >
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
      <LoadState loading={list.loading && !list.data} error={list.error} />
      {list.data && (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{e.to}</td>
                  <td>
                    {e.subject}
                    {e.attachments.length > 0 && <div className="muted">{e.attachments.map((a) => a.filename).join(', ')}</div>}
                  </td>
                  <td>
                    <StatusCell email={e} />
                  </td>
                  <td>{when(e.createdAt)}</td>
                  <td>
                    {e.status === 'failed' && (
                      <button type="button" onClick={() => void retry(e)}>
                        Retry<span className="visually-hidden"> the email to {e.to}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} noun="emails" onPage={setPage} />
        </>
      )}
    </Page>
  )
}
