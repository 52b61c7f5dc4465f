import type { AgreementStatus } from '../db/schema.ts'
import { notAllowed } from './errors.ts'

/**
 * The agreement life cycle. Every change goes through `assertTransition` and is written to the
 * audit trail by the service that makes it.
 *
 *   pending_approval ──approve──▶ active ──suspend──▶ suspended ──reactivate──▶ active
 *          │                        │                    │
 *          └──reject──▶ rejected    └──close──▶ closed ◀──┘
 *
 * At the end of a term (active or suspended): `renew` when a next term takes over (renewed), else
 * `expire` (expired); a late renewal of an expired agreement also makes it renewed.
 */
export type AgreementAction = 'approve' | 'reject' | 'suspend' | 'reactivate' | 'close' | 'expire' | 'renew'

const TRANSITIONS: Record<AgreementAction, { from: readonly AgreementStatus[]; to: AgreementStatus }> = {
  approve: { from: ['pending_approval'], to: 'active' },
  reject: { from: ['pending_approval'], to: 'rejected' },
  suspend: { from: ['active'], to: 'suspended' },
  reactivate: { from: ['suspended'], to: 'active' },
  close: { from: ['active', 'suspended'], to: 'closed' },
  expire: { from: ['active', 'suspended'], to: 'expired' },
  renew: { from: ['active', 'suspended', 'expired'], to: 'renewed' },
}

/** The status after `action`, or a 409 naming why the action is not possible now. */
export function assertTransition(current: AgreementStatus, action: AgreementAction): AgreementStatus {
  const t = TRANSITIONS[action]
  if (!t.from.includes(current)) {
    throw notAllowed(`agreement_${action}_not_allowed`, `An agreement that is ${current.replace('_', ' ')} cannot be ${PAST[action]}`)
  }
  return t.to
}

export function canTransition(current: AgreementStatus, action: AgreementAction): boolean {
  return TRANSITIONS[action].from.includes(current)
}

const PAST: Record<AgreementAction, string> = {
  approve: 'approved',
  reject: 'rejected',
  suspend: 'suspended',
  reactivate: 'reactivated',
  close: 'closed',
  expire: 'expired',
  renew: 'renewed',
}
