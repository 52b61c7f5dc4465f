/**
 * What an office notification still asks for, derived from the agreement it is about when the
 * list is read (so it is never stale): a sign-up is approved or rejected, a failed payment is
 * collected, a suspended agreement whose customer has paid is reactivated. `nextAction` names
 * the step behind the notification's link while there is one; `resolution` says how it ended.
 * Kinds with no follow-up (informational ones) get neither.
 */
export interface FollowUp {
  nextAction: string | null
  resolution: string | null
}

/** The agreement a notification is about, as it is now (null: none, or it is gone). */
export interface SubjectState {
  status: string
  /** Whether any of its invoices is unpaid after a failed payment. */
  owes: boolean
}

const ended = (status: string) => `Agreement ${status.replace('_', ' ')}`

export function followUpOf(kind: string, subject: SubjectState | null): FollowUp {
  const open = (nextAction: string): FollowUp => ({ nextAction, resolution: null })
  const done = (resolution: string): FollowUp => ({ nextAction: null, resolution })
  if (!subject) return { nextAction: null, resolution: null }
  switch (kind) {
    case 'agreement.pending_approval':
      return subject.status === 'pending_approval' ? open('Approve or reject') : done(subject.status === 'rejected' ? 'Rejected' : 'Approved')
    case 'billing.payment_failed':
    case 'billing.retries_exhausted':
      return subject.owes ? open('Send the payment link or retry') : done('Paid: nothing is owed')
    case 'agreement.suspended':
    case 'agreement.can_reactivate':
      if (subject.status !== 'suspended') return done(subject.status === 'active' ? 'Reactivated' : ended(subject.status))
      return subject.owes ? open('Collect the payment') : open('Reactivate')
    default:
      return { nextAction: null, resolution: null }
  }
}
