import type { AuditEventDto } from '../../src/contracts/common.ts'

/**
 * What the audit trail calls each recorded action, in people's words: the one map every
 * timeline (customer, quote, agreement, invoice) reads. An action missing here still reads as
 * words ("agreement.payment_method_updated" → "Payment method updated"), never as a raw key.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'customer.created': 'Created',
  'customer.updated': 'Edited',
  'customer.archived': 'Archived',
  'customer.restored': 'Restored',

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
  'agreement.payment_method_updated': 'Payment method updated',
  'invoice.payment_failed': 'Payment failed',
  'invoice.charge_requested': 'Charge requested',
  'invoice.paid_offline': 'Payment recorded (received outside the gateway)',
  'invoice.voided': 'Invoice voided',
  'payment.voided': 'Payment voided',
  'payment.refunded': 'Payment refunded',
  'payment.bank_returned': 'Bank payment returned',
  'payment.reversal_checked': 'Refund or void checked with the gateway',
  'plan.created': 'Created',
  'plan.updated': 'Edited',
  'plan.archived': 'Archived',
  'plan.restored': 'Restored',
  'visit.created': 'Work order created',
  'visit.updated': 'Work order edited',
  'visit.dispatched': 'Dispatched',
  'visit.cancelled': 'Cancelled',
  'visit.on_hold': 'On hold: agreement suspended',
  'visit.resumed': 'Back on the schedule',
  'visit.unassigned': 'Unassigned',
}

/** "agreement.payment_method_updated" → "Payment method updated" for an action with no label. */
export function auditActionText(action: string): string {
  const label = AUDIT_ACTION_LABELS[action]
  if (label) return label
  const words = (action.split('.').pop() ?? action).replace(/[_-]+/g, ' ').trim()
  return words ? words[0]!.toUpperCase() + words.slice(1) : action
}

/** Who did it: the office user, the customer (on a public page) or the system. */
export function auditActorText(e: Pick<AuditEventDto, 'action' | 'actorName' | 'details'>): string {
  if (e.actorName) return `by ${e.actorName}`
  const by = (e.details as { by?: unknown } | null)?.by
  if (by === 'customer' || e.action === 'agreement.created' || e.action.startsWith('renewal.') || e.action === 'quote.viewed' || e.action === 'quote.accepted' || e.action === 'quote.declined') return 'by the customer'
  return 'by the system'
}
