import type { AuditEventDto } from '../../../src/contracts/common.ts'
import { formatDateTime } from '../strings.ts'

/** An audit event as the `/history` endpoints return it. */
export type AuditEventView = AuditEventDto

const ACTIONS: Record<string, string> = {
  'customer.created': 'Created',
  'customer.updated': 'Edited',
  'customer.archived': 'Archived',
  'customer.restored': 'Restored',
}

/** The audit trail, newest first. */
export function History({ items }: { items: AuditEventView[] }) {
  if (items.length === 0) return <p className="muted">No history yet.</p>
  return (
    <ul className="history">
      {[...items].reverse().map((e) => (
        <li key={e.id}>
          <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time> {ACTIONS[e.action] ?? e.action}
          {e.actorName ? ` by ${e.actorName}` : ' by the system'}
        </li>
      ))}
    </ul>
  )
}
