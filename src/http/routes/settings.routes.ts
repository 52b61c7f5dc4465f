import { sql } from 'kysely'
import { LogoInput, SettingsInput, type DashboardDto } from '../../contracts/settings.ts'
import type { ServiceDeps } from '../../services/deps.ts'
import { notFound } from '../../domain/errors.ts'
import { getCompanyLogo, getSettings, removeCompanyLogo, setCompanyLogo, updateSettings } from '../../services/settings/company-settings.ts'
import { ADMIN, ANY_ROLE, defineRoute, OFFICE } from '../route.ts'

export const settingsRoutes = (deps: ServiceDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/settings',
    summary: 'Company settings',
    tag: 'settings',
    access: ANY_ROLE,
    handler: async () => getSettings(deps),
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/settings',
    summary: 'Change company settings (name, time zone, contact)',
    tag: 'settings',
    access: ADMIN,
    body: SettingsInput,
    handler: async ({ body, auth }) => updateSettings(deps, body, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/settings/logo',
    summary: 'The company logo image (PNG or JPEG); 404 when none is set',
    tag: 'settings',
    access: ANY_ROLE,
    handler: async ({ reply }) => {
      const logo = await getCompanyLogo(deps)
      if (!logo) throw notFound('logo', 'company')
      return reply.type(logo.contentType).header('cache-control', 'no-cache').send(logo.bytes)
    },
  }),
  defineRoute({
    method: 'PUT',
    url: '/api/settings/logo',
    summary: 'Set the company logo shown on quote PDFs (a PNG or JPEG data URL, at most 300 KB)',
    tag: 'settings',
    access: ADMIN,
    body: LogoInput,
    handler: async ({ body, auth }) => setCompanyLogo(deps, body.dataUrl, auth.user.id),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/settings/logo',
    summary: 'Remove the company logo',
    tag: 'settings',
    access: ADMIN,
    handler: async ({ auth }) => removeCompanyLogo(deps, auth.user.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/dashboard',
    summary: 'Counts for the dashboard',
    tag: 'dashboard',
    access: OFFICE,
    handler: async () => {
      const { rows } = await sql<DashboardDto>`
        select
          (select count(*) from customers where archived_at is null)::int as customers,
          (select count(*) from customers where archived_at is not null)::int as archived_customers,
          (select count(*) from customer_locations l join customers c on c.id = l.customer_id
            where l.archived_at is null and c.archived_at is null)::int as locations,
          (select count(*) from plans where archived_at is null)::int as plans,
          (select count(*) from users where is_active)::int as users,
          (select count(*) from quotes where status in ('sent', 'viewed'))::int as open_quotes,
          (select count(*) from agreements where status = 'pending_approval')::int as pending_approvals,
          (select count(*) from agreements where status = 'active')::int as active_agreements,
          (select count(*) from agreements where status = 'suspended')::int as suspended_agreements,
          (select count(*) from invoices where status = 'failed')::int as failed_invoices`.execute(deps.db)
      return rows[0]
    },
  }),
]
