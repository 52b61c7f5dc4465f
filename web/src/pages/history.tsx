import type { AuditEventDto } from '../../../src/contracts/common.ts'
import { auditActionText, auditActorText } from '../audit-text.ts'
import { formatDateTime } from '../strings.ts'

/** An audit event as the `/history` endpoints return it. */
export type AuditEventView = AuditEventDto

/** A detail worth a few words after the action: a reason given, or whom a link went to. */
function detailText(details: unknown): string {
  const d = (details ?? {}) as { reason?: unknown; to?: unknown }
  if (typeof d.reason === 'string' && d.reason) return `: ${d.reason}`
  if (typeof d.to === 'string' && d.to) return ` (${d.to})`
  return ''
}

/** An audit trail, newest first, in people's words (every timeline uses this one). */
export function History({ items }: { items: AuditEventView[] }) {
  if (items.length === 0) return <p className="muted">No history yet.</p>
  return (
    <ul className="history">
      {[...items].reverse().map((e) => (
        <li key={e.id}>
          <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time> {auditActionText(e.action)} {auditActorText(e)}
          {detailText(e.details)}
        </li>
      ))}
    </ul>
  )
}
