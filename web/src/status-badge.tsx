import { Badge } from '@mantine/core'

/** What each status means at a glance: waiting on someone (yellow), good (green), stopped (red), done (grey). */
const TONES: Record<string, string> = {
  draft: 'gray',
  sent: 'yellow',
  viewed: 'yellow',
  pending_approval: 'yellow',
  accepted: 'green',
  active: 'green',
  paid: 'green',
  declined: 'red',
  rejected: 'red',
  expired: 'red',
  failed: 'red',
  suspended: 'orange',
  closed: 'gray',
  renewed: 'gray',
  void: 'gray',
}

/** A status as a coloured label: `<StatusBadge status="active" label="Active" />`. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <Badge color={TONES[status] ?? 'gray'} variant="light" radius="sm" tt="none" fw={600} className={`status-${status}`}>
      {label}
    </Badge>
  )
}
