import { AcceptRenewalInput, RenewalPreviewInput, RenewalSendInput, RenewalSettingsInput, RenewalTokenParams } from '../../contracts/renewals.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { acceptRenewal, openRenewal } from '../../services/renewals/accept-renewal.ts'
import { customerTurnsOffAutoRenew, openManageRenewal } from '../../services/renewals/auto-renewal.ts'
import { previewRenewals, sendRenewals } from '../../services/renewals/bulk-renewals.ts'
import { getRenewalSettings, updateRenewalSettings } from '../../services/renewals/renewal-settings.ts'
import { runRenewalJob } from '../../services/renewals/term-end.ts'
import { ADMIN, defineRoute, OFFICE } from '../route.ts'

/** Per client address: a customer opens a link in a handful of requests; guessing tokens gets nowhere fast. */
const byIp = ({ ip }: { ip: string }) => `renewal|${ip}`
const byIpAndLink = ({ ip, params }: { ip: string; params: { token: string } }) => `renewal-accept|${ip}|${params.token}`

/** Renewal notices and quotes in bulk, renewal settings, and the customer's hosted renewal and manage-renewal pages. */
export const renewalsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'POST',
    url: '/api/renewals/preview',
    summary: 'Preview renewal notices or quotes for chosen or all matching agreements: per agreement the old and new price and the email; who would be skipped and why',
    tag: 'renewals',
    access: OFFICE,
    body: RenewalPreviewInput,
    handler: async ({ body }) => previewRenewals(deps, body),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/renewals/send',
    summary: 'Send renewal notices or quotes (idempotent: the same key never sends again)',
    description: 'Answers `{ batchId, sent, skipped, replayed }`. Make `idempotencyKey` once per dialog; a retry or second click with it returns the first answer and sends nothing.',
    tag: 'renewals',
    access: OFFICE,
    body: RenewalSendInput,
    errors: { 409: 'idempotency_key_reused: the key was used for a different request' },
    handler: async ({ body, auth }) => sendRenewals(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/renewals/run',
    summary: 'Run the renewal job now: due reminders, automatic renewals, and terms that ended (it also runs every 15 minutes)',
    tag: 'renewals',
    access: OFFICE,
    handler: async () => runRenewalJob(deps),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/renewals/settings',
    summary: 'The renewal reminder schedule (days before a term ends) and the auto-renewal notice day (15-45)',
    tag: 'renewals',
    access: OFFICE,
    handler: async () => getRenewalSettings(deps.db),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/renewals/settings',
    summary: 'Set the renewal reminder schedule and the auto-renewal notice day',
    tag: 'renewals',
    access: ADMIN,
    body: RenewalSettingsInput,
    handler: async ({ body, auth }) => updateRenewalSettings(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/renew/:token',
    summary: 'The renewal offer behind a renewal link (marks it opened); 404 for unknown, replaced or expired links',
    tag: 'renewals',
    access: 'public',
    params: RenewalTokenParams,
    rateLimit: { max: 60, key: byIp },
    handler: async ({ params, req }) => openRenewal(deps, params.token, { ip: req.ip }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/renew/:token/accept',
    summary: 'Accept the renewal: sign the new terms and pay with the method on file, or a new card (gateway token) or bank account',
    tag: 'renewals',
    access: 'public',
    params: RenewalTokenParams,
    body: AcceptRenewalInput,
    rateLimit: { max: 10, key: byIpAndLink },
    handler: async ({ params, body, req }) => acceptRenewal(deps, params.token, body, { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/auto-renewal/:token',
    summary: "The customer's automatic-renewal page behind the link in every notice and receipt",
    tag: 'renewals',
    access: 'public',
    params: RenewalTokenParams,
    rateLimit: { max: 60, key: byIp },
    handler: async ({ params }) => openManageRenewal(deps, params.token),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/auto-renewal/:token/off',
    summary: 'The customer turns automatic renewal off online (confirmed by email at once)',
    tag: 'renewals',
    access: 'public',
    params: RenewalTokenParams,
    rateLimit: { max: 10, key: byIp },
    handler: async ({ params, req }) => customerTurnsOffAutoRenew(deps, params.token, { ip: req.ip }),
  }),
]
