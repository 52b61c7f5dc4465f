import { IdParams } from '../../contracts/common.ts'
import { TechnicianCreateInput, TechnicianProfileInput } from '../../contracts/scheduling.ts'
import { listAuditEvents } from '../../services/audit/record-audit-event.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { createTechnician, getTechnician, listTechnicians, saveTechnicianProfile } from '../../services/technicians/manage-technicians.ts'
import { ADMIN, defineRoute, OFFICE } from '../route.ts'

const PROFILE = 'Working hours are wall-clock ranges per weekday (`{"mon":[{"start":"08:00","end":"17:00"}],…}`, company time zone); days off are inclusive ranges `{from, to, reason}`; skills are lower-cased; the home base (with optional latitude/longitude) is where the day starts for slot suggestions.'

/** Technicians (issue 11): admins manage them; the office reads them for the board. */
export const techniciansRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/technicians',
    summary: 'Technicians (users with the technician role) and their profiles, by name',
    description: 'Returns `{ items: TechnicianDto[] }`. `hasProfile: false` marks a technician user whose hours were never set (not schedulable until they are).',
    tag: 'technicians',
    access: OFFICE,
    handler: async () => ({ items: await listTechnicians(deps) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/technicians/:id',
    summary: 'One technician with hours, days off, skills, home base and colour',
    tag: 'technicians',
    access: OFFICE,
    params: IdParams,
    handler: async ({ params }) => getTechnician(deps, params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/technicians/:id/history',
    summary: "A technician profile's audit trail",
    tag: 'technicians',
    access: ADMIN,
    params: IdParams,
    handler: async ({ params }) => {
      await getTechnician(deps, params.id)
      return { items: await listAuditEvents(deps.db, 'technician', params.id) }
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/technicians',
    summary: 'Add a technician: their login (name, email, password; role technician) and profile',
    description: PROFILE,
    tag: 'technicians',
    access: ADMIN,
    body: TechnicianCreateInput,
    status: 201,
    errors: { 409: 'email_taken: a user with this email exists (details.fields.email)' },
    handler: async ({ body, auth }) => createTechnician(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/technicians/:id',
    summary: "Replace a technician's profile (creates it for a technician user without one); isActive false takes them off the board for new visits",
    description: PROFILE,
    tag: 'technicians',
    access: ADMIN,
    params: IdParams,
    body: TechnicianProfileInput,
    handler: async ({ params, body, auth }) => saveTechnicianProfile(deps, params.id, body, auth.user.id),
  }),
]
