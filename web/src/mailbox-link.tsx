import type { SystemDto } from '../../src/contracts/emails.ts'
import { useLoad } from './use-load.ts'

/**
 * "Mailbox" in the side navigation, only while the server sends mail to the local capture
 * (no SMTP_URL): it opens the captured mail in a new tab. See docs/email.md.
 */
export function MailboxNavItem() {
  const { data } = useLoad<SystemDto>('/api/system')
  if (!data?.mailboxUrl) return null
  return (
    <li>
      <a href={data.mailboxUrl} target="_blank" rel="noopener noreferrer" title="Mail the app has sent, caught locally (opens in a new tab)">
        Mailbox <span aria-hidden="true">↗</span>
        <span className="visually-hidden"> (opens in a new tab)</span>
      </a>
    </li>
  )
}
