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

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'quote.created': 'Created',
  'quote.updated': 'Edited',
  'quote.sent': 'Sent to the customer',
  'quote.resent': 'A new link sent to the customer',
  'quote.viewed': 'Opened by the customer',
  'quote.revised': 'New revision started',
  'quote.accepted': 'Accepted and signed by the customer',
  'quote.declined': 'Declined by the customer',
  'quote.expired': 'Expired',
  'agreement.created': 'Signed up by the customer (pending approval)',
  'agreement.approved': 'Approved: active',
  'agreement.rejected': 'Rejected',
  'agreement.suspended': 'Suspended',
  'agreement.reactivated': 'Reactivated',
  'agreement.closed': 'Closed',
  'agreement.close_scheduled': 'Closing scheduled for the end of the period',
  'agreement.expired': 'Expired (term ended without renewal)',
  'agreement.renewed': 'Term ended; the next term took over',
  'agreement.renewal_accepted': 'Renewal accepted by the customer',
  'agreement.auto_renewed': 'Renewed automatically',
  'agreement.created_by_renewal': 'Created as the next term of a renewal',
  'agreement.auto_renew_off': 'Automatic renewal turned off',
  'agreement.auto_renew_on': 'Automatic renewal turned on',
  'agreement.payment_link_sent': 'Payment link sent to the customer',
  'renewal.opened': 'Customer opened the renewal link',
  'renewal.signed': 'Customer signed the renewal',
}
