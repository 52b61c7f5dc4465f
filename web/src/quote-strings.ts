/** UI text for quotes, agreements and notifications. */

export const QUOTE_STATUS_LABELS = {
  draft: 'Draft',
  sent: 'Sent',
  viewed: 'Viewed',
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Expired',
} as const

export const AGREEMENT_STATUS_LABELS = {
  pending_approval: 'Pending approval',
  active: 'Active',
  suspended: 'Suspended',
  rejected: 'Rejected',
  closed: 'Closed',
  expired: 'Expired',
  renewed: 'Renewed',
} as const

export const WORK_ORDER_STATUS_LABELS: Record<string, string> = {
  open: 'To be scheduled',
  scheduled: 'Scheduled',
  dispatched: 'Dispatched',
  on_the_way: 'On the way',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
  suspended: 'On hold: agreement suspended',
}
